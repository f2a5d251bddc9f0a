import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConcurrencyError,
  StoreRequestError,
  StoreUnavailableError,
  type EventStore,
  type ProposedEvent,
} from '../../events/store/index.js';
import { eventsOf, ids, proposed, proposedMany, takeUntil, toArray } from '../support/events.js';
import { READ_PAGE_SIZE } from '../../infra/eventstore/sqlite/read.js';
import { openSqliteEventStore, type SqliteEventStoreOptions } from '../../infra/eventstore/sqlite/index.js';

describe('sqlite event store', () => {
  let folder: string;
  const opened: EventStore[] = [];
  const open = (options: Partial<SqliteEventStoreOptions> = {}): EventStore => {
    const store = openSqliteEventStore({ path: join(folder, 'events.db'), ...options });
    opened.push(store);
    return store;
  };

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'shardkeep-sqlite-'));
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    await rm(folder, { recursive: true, force: true });
  });

  describe('the file', () => {
    it('creates missing parent folders and puts the file in WAL mode', async () => {
      const path = join(folder, 'data', 'nested', 'events.db');
      const store = open({ path });
      await store.append('s-1', [proposed()], { expectedRevision: 'no_stream' });
      await store.close();
      // Bytes 18 and 19 of an SQLite header are the write and read format versions: 2 means WAL.
      const header = await readFile(path);
      expect([header[18], header[19]]).toEqual([2, 2]);
    });

    it('keeps events, revisions and positions across a reopen, and continues after them', async () => {
      const first = open();
      const events = proposedMany(3);
      const written = await first.append('s-1', events, { expectedRevision: 'no_stream' });
      await first.close();

      const second = open();
      const read = await toArray(second.read('s-1'));
      expect(ids(read)).toEqual(ids(events));
      expect(read.at(-1)?.position).toEqual(written.position);
      // A retry that spans the restart is still recognised.
      expect(await second.append('s-1', events, { expectedRevision: 'no_stream' })).toEqual(written);
      const next = await second.append('s-1', [proposed()], { expectedRevision: 2n });
      expect(next.nextExpectedRevision).toBe(3n);
      expect(next.position.commit).toBe(written.position.commit + 1n);
    });

    it('refuses a file whose schema it does not know', async () => {
      const path = join(folder, 'events.db');
      await open({ path }).close();
      // The header's bytes 60–63 hold `PRAGMA user_version`, big-endian (the store is closed,
      // so the WAL has been checkpointed into the file).
      const file = await readFile(path);
      file.writeUInt32BE(99, 60);
      await writeFile(path, file);
      expect(() => open({ path })).toThrow(StoreUnavailableError);
    });

    it('accepts synchronous=normal', async () => {
      const store = open({ synchronous: 'normal' });
      await store.append('s-1', [proposed()], { expectedRevision: 'no_stream' });
      expect(await toArray(store.read('s-1'))).toHaveLength(1);
    });

    it('reports operations on a closed store as unavailable', async () => {
      const store = open();
      await store.close();
      await expect(store.append('s-1', [proposed()], { expectedRevision: 'any' })).rejects.toBeInstanceOf(
        StoreUnavailableError,
      );
      await expect(toArray(store.read('s-1'))).rejects.toBeInstanceOf(StoreUnavailableError);
      await store.close();
    });
  });

  describe('read-only', () => {
    it('needs an existing file', () => {
      expect(() => open({ path: join(folder, 'missing', 'events.db'), readonly: true })).toThrow(StoreUnavailableError);
      expect(existsSync(join(folder, 'missing'))).toBe(false);
    });

    it('reads and follows what a writer appends, but refuses to append', async () => {
      const writer = open();
      await writer.append('s-1', [proposed()], { expectedRevision: 'no_stream' });
      const reader = open({ readonly: true });
      expect(await toArray(reader.read('s-1'))).toHaveLength(1);
      await expect(reader.append('s-1', [proposed()], { expectedRevision: 'any' })).rejects.toBeInstanceOf(
        StoreRequestError,
      );
      const subscription = reader.subscribeAll({ from: 'end' });
      try {
        await takeUntil(subscription, (received) => received.some((message) => message.kind === 'caught_up'));
        const live = proposedMany(2);
        await writer.append('s-1', live, { expectedRevision: 0n });
        const received = await takeUntil(subscription, (messages) => eventsOf(messages).length >= 2);
        expect(ids(eventsOf(received))).toEqual(ids(live));
      } finally {
        await subscription.close();
      }
    });
  });

  describe('event ids', () => {
    it('refuses an id already stored in another stream, and writes nothing', async () => {
      const store = open();
      const taken = proposed();
      await store.append('s-1', [taken], { expectedRevision: 'no_stream' });
      await expect(store.append('s-2', [proposed(), taken], { expectedRevision: 'any' })).rejects.toBeInstanceOf(
        StoreRequestError,
      );
      expect(await toArray(store.read('s-2'))).toEqual([]);
    });

    it('refuses an id repeated within one append', async () => {
      const store = open();
      const event = proposed();
      await expect(store.append('s-1', [event, event], { expectedRevision: 'no_stream' })).rejects.toBeInstanceOf(
        StoreRequestError,
      );
      expect(await toArray(store.read('s-1'))).toEqual([]);
    });

    it('refuses an id already in the stream when the expectation holds (no replay), as a request error', async () => {
      const store = open();
      const event = proposed();
      await store.append('s-1', [event], { expectedRevision: 'no_stream' });
      await expect(store.append('s-1', [event], { expectedRevision: 0n })).rejects.toBeInstanceOf(StoreRequestError);
    });

    it('treats ids that sit in the stream but not consecutively as a conflict under any', async () => {
      const store = open();
      const [a, b, c] = proposedMany(3) as [ProposedEvent, ProposedEvent, ProposedEvent];
      await store.append('s-1', [a, b, c], { expectedRevision: 'no_stream' });
      await expect(store.append('s-1', [a, c], { expectedRevision: 'any' })).rejects.toBeInstanceOf(ConcurrencyError);
    });

    it('stores ids lower-case and recognises a retry whatever their case', async () => {
      const store = open();
      const event = proposed();
      const shouted = { ...event, id: event.id.toUpperCase() };
      const first = await store.append('s-1', [shouted], { expectedRevision: 'no_stream' });
      expect(await store.append('s-1', [event], { expectedRevision: 'no_stream' })).toEqual(first);
      expect(ids(await toArray(store.read('s-1')))).toEqual([event.id]);
    });
  });

  describe('empty appends', () => {
    it('check the expectation and report where the stream stands', async () => {
      const store = open();
      expect(await store.append('s-1', [], { expectedRevision: 'no_stream' })).toEqual({
        nextExpectedRevision: -1n,
        position: { commit: 0n, prepare: 0n },
      });
      await expect(store.append('s-1', [], { expectedRevision: 'stream_exists' })).rejects.toBeInstanceOf(
        ConcurrencyError,
      );
      const written = await store.append('s-1', proposedMany(2), { expectedRevision: 'no_stream' });
      expect(await store.append('s-1', [], { expectedRevision: 1n })).toEqual(written);
      await expect(store.append('s-1', [], { expectedRevision: 0n })).rejects.toBeInstanceOf(ConcurrencyError);
      expect(await toArray(store.read('s-1'))).toHaveLength(2);
    });
  });

  describe('more than a page of events', () => {
    const total = READ_PAGE_SIZE * 2 + 234;
    let store: EventStore;
    let written: ProposedEvent[];
    beforeEach(async () => {
      store = open();
      written = [];
      for (let offset = 0; offset < total; offset += 100) {
        const batch = proposedMany(Math.min(100, total - offset), offset % 300 === 0 ? 'Rare.v1' : 'Common.v1');
        await store.append('big-1', batch, { expectedRevision: offset === 0 ? 'no_stream' : BigInt(offset - 1) });
        await store.append('noise-1', [proposed()], { expectedRevision: 'any' });
        written.push(...batch);
      }
    });

    it('reads a stream forwards and backwards across pages', async () => {
      expect(ids(await toArray(store.read('big-1')))).toEqual(ids(written));
      expect(ids(await toArray(store.read('big-1', { direction: 'backwards' })))).toEqual(ids(written).reverse());
      const middle = await toArray(store.read('big-1', { from: 450n, maxCount: READ_PAGE_SIZE + 50 }));
      expect(ids(middle)).toEqual(ids(written.slice(450, 450 + READ_PAGE_SIZE + 50)));
    });

    it('reads $all across pages, with and without a filter', async () => {
      const all = await toArray(store.readAll());
      expect(all).toHaveLength(total + Math.ceil(total / 100));
      const big = await toArray(store.readAll({ filter: { on: 'streamName', prefixes: ['big-'] } }));
      expect(ids(big)).toEqual(ids(written));
      const rare = await toArray(store.readAll({ filter: { on: 'eventType', prefixes: ['Rare.'] }, maxCount: 150 }));
      expect(ids(rare)).toEqual(ids(written.filter((_, index) => index % 300 < 100)).slice(0, 150));
      const tail = await toArray(store.readAll({ direction: 'backwards', maxCount: READ_PAGE_SIZE + 1 }));
      expect(ids(tail)).toEqual(ids(all.slice(-(READ_PAGE_SIZE + 1)).reverse()));
    });

    it('catches up through pages with checkpoints even when the filter matches nothing', async () => {
      const subscription = store.subscribeAll({ filter: { on: 'streamName', prefixes: ['nothing-'] }, checkpointInterval: 32 });
      try {
        const received = await takeUntil(subscription, (messages) => messages.some((message) => message.kind === 'caught_up'));
        const checkpoints = received.flatMap((message) => (message.kind === 'checkpoint' ? [message.position.commit] : []));
        const head = BigInt(total + Math.ceil(total / 100));
        expect(eventsOf(received)).toEqual([]);
        expect(checkpoints.length).toBe(Math.ceil(Number(head) / 32));
        expect(checkpoints.at(-1)).toBe(head);
        expect(received.at(-1)).toEqual({ kind: 'caught_up' });
      } finally {
        await subscription.close();
      }
    });
  });

  describe('subscriptions', () => {
    it('wake at once on an append through another store object on the same file', async () => {
      const reader = open({ pollIntervalMs: 60_000 });
      const writer = open();
      const subscription = reader.subscribeAll({ from: 'end' });
      try {
        await takeUntil(subscription, (received) => received.some((message) => message.kind === 'caught_up'));
        const event = proposed();
        await writer.append('s-1', [event], { expectedRevision: 'no_stream' });
        const received = await takeUntil(subscription, (messages) => eventsOf(messages).length >= 1, 1_000);
        expect(ids(eventsOf(received))).toEqual([event.id]);
      } finally {
        await subscription.close();
      }
    });

    it('checkpoint at the head once caught up, and again after live events', async () => {
      const store = open();
      await store.append('s-1', proposedMany(3), { expectedRevision: 'no_stream' });
      const subscription = store.subscribeAll();
      try {
        const catchUp = await takeUntil(subscription, (received) => received.some((message) => message.kind === 'caught_up'));
        expect(catchUp.slice(-2)).toEqual([{ kind: 'checkpoint', position: { commit: 3n, prepare: 3n } }, { kind: 'caught_up' }]);
        await store.append('s-1', [proposed()], { expectedRevision: 2n });
        const live = await takeUntil(subscription, (received) => received.some((message) => message.kind === 'checkpoint'));
        expect(live.map((message) => message.kind)).toEqual(['event', 'checkpoint']);
        expect(live.at(-1)).toEqual({ kind: 'checkpoint', position: { commit: 4n, prepare: 4n } });
      } finally {
        await subscription.close();
      }
    });

    it('end when the store closes: a pending next() resolves done', async () => {
      const store = open();
      const subscription = store.subscribeAll();
      const iterator = subscription[Symbol.asyncIterator]();
      await takeUntil(subscription, (received) => received.some((message) => message.kind === 'caught_up'));
      const pending = iterator.next();
      await store.close();
      await expect(pending).resolves.toEqual({ done: true, value: undefined });
    });

    it('refuse a checkpoint interval that is not a positive integer', () => {
      const store = open();
      expect(() => store.subscribeAll({ checkpointInterval: 0 })).toThrow(StoreRequestError);
    });
  });
});
