import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConcurrencyError,
  StoreRequestError,
  StoreUnavailableError,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type ProposedEvent,
} from '../../events/store/index.js';
import { eventsOf, ids, proposed, proposedMany, takeUntil, toArray } from '../support/events.js';
import { countCommits } from '../support/sqlite/wal.js';
import { openSqliteEventStore, type SqliteEventStoreOptions } from '../../infra/eventstore/sqlite/index.js';
import { listenForAppends } from '../../infra/eventstore/sqlite/wake.js';

interface Attempt {
  readonly stream: string;
  readonly events: readonly ProposedEvent[];
  readonly expectedRevision: ExpectedRevision;
}

/** Starts every attempt in the same turn (so they share a flush) and waits for all of them. */
const together = (store: EventStore, attempts: readonly Attempt[]): Promise<PromiseSettledResult<AppendResult>[]> =>
  Promise.allSettled(attempts.map(({ stream, events, expectedRevision }) => store.append(stream, events, { expectedRevision })));

const fulfilled = (settled: PromiseSettledResult<AppendResult>): AppendResult => {
  if (settled.status === 'rejected') throw new Error('expected a success', { cause: settled.reason });
  return settled.value;
};
const reason = (settled: PromiseSettledResult<AppendResult> | undefined): unknown =>
  settled?.status === 'rejected' ? settled.reason : undefined;

const oneEach = (streams: readonly string[], expectedRevision: ExpectedRevision = 'no_stream'): Attempt[] =>
  streams.map((stream) => ({ stream, events: [proposed()], expectedRevision }));
const named = (count: number, prefix = 'actor'): string[] => Array.from({ length: count }, (_, index) => `${prefix}-${index}`);
const range = (from: bigint, count: number): bigint[] => Array.from({ length: count }, (_, index) => from + BigInt(index));

/** Runs `sql` through a connection of its own: the store's file, changed behind its back. */
const alterFile = (path: string, sql: string): void => {
  const db = new Database(path);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
};

