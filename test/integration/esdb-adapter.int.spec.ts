import { createServer } from 'node:net';
import { EventStoreDBClient, WrongExpectedVersionError } from '@eventstore/db-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConcurrencyError,
  StoreRequestError,
  StoreUnavailableError,
  StreamDeletedError,
  type EventStore,
  type SubscriptionMessage,
} from '../../events/store/index.js';
import { startEsdbEmulator, type EsdbEmulator } from '../support/esdb-emulator/index.js';
import { eventsOf, ids, proposed, proposedMany, takeUntil, toArray, uniquePrefix } from '../support/events.js';
import { createEsdbEventStore } from '../../infra/eventstore/esdb/index.js';

/*
 * What the shared contract cannot see: how the adapter maps the client's errors and
 * bytes. Run against the emulator (a protocol stand-in, not EventStoreDB), once per
 * append path the client picks from the server's advertised features.
 */

const rejection = async (attempt: Promise<unknown>): Promise<unknown> =>
  attempt.then(
    () => {
      throw new Error('expected a rejection');
    },
    (reason: unknown) => reason,
  );

describe.each([
  { path: 'BatchAppend', batchAppend: true },
  { path: 'Append', batchAppend: false },
])('EventStoreDB adapter on the emulator, $path path', ({ batchAppend }) => {
  let emulator: EsdbEmulator;
  let store: EventStore;
  let raw: EventStoreDBClient;
  let prefix: string;
  const stream = (name = 'a'): string => `${prefix}-${name}`;

  beforeEach(async () => {
    emulator = await startEsdbEmulator({ batchAppend });
    store = createEsdbEventStore({ connectionString: emulator.connectionString });
    raw = EventStoreDBClient.connectionString(emulator.connectionString);
    prefix = uniquePrefix('esdb');
  });
  afterEach(async () => {
    await store.close();
    await raw.dispose();
    await emulator.stop();
  });

  describe('wrong expected version', () => {
    it('becomes a ConcurrencyError with our expectation, the actual revision, and the client error as cause', async () => {
      await store.append(stream(), proposedMany(2), { expectedRevision: 'no_stream' });
      const error = await rejection(store.append(stream(), [proposed()], { expectedRevision: 0n }));
      expect(error).toBeInstanceOf(ConcurrencyError);
      expect(error).toMatchObject({ stream: stream(), expected: 0n, actual: 1n });
      expect((error as ConcurrencyError).cause).toBeInstanceOf(WrongExpectedVersionError);
    });

    it('reports a missing stream as no_stream', async () => {
      const error = await rejection(store.append(stream(), [proposed()], { expectedRevision: 'stream_exists' }));
      expect(error).toMatchObject({ expected: 'stream_exists', actual: 'no_stream' });
    });

    it('checks an append of nothing without writing', async () => {
      expect(await store.append(stream(), [], { expectedRevision: 'no_stream' })).toMatchObject({ nextExpectedRevision: -1n });
      await expect(store.append(stream(), [], { expectedRevision: 0n })).rejects.toMatchObject({ actual: 'no_stream' });
      await store.append(stream(), proposedMany(2), { expectedRevision: 'no_stream' });
      const written = await toArray(store.read(stream()));
      expect(await store.append(stream(), [], { expectedRevision: 1n })).toEqual({
        nextExpectedRevision: 1n,
        position: written[1]?.position,
      });
    });
  });

  describe('tombstoned streams', () => {
    it('refuse appends and reads with StreamDeletedError', async () => {
      await store.append(stream(), [proposed()], { expectedRevision: 'no_stream' });
      await raw.tombstoneStream(stream());
      const appendError = await rejection(store.append(stream(), [proposed()], { expectedRevision: 'any' }));
      expect(appendError).toBeInstanceOf(StreamDeletedError);
      expect(appendError).toMatchObject({ code: 'STREAM_DELETED', stream: stream() });
      await expect(toArray(store.read(stream()))).rejects.toBeInstanceOf(StreamDeletedError);
    });
  });

  describe('payload bytes', () => {
    // The client parses metadata as JSON whenever it can; the adapter must not.
    const lookLikeJson = ['{}', '1', '"x"', '[1, 2]', 'null', 'true', ' {"a":1} '].map((text) => new TextEncoder().encode(text));
    const samples = [...lookLikeJson, new Uint8Array(0), Uint8Array.from([0xff, 0x00, 0x7b, 0x7d])];

    it('come back exactly from read, readAll and subscribeAll, even when they look like JSON', async () => {
      const events = samples.map((bytes) => ({ ...proposed(), data: bytes, metadata: bytes }));
      await store.append(stream(), events, { expectedRevision: 'no_stream' });
      const subscription = store.subscribeAll({ filter: { on: 'streamName', prefixes: [`${prefix}-`] } });
      try {
        const delivered = eventsOf(await takeUntil(subscription, (received) => eventsOf(received).length >= events.length));
        const fromAll = await toArray(store.readAll({ filter: { on: 'streamName', prefixes: [`${prefix}-`] } }));
        for (const read of [await toArray(store.read(stream())), fromAll, delivered]) {
          expect(read.map((event) => Array.from(event.metadata))).toEqual(samples.map((bytes) => Array.from(bytes)));
          expect(read.map((event) => Array.from(event.data))).toEqual(samples.map((bytes) => Array.from(bytes)));
          expect(read.every((event) => event.metadata.constructor === Uint8Array)).toBe(true);
        }
      } finally {
        await subscription.close();
      }
    });
  });

  describe('reading $all backwards from a position', () => {
    it('includes the event at the position, as the port says, though the server starts before it', async () => {
      const events = proposedMany(5);
      await store.append(stream(), events, { expectedRevision: 'no_stream' });
      const third = (await toArray(store.read(stream())))[2];
      const read = await toArray(
        store.readAll({ direction: 'backwards', from: third?.position, filter: { on: 'streamName', prefixes: [`${prefix}-`] } }),
      );
      expect(ids(read)).toEqual(ids(events.slice(0, 3)).reverse());
      const two = await toArray(store.readAll({ direction: 'backwards', from: third?.position, maxCount: 2 }));
      expect(ids(two)).toEqual(ids(events.slice(1, 3)).reverse());
    });
  });

  describe('subscriptions', () => {
    it('keep order and lose nothing for a reader much slower than the server', async () => {
      const written: string[] = [];
      for (let batch = 0; batch < 8; batch += 1) {
        const events = proposedMany(100);
        written.push(...ids(events));
        await store.append(stream(`s${batch}`), events, { expectedRevision: 'no_stream' });
      }
      const subscription = store.subscribeAll({ filter: { on: 'streamName', prefixes: [`${prefix}-`] } });
      try {
        // Let the subscription fill its queue and stall before anyone reads.
        await new Promise((resolve) => setTimeout(resolve, 200));
        const received: SubscriptionMessage[] = [];
        for await (const message of subscription) {
          received.push(message);
          if (received.length % 100 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
          if (message.kind === 'caught_up') break;
        }
        expect(ids(eventsOf(received))).toEqual(written);
        expect(received.at(-1)).toEqual({ kind: 'caught_up' });
      } finally {
        await subscription.close();
      }
    });

    it('end a reader waiting for live events when the store closes, and the store refuses work afterwards', async () => {
      const subscription = store.subscribeAll({ from: 'end' });
      const iterator = subscription[Symbol.asyncIterator]();
      expect(await iterator.next()).toEqual({ done: false, value: { kind: 'caught_up' } });
      const waiting = iterator.next();
      await store.close();
      expect(await waiting).toEqual({ done: true, value: undefined });
      await expect(store.append(stream(), [proposed()], { expectedRevision: 'any' })).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(toArray(store.read(stream()))).rejects.toBeInstanceOf(StoreUnavailableError);
    });

    it('surface a server going away as a rejected next() with StoreUnavailableError', async () => {
      const subscription = store.subscribeAll({ from: 'end' });
      try {
        await takeUntil(subscription, (received) => received.some((message) => message.kind === 'caught_up'));
        await emulator.stop();
        await expect(subscription[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(StoreUnavailableError);
      } finally {
        await subscription.close();
      }
    });
  });

  it('closes promptly after readers left their reads early', async () => {
    // The client's dispose() waits for every gRPC call; an abandoned read must not keep one open.
    await store.append(stream(), proposedMany(20), { expectedRevision: 'no_stream' });
    for await (const event of store.read(stream())) if (event.revision === 1n) break;
    expect(await toArray(store.readAll({ maxCount: 2 }))).toHaveLength(2);
    expect(await toArray(store.read(stream(), { direction: 'backwards', maxCount: 1 }))).toHaveLength(1);
    await store.append(stream(), [], { expectedRevision: 19n });
    const closed = await Promise.race([
      store.close().then(() => 'closed'),
      new Promise((resolve) => setTimeout(() => resolve('still open'), 2_000)),
    ]);
    expect(closed).toBe('closed');
  });

  it('leaves a client it was given open on close', async () => {
    const borrowed = createEsdbEventStore({ client: raw });
    await borrowed.append(stream(), [proposed()], { expectedRevision: 'no_stream' });
    await borrowed.close();
    expect(await toArray(raw.readStream(stream()))).toHaveLength(1);
  });
});

describe('EventStoreDB adapter without a server', () => {
  let closedPort: number;
  let store: EventStore;

  beforeEach(async () => {
    // A port that was free a moment ago and has nothing listening on it now.
    closedPort = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
      });
    });
    store = createEsdbEventStore({ connectionString: `esdb://127.0.0.1:${closedPort}?tls=false` });
  });
  afterEach(async () => {
    await store.close();
  });

  it('reports a refused connection as StoreUnavailableError from every operation', async () => {
    const failures = [
      await rejection(store.append('player-1', [proposed()], { expectedRevision: 'any' })),
      await rejection(toArray(store.read('player-1'))),
      await rejection(toArray(store.readAll())),
      await rejection(store.subscribeAll()[Symbol.asyncIterator]().next()),
    ];
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(StoreUnavailableError);
      expect((failure as StoreUnavailableError).cause).toBeDefined();
    }
  });

  it('refuses configuration it cannot honour before connecting', () => {
    expect(() => createEsdbEventStore({ connectionString: 'esdb://localhost:2113?tls=false&throwOnAppendFailure=false' })).toThrow(
      StoreRequestError,
    );
    expect(() => createEsdbEventStore({ connectionString: 'http://nowhere' })).toThrow(StoreRequestError);
  });
});
