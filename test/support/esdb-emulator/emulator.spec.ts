import { randomUUID } from 'node:crypto';
import { credentials, status, type ServiceError } from '@grpc/grpc-js';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  MaxAppendSizeExceededError,
  START,
  StreamDeletedError,
  StreamNotFoundError,
  UnknownError,
  WrongExpectedVersionError,
  binaryEvent,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type Position,
  type ResolvedEvent,
  type StreamSubscription,
} from '@eventstore/db-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEsdbEmulator, type EsdbEmulator } from './index.js';
import { featuresGrpc, shared, streamsGrpc } from './proto.js';

// The emulator is a protocol stand-in, checked here against the real client only.

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const event = (type = 'Happened.v1', data = bytes(1, 2, 3), metadata = bytes(9)) =>
  binaryEvent({ id: randomUUID(), type, data, metadata });
const events = (count: number, type?: string) => Array.from({ length: count }, (_, index) => event(type, bytes(index)));

const collect = async <E extends ResolvedEvent>(source: AsyncIterable<E>): Promise<E[]> => {
  const result: E[] = [];
  for await (const item of source) result.push(item);
  return result;
};
const failureOf = async (attempt: Promise<unknown>): Promise<unknown> =>
  attempt.then(
    () => new Error('expected a failure'),
    (error: unknown) => error,
  );
const positionOf = (resolved: ResolvedEvent): Position => {
  const position = resolved.event?.position;
  if (position === undefined) throw new Error('the event carries no position');
  return position;
};
const isAfter = (a: Position, b: Position): boolean => a.commit > b.commit || (a.commit === b.commit && a.prepare > b.prepare);