describe('sqlite group commit', () => {
  let folder: string;
  let path: string;
  const opened: EventStore[] = [];
  const open = (options: Partial<SqliteEventStoreOptions> = {}): EventStore => {
    const store = openSqliteEventStore({ path, ...options });
    opened.push(store);
    return store;
  };
  /** A store with one event in it, so the schema's own transaction is behind us; positions go on from 2. */
  const openWarm = async (options: Partial<SqliteEventStoreOptions> = {}): Promise<EventStore> => {
    const store = open(options);
    await store.append('warm-up', [proposed()], { expectedRevision: 'no_stream' });
    return store;
  };

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'shardkeep-group-commit-'));
    path = join(folder, 'events.db');
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    await rm(folder, { recursive: true, force: true });
  });

  it('commits 64 writers appending to their own streams in one transaction', async () => {
    const store = await openWarm();
    const commits = countCommits(path);
    // Each writer loads its stream first, after some other work: a different number of
    // promise hops for each before it appends, all within the turn.
    const writer = async (stream: string, index: number): Promise<AppendResult> => {
      for (let hop = 0; hop < index % 8; hop += 1) await Promise.resolve();
      const last = (await toArray(store.read(stream, { direction: 'backwards', maxCount: 1 })))[0];
      return store.append(stream, [proposed()], { expectedRevision: last?.revision ?? 'no_stream' });
    };
    const results = await Promise.all(named(64).map(writer));
    expect(commits()).toBe(1);
    // Contiguous: one transaction, nothing between. (Arrival order here is by hop count, not by stream.)
    const positions = results.map((result) => result.position.commit).sort((a, b) => Number(a - b));
    expect(positions).toEqual(range(2n, 64));
    expect(results.every((result) => result.nextExpectedRevision === 0n)).toBe(true);
  });

  it('reports each committed transaction that wrote events through onCommit, as the WAL counts them', async () => {
    let reported = 0;
    const store = await openWarm({ onCommit: () => (reported += 1) });
    expect(reported).toBe(1); // the warm-up append
    const commits = countCommits(path);
    (await together(store, oneEach(named(32, 'grouped')))).map(fulfilled);
    expect(reported).toBe(2);
    for (const stream of named(3, 'alone')) await store.append(stream, [proposed()], { expectedRevision: 'no_stream' });
    expect(reported).toBe(5);
    expect(commits()).toBe(4);
  });

  it('commits each append on its own with groupCommit: false', async () => {
    const store = await openWarm({ groupCommit: false });
    const commits = countCommits(path);
    const results = (await together(store, oneEach(named(64)))).map(fulfilled);
    expect(commits()).toBe(64);
    expect(results.map((result) => result.position.commit)).toEqual(range(2n, 64));
  });

  it('fails an append with a stale expectation alone; the others are committed and durable', async () => {
    let store = await openWarm();
    await store.append('contested', [proposed()], { expectedRevision: 'no_stream' });
    const commits = countCommits(path);
    const attempts = oneEach(named(20));
    const stale: Attempt = { stream: 'contested', events: [proposed()], expectedRevision: 'no_stream' };
    attempts.splice(7, 0, stale);
    const settled = await together(store, attempts);
    expect(commits()).toBe(1);
    expect(reason(settled[7])).toBeInstanceOf(ConcurrencyError);
    expect(reason(settled[7])).toMatchObject({ expected: 'no_stream', actual: 0n });
    const succeeded = settled.filter((_, index) => index !== 7).map(fulfilled);
    // The refused append left no gap: the survivors' positions follow one another.
    expect(succeeded.map((result) => result.position.commit)).toEqual(range(3n, 20));

    await store.close();
    store = open();
    for (const [index, attempt] of attempts.entries()) {
      const read = await toArray(store.read(attempt.stream));
      if (index === 7) expect(read).toHaveLength(1);
      else expect(ids(read)).toEqual(ids(attempt.events));
    }
  });

  it('runs appends to one stream within a batch as if one after the other', async () => {
    const store = await openWarm();
    const commits = countCommits(path);
    const [first, second, third, late] = [proposed(), proposed(), proposed(), proposed()];
    const settled = await together(store, [
      { stream: 's', events: [first], expectedRevision: 'no_stream' },
      // Expects what the first append will return: it sees it.
      { stream: 's', events: [second], expectedRevision: 0n },
      // The same stale expectation as the first: too late.
      { stream: 's', events: [proposed()], expectedRevision: 'no_stream' },
      // A retry of the first append, in the same batch: its original result, nothing written.
      { stream: 's', events: [first], expectedRevision: 'no_stream' },
      { stream: 's', events: [third], expectedRevision: 'any' },
      { stream: 's', events: [late], expectedRevision: 1n },
      { stream: 's', events: [], expectedRevision: 2n },
    ]);
    expect(commits()).toBe(1);
    const firstResult = { nextExpectedRevision: 0n, position: { commit: 2n, prepare: 2n } };
    expect(fulfilled(settled[0]!)).toEqual(firstResult);
    expect(fulfilled(settled[1]!)).toEqual({ nextExpectedRevision: 1n, position: { commit: 3n, prepare: 3n } });
    expect(reason(settled[2])).toMatchObject({ expected: 'no_stream', actual: 1n });
    expect(fulfilled(settled[3]!)).toEqual(firstResult);
    expect(fulfilled(settled[4]!)).toEqual({ nextExpectedRevision: 2n, position: { commit: 4n, prepare: 4n } });
    expect(reason(settled[5])).toMatchObject({ expected: 1n, actual: 2n });
    expect(fulfilled(settled[6]!)).toEqual({ nextExpectedRevision: 2n, position: { commit: 4n, prepare: 4n } });
    expect(ids(await toArray(store.read('s')))).toEqual(ids([first, second, third]));
  });

  it('fails an invalid append and a reused id alone, naming the append of the same batch that holds the id', async () => {
    const store = await openWarm();
    const commits = countCommits(path);
    const shared = proposed();
    const attempts = oneEach(named(10));
    attempts.splice(3, 0, { stream: 'bad', events: [proposed(), { ...proposed(), id: 'not-a-uuid' }], expectedRevision: 'any' });
    attempts.splice(5, 0, { stream: 'owner', events: [shared], expectedRevision: 'no_stream' });
    attempts.splice(8, 0, { stream: 'thief', events: [proposed(), shared], expectedRevision: 'no_stream' });
    const settled = await together(store, attempts);
    expect(commits()).toBe(1);
    expect(reason(settled[3])).toBeInstanceOf(StoreRequestError);
    expect(reason(settled[8])).toBeInstanceOf(StoreRequestError);
    expect(String(reason(settled[8]))).toContain(`already stored in owner at revision 0`);
    const succeeded = settled.filter((_, index) => index !== 3 && index !== 8).map(fulfilled);
    expect(succeeded.map((result) => result.position.commit)).toEqual(range(2n, 11));
    expect(await toArray(store.read('bad'))).toEqual([]);
    expect(await toArray(store.read('thief'))).toEqual([]);
  });

  it('rejects every append of a batch whose transaction cannot start, and recovers', async () => {
    const store = await openWarm({ busyTimeoutMs: 20 });
    const other = new Database(path);
    try {
      other.exec('BEGIN IMMEDIATE');
      const settled = await together(store, oneEach(named(8)));
      expect(settled.map(reason).every((error) => error instanceof StoreUnavailableError)).toBe(true);
    } finally {
      if (other.inTransaction) other.exec('ROLLBACK');
      other.close();
    }
    for (const stream of named(8)) expect(await toArray(store.read(stream))).toEqual([]);
    const after = (await together(store, oneEach(named(8)))).map(fulfilled);
    expect(after.map((result) => result.position.commit)).toEqual(range(2n, 8));
  });

  it('rejects every append of a batch whose COMMIT fails, writes none of them, and recovers', async () => {
    const store = await openWarm();
    // A deferred foreign key is checked at COMMIT: a trap event makes the commit itself fail.
    alterFile(
      path,
      `CREATE TABLE trap_parent (id INTEGER PRIMARY KEY);
       CREATE TABLE trap_child (parent INTEGER REFERENCES trap_parent (id) DEFERRABLE INITIALLY DEFERRED);
       CREATE TRIGGER trap AFTER INSERT ON events WHEN NEW.type = 'Trap.v1' BEGIN INSERT INTO trap_child VALUES (1); END;`,
    );
    const commits = countCommits(path);
    const attempts = oneEach(named(12));
    attempts.splice(6, 0, { stream: 'trap', events: [proposed('Trap.v1')], expectedRevision: 'any' });
    const settled = await together(store, attempts);
    expect(commits()).toBe(0);
    for (const attempt of settled) {
      expect(reason(attempt)).toBeInstanceOf(StoreUnavailableError);
      expect((reason(attempt) as Error).cause).toMatchObject({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
    }
    expect(await toArray(store.readAll())).toHaveLength(1);
    // The failed transaction was rolled back: the connection writes again, and the same appends go through.
    const retried = (await together(store, attempts.filter((_, index) => index !== 6))).map(fulfilled);
    expect(commits()).toBe(1);
    expect(retried.map((result) => result.position.commit)).toEqual(range(2n, 12));
  });

  it('fails an append that breaks the transaction alone, and commits the others in a fresh one', async () => {
    const store = await openWarm();
    // Stands in for a failure of the store itself (disk full, I/O error) during one append.
    alterFile(
      path,
      `CREATE TRIGGER poison BEFORE INSERT ON events WHEN NEW.type = 'Poison.v1' BEGIN SELECT RAISE(ABORT, 'poisoned'); END;`,
    );
    const commits = countCommits(path);
    const attempts = oneEach(named(10));
    attempts.splice(4, 0, { stream: 'poison', events: [proposed('Poison.v1')], expectedRevision: 'any' });
    const settled = await together(store, attempts);
    expect(commits()).toBe(1);
    expect(reason(settled[4])).toBeInstanceOf(StoreUnavailableError);
    const succeeded = settled.filter((_, index) => index !== 4).map(fulfilled);
    expect(succeeded.map((result) => result.position.commit)).toEqual(range(2n, 10));
  });

  it('bounds a transaction at 1 000 appends; the rest follows in the next one, in order', async () => {
    const store = await openWarm();
    const commits = countCommits(path);
    const results = (await together(store, oneEach(named(1_500)))).map(fulfilled);
    expect(commits()).toBe(2);
    expect(results.map((result) => result.position.commit)).toEqual(range(2n, 1_500));
  });

  it('wakes subscribers once per flush, and they receive every event', async () => {
    const store = await openWarm();
    const subscription = store.subscribeAll({ from: 'end' });
    let wakes = 0;
    const stopListening = listenForAppends(path, () => (wakes += 1));
    try {
      await takeUntil(subscription, (received) => received.some((message) => message.kind === 'caught_up'));
      const attempts = oneEach(named(64));
      (await together(store, attempts)).map(fulfilled);
      expect(wakes).toBe(1);
      const received = await takeUntil(subscription, (messages) => eventsOf(messages).length >= 64);
      expect(ids(eventsOf(received))).toEqual(attempts.flatMap((attempt) => ids(attempt.events)));
    } finally {
      stopListening();
      await subscription.close();
    }
  });

  it('writes appends still queued when the store closes', async () => {
    const store = await openWarm();
    const pending = together(store, oneEach(named(5)));
    await store.close();
    expect((await pending).map(fulfilled)).toHaveLength(5);
    const reopened = open();
    expect(await toArray(reopened.readAll())).toHaveLength(6);
  });

  it('writes what was validated even if the caller reuses its array before the flush', async () => {
    const store = await openWarm();
    const events = proposedMany(2);
    const written = ids(events);
    const appended = store.append('s', events, { expectedRevision: 'no_stream' });
    events.splice(0, 2, { ...proposed(), id: 'not-a-uuid' });
    await appended;
    expect(ids(await toArray(store.read('s')))).toEqual(written);
  });
});