const eventually = async (condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

type Received = { readonly kind: 'event'; readonly event: ResolvedEvent } | { readonly kind: 'checkpoint'; readonly position: Position } | { readonly kind: 'caught_up' };

/** Records what a subscription delivers, in order, with the checkpoints its filter reports. */
const watch = (subscription: AllStreamSubscription | StreamSubscription, received: Received[] = []) => {
  let failure: unknown;
  subscription.on('data', (resolved: ResolvedEvent) => received.push({ kind: 'event', event: resolved }));
  subscription.on('caughtUp', () => received.push({ kind: 'caught_up' }));
  subscription.on('error', (error: unknown) => {
    failure = error;
  });
  const eventsReceived = () => received.flatMap((message) => (message.kind === 'event' ? [message.event] : []));
  return {
    received,
    events: eventsReceived,
    types: () => eventsReceived().map((resolved) => resolved.event?.type),
    checkpoints: () => received.flatMap((message) => (message.kind === 'checkpoint' ? [message.position] : [])),
    caughtUp: () => received.some((message) => message.kind === 'caught_up'),
    failure: () => failure,
  };
};

/** A checkpoint callback that records into the same timeline as the events. */
const recordCheckpoints = (received: Received[]) => (_subscription: AllStreamSubscription, position: Position) => {
  received.push({ kind: 'checkpoint', position });
};

const modes = [
  { label: 'BatchAppend advertised', batchAppend: true },
  { label: 'Append only', batchAppend: false },
] as const;

describe.each(modes)('EventStoreDB emulator with the real client ($label)', ({ batchAppend }) => {
  let emulator: EsdbEmulator;
  let client: EventStoreDBClient;
  let prefix: string;
  const stream = (name: string): string => `${prefix}_${name}-1`;

  beforeAll(async () => {
    emulator = await startEsdbEmulator({ batchAppend });
    client = EventStoreDBClient.connectionString(emulator.connectionString);
    prefix = `t${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  });
  afterAll(async () => {
    await client.dispose();
    await emulator.stop();
  });

  describe('server features', () => {
    it(batchAppend ? 'advertises BatchAppend, so the client appends through it' : 'does not advertise BatchAppend, so the client appends through Append', async () => {
      const raw = new featuresGrpc.ServerFeaturesClient(`127.0.0.1:${emulator.port}`, credentials.createInsecure());
      try {
        const methods = await new Promise<string[]>((resolve, reject) => {
          raw.getSupportedMethods(new shared.Empty(), (error, supported) => {
            if (error !== null) reject(error);
            else resolve(supported.getMethodsList().map((method) => `${method.getServiceName()}/${method.getMethodName()}`));
          });
        });
        expect(methods).toContain('event_store.client.streams.streams/append');
        expect(methods.includes('event_store.client.streams.streams/batchappend')).toBe(batchAppend);
      } finally {
        raw.close();
      }
    });
  });

  describe('appendToStream', () => {
    it('creates a stream with no_stream and reads back binary data, metadata, id, type and created', async () => {
      const name = stream('create');
      const written = event('Binary.v3', bytes(0, 1, 255, 0, 128), bytes(0xc0, 0x00, 0xff));
      const before = Date.now();
      const result = await client.appendToStream(name, written, { expectedRevision: 'no_stream' });
      expect(result.success).toBe(true);
      expect(result.nextExpectedRevision).toBe(0n);
      const [read] = await collect(client.readStream(name));
      expect(read?.event).toMatchObject({ streamId: name, id: written.id, type: 'Binary.v3', revision: 0n, isJson: false });
      expect(Array.from(read?.event?.data as Uint8Array)).toEqual([0, 1, 255, 0, 128]);
      expect(Array.from(read?.event?.metadata as Uint8Array)).toEqual([0xc0, 0x00, 0xff]);
      expect(read?.event?.position).toEqual(result.position);
      expect(Math.abs((read?.event?.created.getTime() ?? 0) - before)).toBeLessThan(60_000);
    });

    it('keeps JSON events as JSON', async () => {
      const name = stream('json');
      await client.appendToStream(name, jsonEvent({ type: 'Json.v1', data: { a: 1 } }), { expectedRevision: 'no_stream' });
      const [read] = await collect(client.readStream(name));
      expect(read?.event).toMatchObject({ isJson: true, data: { a: 1 } });
    });

    it('appends at an exact revision and with any and stream_exists', async () => {
      const name = stream('revisions');
      expect((await client.appendToStream(name, events(2), { expectedRevision: 'any' })).nextExpectedRevision).toBe(1n);
      expect((await client.appendToStream(name, events(1), { expectedRevision: 1n })).nextExpectedRevision).toBe(2n);
      expect((await client.appendToStream(name, events(1), { expectedRevision: 'stream_exists' })).nextExpectedRevision).toBe(3n);
      expect((await client.appendToStream(name, events(1), { expectedRevision: 'any' })).nextExpectedRevision).toBe(4n);
      expect((await collect(client.readStream(name))).map((resolved) => resolved.event?.revision)).toEqual([0n, 1n, 2n, 3n, 4n]);
    });

    it.each([
      { expected: 'no_stream' as const, existing: 2, actual: 1n },
      { expected: 0n, existing: 2, actual: 1n },
      { expected: 5n, existing: 2, actual: 1n },
      { expected: 0n, existing: 0, actual: 'no_stream' as const },
      { expected: 'stream_exists' as const, existing: 0, actual: 'no_stream' as const },
    ])('reports expected $expected against actual $actual as WrongExpectedVersionError', async ({ expected, existing, actual }) => {
      const name = stream(`wrong${randomUUID().slice(0, 8)}`);
      if (existing > 0) await client.appendToStream(name, events(existing), { expectedRevision: 'no_stream' });
      const error = await failureOf(client.appendToStream(name, events(1), { expectedRevision: expected }));
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({ streamName: name, expectedVersion: expected, actualVersion: actual });
    });

    it('writes all events of an append or none, at increasing positions that are not consecutive', async () => {
      const name = stream('atomic');
      await client.appendToStream(name, events(3), { expectedRevision: 'no_stream' });
      await failureOf(client.appendToStream(name, events(3), { expectedRevision: 0n }));
      const read = await collect(client.readStream(name));
      expect(read).toHaveLength(3);
      const commits = read.map((resolved) => positionOf(resolved).commit);
      for (let index = 1; index < commits.length; index += 1) {
        expect((commits[index] as bigint) - (commits[index - 1] as bigint)).toBeGreaterThan(1n);
      }
    });

    it('treats a retry with the same ids and expectation as the original append and writes nothing', async () => {
      const name = stream('retry');
      const batch = events(3);
      const first = await client.appendToStream(name, batch, { expectedRevision: 'no_stream' });
      await client.appendToStream(name, events(2), { expectedRevision: 2n });
      const retried = await client.appendToStream(name, batch, { expectedRevision: 'no_stream' });
      expect(retried).toEqual(first);
      const retriedWithAny = await client.appendToStream(name, batch, { expectedRevision: 'any' });
      expect(retriedWithAny).toEqual(first);
      expect(await collect(client.readStream(name))).toHaveLength(5);
    });

    it('rejects a retry whose ids only partly match what was written', async () => {
      const name = stream('partial');
      const batch = events(2);
      await client.appendToStream(name, batch, { expectedRevision: 'no_stream' });
      const error = await failureOf(client.appendToStream(name, [...batch.slice(0, 1), event()], { expectedRevision: 'no_stream' }));
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({ expectedVersion: 'no_stream', actualVersion: 1n });
      expect(await failureOf(client.appendToStream(name, [...batch.slice(0, 1), event()], { expectedRevision: 'any' }))).toBeInstanceOf(
        WrongExpectedVersionError,
      );
      expect(await collect(client.readStream(name))).toHaveLength(2);
    });

    it('refuses an event id that is not a UUID, as the server fails to parse it, and keeps serving', async () => {
      const name = stream('badId');
      const invalid = { ...event(), id: 'not-a-uuid' };
      expect(await failureOf(client.appendToStream(name, invalid, { expectedRevision: 'any' }))).toBeInstanceOf(UnknownError);
      expect((await client.appendToStream(name, event(), { expectedRevision: 'no_stream' })).nextExpectedRevision).toBe(0n);
    });

    it('refuses an append larger than the maximum append size', async () => {
      const error = await failureOf(
        client.appendToStream(stream('huge'), event('Big.v1', new Uint8Array(1024 * 1024)), { expectedRevision: 'any' }),
      );
      expect(error).toBeInstanceOf(MaxAppendSizeExceededError);
      expect(error).toMatchObject({ maxAppendSize: 1024 * 1024 });
    });
  });

  describe('readStream', () => {
    let name: string;
    let written: ReturnType<typeof events>;
    beforeAll(async () => {
      name = stream('reads');
      written = events(10);
      await client.appendToStream(name, written, { expectedRevision: 'no_stream' });
    });
    const idsOf = (read: ResolvedEvent[]) => read.map((resolved) => resolved.event?.id);
    const idsWritten = (from: number, to: number) => written.slice(from, to).map((item) => item.id);

    it('reads forwards from a revision, inclusive, up to a max count', async () => {
      expect(idsOf(await collect(client.readStream(name, { fromRevision: 3n, maxCount: 4 })))).toEqual(idsWritten(3, 7));
    });

    it('reads backwards from the end and from a revision, inclusive', async () => {
      expect(idsOf(await collect(client.readStream(name, { direction: BACKWARDS, fromRevision: END, maxCount: 2 })))).toEqual(
        idsWritten(8, 10).reverse(),
      );
      expect(idsOf(await collect(client.readStream(name, { direction: BACKWARDS, fromRevision: 2n })))).toEqual(
        idsWritten(0, 3).reverse(),
      );
    });

    it('reads nothing forwards from past the end', async () => {
      expect(await collect(client.readStream(name, { direction: FORWARDS, fromRevision: 20n }))).toEqual([]);
    });

    it('fails a missing stream with StreamNotFoundError in both directions', async () => {
      const missing = stream('missing');
      expect(await failureOf(collect(client.readStream(missing)))).toBeInstanceOf(StreamNotFoundError);
      expect(await failureOf(collect(client.readStream(missing, { direction: BACKWARDS, fromRevision: END })))).toMatchObject({
        streamName: missing,
      });
    });
  });

  describe('readAll', () => {
    it('holds system events and strictly increasing positions', async () => {
      const all = await collect(client.readAll({ fromPosition: START }));
      expect(all.some((resolved) => resolved.event?.type === '$ProjectionsInitialized')).toBe(true);
      expect(all.some((resolved) => resolved.event?.type === '$metadata' && resolved.event.streamId.startsWith('$$'))).toBe(true);
      for (let index = 1; index < all.length; index += 1) {
        expect(isAfter(positionOf(all[index] as ResolvedEvent), positionOf(all[index - 1] as ResolvedEvent))).toBe(true);
      }
    });

    it('reads forwards from a position, inclusive, and backwards from the end', async () => {
      const name = stream('all');
      const written = events(5);
      await client.appendToStream(name, written, { expectedRevision: 'no_stream' });
      const [, , third] = await collect(client.readStream(name));
      const forwards = await collect(client.readAll({ fromPosition: positionOf(third as ResolvedEvent), maxCount: 3 }));
      expect(forwards.map((resolved) => resolved.event?.id)).toEqual(written.slice(2).map((item) => item.id));
      const backwards = await collect(client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 5 }));
      expect(backwards.map((resolved) => resolved.event?.id)).toEqual(written.map((item) => item.id).reverse());
    });

    it('reads backwards from a position starting with the event before it, as the server does', async () => {
      const name = stream('allBackwards');
      const written = events(3);
      await client.appendToStream(name, written, { expectedRevision: 'no_stream' });
      const [, , third] = await collect(client.readStream(name));
      const backwards = await collect(client.readAll({ direction: BACKWARDS, fromPosition: positionOf(third as ResolvedEvent), maxCount: 2 }));
      expect(backwards.map((resolved) => resolved.event?.id)).toEqual([written[1]?.id, written[0]?.id]);
    });

    it('refuses a position that is not the start of a record', async () => {
      const [first] = await collect(client.readAll({ fromPosition: START, maxCount: 1 }));
      const inside = { commit: positionOf(first as ResolvedEvent).commit + 1n, prepare: positionOf(first as ResolvedEvent).prepare + 1n };
      expect(await failureOf(collect(client.readAll({ fromPosition: inside })))).toMatchObject({ code: status.INVALID_ARGUMENT });
    });
  });

  describe('subscribeToAll', () => {
    it('catches up without system events, says so, then delivers live events', async () => {
      const name = stream('live');
      const past = events(3);
      await client.appendToStream(name, past, { expectedRevision: 'no_stream' });
      const subscription = client.subscribeToAll({ fromPosition: START, filter: excludeSystemEvents() });
      const seen = watch(subscription);
      try {
        await eventually(seen.caughtUp, 'caught up');
        expect(seen.types().filter((type) => type?.startsWith('$'))).toEqual([]);
        expect(seen.events().map((resolved) => resolved.event?.id)).toEqual(expect.arrayContaining(past.map((item) => item.id)));
        const live = events(2);
        await client.appendToStream(name, live, { expectedRevision: 2n });
        await eventually(() => seen.events().some((resolved) => resolved.event?.id === live[1]?.id), 'live events');
        expect(seen.events().slice(-2).map((resolved) => resolved.event?.id)).toEqual(live.map((item) => item.id));
      } finally {
        await subscription.unsubscribe();
      }
    });

    it('starts after the given position', async () => {
      const name = stream('exclusive');
      const written = events(4);
      await client.appendToStream(name, written, { expectedRevision: 'no_stream' });
      const [, second] = await collect(client.readStream(name));
      const subscription = client.subscribeToAll({
        fromPosition: positionOf(second as ResolvedEvent),
        filter: streamNameFilter({ prefixes: [name] }),
      });
      const seen = watch(subscription);
      try {
        await eventually(seen.caughtUp, 'caught up');
        expect(seen.events().map((resolved) => resolved.event?.id)).toEqual(written.slice(2).map((item) => item.id));
      } finally {
        await subscription.unsubscribe();
      }
    });

    it('delivers only what comes later when started at the end', async () => {
      const name = stream('fromEnd');
      await client.appendToStream(name, events(2), { expectedRevision: 'no_stream' });
      const subscription = client.subscribeToAll({ fromPosition: END, filter: streamNameFilter({ prefixes: [name] }) });
      const seen = watch(subscription);
      try {
        await eventually(seen.caughtUp, 'caught up');
        expect(seen.events()).toEqual([]);
        const live = event();
        await client.appendToStream(name, live, { expectedRevision: 1n });
        await eventually(() => seen.events().length === 1, 'the live event');
        expect(seen.events()[0]?.event?.id).toBe(live.id);
      } finally {
        await subscription.unsubscribe();
      }
    });

    it('filters on event type with a regex', async () => {
      const name = stream('byType');
      const wanted = event(`${prefix}Wanted.v1`);
      await client.appendToStream(name, [event('Other.v1'), wanted, event('Other.v1')], { expectedRevision: 'no_stream' });
      const subscription = client.subscribeToAll({ fromPosition: START, filter: eventTypeFilter({ regex: `^${prefix}Wanted\\.` }) });
      const seen = watch(subscription);
      try {
        await eventually(seen.caughtUp, 'caught up');
        expect(seen.events().map((resolved) => resolved.event?.id)).toEqual([wanted.id]);
      } finally {
        await subscription.unsubscribe();
      }
    });

    it('delivers system events to an unfiltered subscription', async () => {
      const subscription = client.subscribeToAll({ fromPosition: START });
      const seen = watch(subscription);
      try {
        await eventually(seen.caughtUp, 'caught up');
        expect(seen.types()).toContain('$ProjectionsInitialized');
      } finally {
        await subscription.unsubscribe();
      }
    });
  });

  describe('subscribeToStream', () => {
    it('catches up from after a revision, goes live, and ends with StreamDeletedError at a tombstone', async () => {
      const name = stream('streamSub');
      const written = events(3);
      await client.appendToStream(name, written, { expectedRevision: 'no_stream' });
      const subscription = client.subscribeToStream(name, { fromRevision: 0n });
      const seen = watch(subscription);
      try {
        await eventually(seen.caughtUp, 'caught up');
        expect(seen.events().map((resolved) => resolved.event?.revision)).toEqual([1n, 2n]);
        await client.appendToStream(name, events(1), { expectedRevision: 2n });
        await eventually(() => seen.events().length === 3, 'the live event');
        await client.tombstoneStream(name);
        await eventually(() => seen.failure() !== undefined, 'the deletion');
        expect(seen.failure()).toBeInstanceOf(StreamDeletedError);
        expect(seen.types().at(-1)).toBe('$streamDeleted');
      } finally {
        await subscription.unsubscribe();
      }
    });

    it('fails at once for a tombstoned stream', async () => {
      const name = stream('streamSubDeleted');
      await client.tombstoneStream(name);
      const subscription = client.subscribeToStream(name);
      const seen = watch(subscription);
      try {
        await eventually(() => seen.failure() !== undefined, 'the failure');
        expect(seen.failure()).toBeInstanceOf(StreamDeletedError);
      } finally {
        await subscription.unsubscribe();
      }
    });

    it('waits on a soft-deleted stream and delivers it once recreated', async () => {
      const name = stream('streamSubRecreated');
      await client.appendToStream(name, events(2), { expectedRevision: 'no_stream' });
      await client.deleteStream(name);
      const subscription = client.subscribeToStream(name, { fromRevision: START });
      const seen = watch(subscription);
      try {
        await eventually(seen.caughtUp, 'caught up');
        expect(seen.events()).toEqual([]);
        await client.appendToStream(name, events(1), { expectedRevision: 'no_stream' });
        await eventually(() => seen.events().length === 1, 'the recreated stream');
        expect(seen.events()[0]?.event?.revision).toBe(2n);
      } finally {
        await subscription.unsubscribe();
      }
    });
  });

  describe('deleteStream', () => {
    it('soft-deletes: the stream reads as missing and is recreated with revisions continuing', async () => {
      const name = stream('soft');
      await client.appendToStream(name, events(3), { expectedRevision: 'no_stream' });
      const deleted = await client.deleteStream(name, { expectedRevision: 2n });
      expect(deleted.position?.commit).toBeGreaterThan(0n);
      expect(await failureOf(collect(client.readStream(name)))).toBeInstanceOf(StreamNotFoundError);
      const recreated = await client.appendToStream(name, events(2), { expectedRevision: 'no_stream' });
      expect(recreated.nextExpectedRevision).toBe(4n);
      expect((await collect(client.readStream(name))).map((resolved) => resolved.event?.revision)).toEqual([3n, 4n]);
      const metadata = await collect(client.readStream(`$$${name}`));
      expect(metadata.map((resolved) => resolved.event?.type)).toEqual(['$metadata', '$metadata']);
    });

    it('follows the server on a soft-deleted stream: stream_exists fails, the old revision and any succeed', async () => {
      const name = stream('softRules');
      const batch = events(2);
      await client.appendToStream(name, batch, { expectedRevision: 'no_stream' });
      await client.deleteStream(name);
      expect(await failureOf(client.appendToStream(name, events(1), { expectedRevision: 'stream_exists' }))).toBeInstanceOf(
        StreamDeletedError,
      );
      // A retry of events the delete hid is still recognised, but their position can no longer be read.
      expect(await client.appendToStream(name, batch, { expectedRevision: 'no_stream' })).toEqual({
        success: true,
        nextExpectedRevision: 1n,
        position: undefined,
      });
      expect((await client.appendToStream(name, events(1), { expectedRevision: 1n })).nextExpectedRevision).toBe(2n);
      await client.deleteStream(name);
      expect((await client.appendToStream(name, events(1), { expectedRevision: 'any' })).nextExpectedRevision).toBe(3n);
    });

    it('reports a wrong expected revision, and a missing stream, as WrongExpectedVersionError', async () => {
      const name = stream('softWrong');
      await client.appendToStream(name, events(2), { expectedRevision: 'no_stream' });
      expect(await failureOf(client.deleteStream(name, { expectedRevision: 0n }))).toMatchObject({
        streamName: name,
        expectedVersion: 0n,
        actualVersion: 1n,
      });
      expect(await failureOf(client.deleteStream(stream('neverWritten')))).toBeInstanceOf(WrongExpectedVersionError);
    });
  });

  describe('tombstoneStream', () => {
    it('makes reads, appends and deletes fail with StreamDeletedError', async () => {
      const name = stream('hard');
      await client.appendToStream(name, events(2), { expectedRevision: 'no_stream' });
      const tombstoned = await client.tombstoneStream(name, { expectedRevision: 1n });
      expect(tombstoned.position?.commit).toBeGreaterThan(0n);
      expect(await failureOf(collect(client.readStream(name)))).toBeInstanceOf(StreamDeletedError);
      const appendError = await failureOf(client.appendToStream(name, events(1), { expectedRevision: 'any' }));
      expect(appendError).toBeInstanceOf(StreamDeletedError);
      expect(appendError).toMatchObject({ streamName: name });
      expect(await failureOf(client.tombstoneStream(name))).toBeInstanceOf(StreamDeletedError);
      const [last] = await collect(client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 }));
      expect(last?.event).toMatchObject({ streamId: name, type: '$streamDeleted', revision: 2n ** 63n - 1n });
    });
  });
});

describe('EventStoreDB emulator checkpoints', () => {
  it('sends a checkpoint every window × multiplier scanned events, in catch-up and live', async () => {
    const emulator = await startEsdbEmulator();
    const client = EventStoreDBClient.connectionString(emulator.connectionString);
    try {
      // A fresh log holds 3 system events; add 100 the filter skips and 1 it wants.
      await client.appendToStream('noise-1', events(100), { expectedRevision: 'no_stream' });
      const wanted = event();
      await client.appendToStream('wanted-1', wanted, { expectedRevision: 'no_stream' });
      const received: Received[] = [];
      const subscription = client.subscribeToAll({
        fromPosition: START,
        filter: streamNameFilter({
          prefixes: ['wanted-'],
          maxSearchWindow: 10,
          checkpointInterval: 2,
          checkpointReached: recordCheckpoints(received),
        }),
      });
      const seen = watch(subscription, received);
      try {
        await eventually(seen.caughtUp, 'caught up');
        const all = await collect(client.readAll({ fromPosition: START }));
        const startOf = (index: number): bigint => positionOf(all[index] as AllStreamResolvedEvent).commit;
        // Catch-up reads pages of 10 and reports, every 20 scanned, where its current page began.
        expect(seen.checkpoints()).toEqual([
          { commit: startOf(10), prepare: 0n },
          { commit: startOf(30), prepare: 0n },
          { commit: startOf(50), prepare: 0n },
          { commit: startOf(70), prepare: 0n },
          { commit: startOf(90), prepare: 0n },
          positionOf(all[103] as AllStreamResolvedEvent),
        ]);
        expect(seen.events().map((resolved) => resolved.event?.id)).toEqual([wanted.id]);

        await client.appendToStream('noise-1', events(25), { expectedRevision: 99n });
        await eventually(() => seen.checkpoints().length === 7, 'a live checkpoint');
        const [twentieth] = await collect(client.readStream('noise-1', { fromRevision: 119n, maxCount: 1 }));
        expect(seen.checkpoints()[6]).toEqual(positionOf(twentieth as ResolvedEvent));
      } finally {
        await subscription.unsubscribe();
      }
    } finally {
      await client.dispose();
      await emulator.stop();
    }
  });
});

describe('EventStoreDB emulator without BatchAppend', () => {
  it('answers a BatchAppend call with UNIMPLEMENTED', async () => {
    const emulator = await startEsdbEmulator({ batchAppend: false });
    const raw = new streamsGrpc.StreamsClient(`127.0.0.1:${emulator.port}`, credentials.createInsecure());
    try {
      const call = raw.batchAppend();
      const error = await new Promise<ServiceError>((resolve) => call.on('error', resolve));
      expect(error.code).toBe(status.UNIMPLEMENTED);
    } finally {
      raw.close();
      await emulator.stop();
    }
  });
});
