import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConcurrencyError,
  StoreRequestError,
  comparePositions,
  isConcurrencyError,
  type AllFilter,
  type EventStore,
  type ExpectedRevision,
  type StoredEvent,
} from '../../events/store/index.js';
import { eventsOf, ids, proposed, proposedMany, takeUntil, toArray, uniquePrefix } from '../support/events.js';

export interface ContractSubject {
  readonly store: EventStore;
  dispose(): Promise<void>;
}

/**
 * The event-store port's contract: what every adapter (memory, SQLite, EventStoreDB
 * through the emulator or a real server) must do identically. Tests never assume an
 * empty store: streams carry a fresh prefix and `$all` reads filter on it, so the
 * suite also runs against a shared server.
 */
export const describeEventStoreContract = (label: string, open: () => Promise<ContractSubject>): void => {
  describe(`event store contract: ${label}`, () => {
    let subject: ContractSubject;
    let store: EventStore;
    let prefix: string;
    const stream = (name = 'a'): string => `${prefix}-${name}`;
    const byPrefix = (): AllFilter => ({ on: 'streamName', prefixes: [`${prefix}-`] });
    const readStream = (name: string, options?: Parameters<EventStore['read']>[1]): Promise<StoredEvent[]> =>
      toArray(store.read(name, options));
    const expectConflict = async (
      attempt: Promise<unknown>,
      expected: ExpectedRevision,
      actual: bigint | 'no_stream',
    ): Promise<void> => {
      const error: unknown = await attempt.then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(error).toBeInstanceOf(ConcurrencyError);
      expect(error).toMatchObject({ code: 'CONCURRENCY', expected, actual });
    };

    beforeEach(async () => {
      subject = await open();
      store = subject.store;
      prefix = uniquePrefix('ct');
    });
    afterEach(async () => {
      await subject.dispose();
    });

    describe('append with an expected revision', () => {
      it('creates a stream with no_stream and returns the last revision', async () => {
        const result = await store.append(stream(), proposedMany(3), { expectedRevision: 'no_stream' });
        expect(result.nextExpectedRevision).toBe(2n);
        expect((await readStream(stream())).map((event) => event.revision)).toEqual([0n, 1n, 2n]);
      });

      it('rejects no_stream when the stream exists', async () => {
        await store.append(stream(), proposedMany(2), { expectedRevision: 'no_stream' });
        await expectConflict(store.append(stream(), [proposed()], { expectedRevision: 'no_stream' }), 'no_stream', 1n);
      });

      it('rejects stream_exists when the stream is missing', async () => {
        await expectConflict(
          store.append(stream(), [proposed()], { expectedRevision: 'stream_exists' }),
          'stream_exists',
          'no_stream',
        );
        expect(await readStream(stream())).toEqual([]);
      });

      it('appends with stream_exists when the stream exists', async () => {
        await store.append(stream(), [proposed()], { expectedRevision: 'no_stream' });
        const result = await store.append(stream(), [proposed()], { expectedRevision: 'stream_exists' });
        expect(result.nextExpectedRevision).toBe(1n);
      });

      it('creates a stream with any', async () => {
        const result = await store.append(stream(), [proposed()], { expectedRevision: 'any' });
        expect(result.nextExpectedRevision).toBe(0n);
      });

      it('appends to an existing stream with any', async () => {
        await store.append(stream(), proposedMany(2), { expectedRevision: 'any' });
        const result = await store.append(stream(), proposedMany(2), { expectedRevision: 'any' });
        expect(result.nextExpectedRevision).toBe(3n);
      });

      it('appends when the exact revision matches', async () => {
        await store.append(stream(), proposedMany(2), { expectedRevision: 'no_stream' });
        const result = await store.append(stream(), [proposed()], { expectedRevision: 1n });
        expect(result.nextExpectedRevision).toBe(2n);
      });

      it('rejects a stale revision with the expected and the actual revision', async () => {
        await store.append(stream(), proposedMany(3), { expectedRevision: 'no_stream' });
        await expectConflict(store.append(stream(), [proposed()], { expectedRevision: 0n }), 0n, 2n);
      });

      it('rejects a revision ahead of the stream', async () => {
        await store.append(stream(), [proposed()], { expectedRevision: 'no_stream' });
        await expectConflict(store.append(stream(), [proposed()], { expectedRevision: 5n }), 5n, 0n);
      });

      it('rejects an exact revision on a missing stream', async () => {
        await expectConflict(store.append(stream(), [proposed()], { expectedRevision: 0n }), 0n, 'no_stream');
      });

      it('raises a typed concurrency error that callers can recognise', async () => {
        await store.append(stream(), [proposed()], { expectedRevision: 'no_stream' });
        const error: unknown = await store
          .append(stream(), [proposed()], { expectedRevision: 'no_stream' })
          .catch((reason: unknown) => reason);
        expect(isConcurrencyError(error)).toBe(true);
        expect(error).toMatchObject({ name: 'ConcurrencyError', stream: stream() });
      });
    });

    describe('atomicity', () => {
      it('writes all events of an append with consecutive revisions and increasing positions', async () => {
        const events = proposedMany(10);
        await store.append(stream(), events, { expectedRevision: 'no_stream' });
        const read = await readStream(stream());
        expect(ids(read)).toEqual(ids(events));
        for (let index = 1; index < read.length; index += 1) {
          const previous = read[index - 1] as StoredEvent;
          const current = read[index] as StoredEvent;
          expect(current.revision).toBe(previous.revision + 1n);
          expect(comparePositions(current.position, previous.position)).toBe(1);
        }
      });

      it('writes none of the events of a rejected append', async () => {
        await store.append(stream(), [proposed()], { expectedRevision: 'no_stream' });
        const rejected = proposedMany(5);
        await store.append(stream(), rejected, { expectedRevision: 7n }).catch(() => undefined);
        const read = await readStream(stream());
        expect(read).toHaveLength(1);
        const all = await toArray(store.readAll({ filter: byPrefix() }));
        expect(ids(all).some((id) => ids(rejected).includes(id))).toBe(false);
      });

      it('keeps appends to different streams independent', async () => {
        await store.append(stream('x'), proposedMany(2), { expectedRevision: 'no_stream' });
        await store.append(stream('y'), proposedMany(3), { expectedRevision: 'no_stream' });
        expect(await readStream(stream('x'))).toHaveLength(2);
        expect(await readStream(stream('y'))).toHaveLength(3);
      });
    });

    describe('idempotent retry', () => {
      it('returns the original result for the same ids at the same revision and writes nothing', async () => {
        await store.append(stream(), [proposed()], { expectedRevision: 'no_stream' });
        const events = proposedMany(3);
        const first = await store.append(stream(), events, { expectedRevision: 0n });
        const retry = await store.append(stream(), events, { expectedRevision: 0n });
        expect(retry.nextExpectedRevision).toBe(first.nextExpectedRevision);
        expect(comparePositions(retry.position, first.position)).toBe(0);
        expect(await readStream(stream())).toHaveLength(4);
      });

      it('treats a retried stream creation as the same append', async () => {
        const events = proposedMany(2);
        await store.append(stream(), events, { expectedRevision: 'no_stream' });
        const retry = await store.append(stream(), events, { expectedRevision: 'no_stream' });
        expect(retry.nextExpectedRevision).toBe(1n);
        expect(await readStream(stream())).toHaveLength(2);
      });

      it('treats a retry with any as the same append', async () => {
        const events = proposedMany(2);
        await store.append(stream(), events, { expectedRevision: 'any' });
        await store.append(stream(), events, { expectedRevision: 'any' });
        expect(await readStream(stream())).toHaveLength(2);
      });

      it('recognises a retry even after later appends to the stream', async () => {
        const events = proposedMany(2);
        await store.append(stream(), events, { expectedRevision: 'no_stream' });
        await store.append(stream(), proposedMany(3), { expectedRevision: 1n });
        const retry = await store.append(stream(), events, { expectedRevision: 'no_stream' });
        expect(retry.nextExpectedRevision).toBe(1n);
        expect(await readStream(stream())).toHaveLength(5);
      });

      it('rejects a retry whose ids only partly match what was written', async () => {
        const events = proposedMany(2);
        await store.append(stream(), events, { expectedRevision: 'no_stream' });
        const altered = [events[0] ?? proposed(), proposed()];
        await expect(store.append(stream(), altered, { expectedRevision: 'no_stream' })).rejects.toBeInstanceOf(
          ConcurrencyError,
        );
        expect(await readStream(stream())).toHaveLength(2);
      });
    });

    describe('concurrent appenders', () => {
      it('lets exactly one of several appends at the same revision win', async () => {
        await store.append(stream(), [proposed()], { expectedRevision: 'no_stream' });
        const attempts = await Promise.allSettled(
          Array.from({ length: 8 }, () => store.append(stream(), [proposed()], { expectedRevision: 0n })),
        );
        const won = attempts.filter((attempt) => attempt.status === 'fulfilled');
        const lost = attempts.filter((attempt) => attempt.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost.every((attempt) => attempt.reason instanceof ConcurrencyError)).toBe(true);
        expect(await readStream(stream())).toHaveLength(2);
      });

      it('loses no write when writers retry their conflicts', async () => {
        const writers = 6;
        const appendsEach = 5;
        const written: string[] = [];
        const writer = async (): Promise<void> => {
          for (let count = 0; count < appendsEach; count += 1) {
            const event = proposed();
            for (;;) {
              const last = (await toArray(store.read(stream(), { direction: 'backwards', maxCount: 1 })))[0];
              try {
                await store.append(stream(), [event], { expectedRevision: last?.revision ?? 'no_stream' });
                written.push(event.id);
                break;
              } catch (error) {
                if (!isConcurrencyError(error)) throw error;
              }
            }
          }
        };
        await Promise.all(Array.from({ length: writers }, writer));
        const read = await readStream(stream());
        expect(read.map((event) => event.revision)).toEqual(
          Array.from({ length: writers * appendsEach }, (_, index) => BigInt(index)),
        );
        expect(new Set(ids(read))).toEqual(new Set(written));
      });
    });

    describe('payloads', () => {
      it('round-trips binary data, metadata, id and type exactly', async () => {
        const data = Uint8Array.from([0, 1, 2, 255, 0, 128, 10, 13]);
        const metadata = Uint8Array.from([0xc0, 0x00, 0xff]);
        const event = { ...proposed('Binary.v3'), data, metadata };
        const before = Date.now();
        await store.append(stream(), [event], { expectedRevision: 'no_stream' });
        const [read] = await readStream(stream());
        expect(read).toBeDefined();
        expect(read?.id).toBe(event.id);
        expect(read?.type).toBe('Binary.v3');
        expect(read?.stream).toBe(stream());
        expect(Array.from(read?.data ?? [])).toEqual(Array.from(data));
        expect(Array.from(read?.metadata ?? [])).toEqual(Array.from(metadata));
        expect(read?.created).toBeInstanceOf(Date);
        expect(Math.abs((read?.created.getTime() ?? 0) - before)).toBeLessThan(60_000);
      });

      // EventStoreDB refuses appends over 1 MiB (data + metadata + type) by default.
      it('stores a 1 MB event intact', async () => {
        const data = new Uint8Array(1_000_000);
        for (let index = 0; index < data.length; index += 1) data[index] = (index * 31) % 251;
        await store.append(stream(), [{ ...proposed(), data }], { expectedRevision: 'no_stream' });
        const [read] = await readStream(stream());
        expect(read?.data.length).toBe(data.length);
        expect(Buffer.from(read?.data ?? []).equals(Buffer.from(data))).toBe(true);
      });

      it('rejects an event id that is not a UUID', async () => {
        await expect(
          store.append(stream(), [{ ...proposed(), id: 'not-a-uuid' }], { expectedRevision: 'any' }),
        ).rejects.toBeInstanceOf(StoreRequestError);
      });
    });

    describe('reading one stream', () => {
      it('reads a missing stream as empty', async () => {
        expect(await readStream(stream('missing'))).toEqual([]);
        expect(await readStream(stream('missing'), { direction: 'backwards' })).toEqual([]);
      });

      it('reads forwards from a revision, inclusive, up to a max count', async () => {
        const events = proposedMany(10);
        await store.append(stream(), events, { expectedRevision: 'no_stream' });
        const read = await readStream(stream(), { from: 3n, maxCount: 4 });
        expect(ids(read)).toEqual(ids(events.slice(3, 7)));
      });

      it('reads backwards from the end', async () => {
        const events = proposedMany(5);
        await store.append(stream(), events, { expectedRevision: 'no_stream' });
        const read = await readStream(stream(), { direction: 'backwards', maxCount: 2 });
        expect(ids(read)).toEqual(ids(events.slice(3).reverse()));
      });

      it('reads backwards from a revision, inclusive', async () => {
        const events = proposedMany(5);
        await store.append(stream(), events, { expectedRevision: 'no_stream' });
        const read = await readStream(stream(), { direction: 'backwards', from: 2n });
        expect(ids(read)).toEqual(ids(events.slice(0, 3).reverse()));
      });

      it('reads nothing forwards from past the end', async () => {
        await store.append(stream(), proposedMany(3), { expectedRevision: 'no_stream' });
        expect(await readStream(stream(), { from: 10n })).toEqual([]);
      });
    });

    describe('reading $all', () => {
      it('returns events of all streams in the global order they were appended', async () => {
        const first = proposedMany(2);
        const second = proposedMany(2);
        const third = proposedMany(1);
        await store.append(stream('x'), first, { expectedRevision: 'no_stream' });
        await store.append(stream('y'), second, { expectedRevision: 'no_stream' });
        await store.append(stream('x'), third, { expectedRevision: 1n });
        const all = await toArray(store.readAll({ filter: byPrefix() }));
        expect(ids(all)).toEqual(ids([...first, ...second, ...third]));
        for (let index = 1; index < all.length; index += 1) {
          expect(comparePositions((all[index] as StoredEvent).position, (all[index - 1] as StoredEvent).position)).toBe(1);
        }
      });

      it('reads $all backwards', async () => {
        const events = proposedMany(4);
        await store.append(stream(), events, { expectedRevision: 'no_stream' });
        const all = await toArray(store.readAll({ direction: 'backwards', filter: byPrefix(), maxCount: 4 }));
        expect(ids(all)).toEqual(ids(events).reverse());
      });

      it('reads $all from a position, inclusive', async () => {
        const events = proposedMany(5);
        await store.append(stream(), events, { expectedRevision: 'no_stream' });
        const [, , third] = await readStream(stream());
        const read = await toArray(store.readAll({ from: third?.position, filter: byPrefix() }));
        expect(ids(read)).toEqual(ids(events.slice(2)));
      });

      it('filters $all by event-type prefix', async () => {
        await store.append(stream(), [proposed(`${prefix}Kept.v1`), proposed('Other.v1'), proposed(`${prefix}Kept.v2`)], {
          expectedRevision: 'no_stream',
        });
        const read = await toArray(store.readAll({ filter: { on: 'eventType', prefixes: [`${prefix}Kept`] } }));
        expect(read.map((event) => event.type)).toEqual([`${prefix}Kept.v1`, `${prefix}Kept.v2`]);
      });

      it('filters $all by a stream-name regex', async () => {
        await store.append(stream('keep1'), [proposed()], { expectedRevision: 'no_stream' });
        await store.append(stream('drop'), [proposed()], { expectedRevision: 'no_stream' });
        await store.append(stream('keep2'), [proposed()], { expectedRevision: 'no_stream' });
        const read = await toArray(store.readAll({ filter: { on: 'streamName', regex: `^${prefix}-keep\\d$` } }));
        expect(read.map((event) => event.stream)).toEqual([stream('keep1'), stream('keep2')]);
      });

      it('never returns system events', async () => {
        await store.append(stream(), proposedMany(3), { expectedRevision: 'no_stream' });
        const recent = await toArray(store.readAll({ direction: 'backwards', maxCount: 500 }));
        expect(recent.length).toBeGreaterThanOrEqual(3);
        expect(recent.filter((event) => event.type.startsWith('$'))).toEqual([]);
      });

      it('honours a max count forwards', async () => {
        const events = proposedMany(6);
        await store.append(stream(), events, { expectedRevision: 'no_stream' });
        const read = await toArray(store.readAll({ filter: byPrefix(), maxCount: 4 }));
        expect(ids(read)).toEqual(ids(events.slice(0, 4)));
      });
    });

    describe('subscribing to $all', () => {
      it('catches up, says so, then delivers live events', async () => {
        const [anchor] = await storeAndRead(stream('anchor'), 1);
        const past = proposedMany(5);
        await store.append(stream(), past, { expectedRevision: 'no_stream' });
        const subscription = store.subscribeAll({ from: anchor?.position, filter: byPrefix() });
        try {
          const caughtUp = await takeUntil(subscription, (received) => received.some((m) => m.kind === 'caught_up'));
          expect(ids(eventsOf(caughtUp))).toEqual(ids(past));
          const live = proposedMany(3);
          await store.append(stream(), live, { expectedRevision: 4n });
          const later = await takeUntil(subscription, (received) => eventsOf(received).length >= 3);
          expect(ids(eventsOf(later))).toEqual(ids(live));
        } finally {
          await subscription.close();
        }
      });

      it('starts after the given position', async () => {
        const events = proposedMany(4);
        await store.append(stream(), events, { expectedRevision: 'no_stream' });
        const [, second] = await readStream(stream());
        const subscription = store.subscribeAll({ from: second?.position, filter: byPrefix() });
        try {
          const received = await takeUntil(subscription, (messages) => eventsOf(messages).length >= 2);
          expect(ids(eventsOf(received))).toEqual(ids(events.slice(2)));
        } finally {
          await subscription.close();
        }
      });

      it('delivers only live events when started at the end', async () => {
        await store.append(stream(), proposedMany(3), { expectedRevision: 'no_stream' });
        const subscription = store.subscribeAll({ from: 'end', filter: byPrefix() });
        try {
          await takeUntil(subscription, (received) => received.some((m) => m.kind === 'caught_up'));
          const live = proposedMany(2);
          await store.append(stream(), live, { expectedRevision: 2n });
          const received = await takeUntil(subscription, (messages) => eventsOf(messages).length >= 2);
          expect(ids(eventsOf(received))).toEqual(ids(live));
        } finally {
          await subscription.close();
        }
      });

      it('filters by event type', async () => {
        const [anchor] = await storeAndRead(stream('anchor'), 1);
        const wanted = proposed(`${prefix}Wanted.v1`);
        await store.append(stream(), [proposed('Unwanted.v1'), wanted, proposed('Unwanted.v1')], {
          expectedRevision: 'no_stream',
        });
        const subscription = store.subscribeAll({
          from: anchor?.position,
          filter: { on: 'eventType', prefixes: [`${prefix}Wanted`] },
        });
        try {
          const received = await takeUntil(subscription, (messages) => messages.some((m) => m.kind === 'caught_up'));
          expect(ids(eventsOf(received))).toEqual([wanted.id]);
        } finally {
          await subscription.close();
        }
      });

      it('sends checkpoints that move forward while scanning events the filter skips', async () => {
        const [anchor] = await storeAndRead(stream('anchor'), 1);
        for (let batch = 0; batch < 4; batch += 1) {
          await store.append(stream(`noise${batch}`), proposedMany(50), { expectedRevision: 'no_stream' });
        }
        const wanted = proposed();
        await store.append(stream('wanted'), [wanted], { expectedRevision: 'no_stream' });
        const subscription = store.subscribeAll({
          from: anchor?.position,
          filter: { on: 'streamName', prefixes: [`${prefix}-wanted`] },
          checkpointInterval: 32,
        });
        try {
          const received = await takeUntil(subscription, (messages) => eventsOf(messages).length >= 1);
          const checkpoints = received.flatMap((m) => (m.kind === 'checkpoint' ? [m.position] : []));
          expect(checkpoints.length).toBeGreaterThanOrEqual(1);
          for (let index = 1; index < checkpoints.length; index += 1) {
            expect(comparePositions(checkpoints[index]!, checkpoints[index - 1]!)).toBeGreaterThanOrEqual(0);
          }
          expect(ids(eventsOf(received))).toEqual([wanted.id]);
        } finally {
          await subscription.close();
        }
      });

      it('resumes from a checkpoint with nothing lost and nothing repeated', async () => {
        const [anchor] = await storeAndRead(stream('anchor'), 1);
        const events: string[] = [];
        for (let batch = 0; batch < 10; batch += 1) {
          const appended = proposedMany(20);
          events.push(...ids(appended));
          await store.append(stream(`s${batch}`), appended, { expectedRevision: 'no_stream' });
        }
        const first = store.subscribeAll({ from: anchor?.position, filter: byPrefix(), checkpointInterval: 32 });
        const firstPart = await takeUntil(first, (messages) => {
          const last = messages.at(-1);
          return last?.kind === 'checkpoint' && eventsOf(messages).length >= 40;
        });
        await first.close();
        const checkpoint = firstPart.at(-1);
        if (checkpoint?.kind !== 'checkpoint') throw new Error('expected to stop at a checkpoint');

        const more = proposedMany(15);
        events.push(...ids(more));
        await store.append(stream('late'), more, { expectedRevision: 'no_stream' });

        const second = store.subscribeAll({ from: checkpoint.position, filter: byPrefix() });
        try {
          const secondPart = await takeUntil(second, (messages) => {
            const received = eventsOf(messages);
            return received.at(-1)?.id === more.at(-1)?.id;
          });
          const delivered = [...ids(eventsOf(firstPart)), ...ids(eventsOf(secondPart))];
          expect(delivered).toEqual(events);
        } finally {
          await second.close();
        }
      });

      it('ends the iteration cleanly on close, and close can be repeated', async () => {
        await store.append(stream(), proposedMany(2), { expectedRevision: 'no_stream' });
        const subscription = store.subscribeAll({ filter: byPrefix() });
        const iteration = (async () => {
          let count = 0;
          for await (const message of subscription) if (message.kind === 'event') count += 1;
          return count;
        })();
        await new Promise((resolve) => setTimeout(resolve, 100));
        await subscription.close();
        await subscription.close();
        await expect(iteration).resolves.toBe(2);
      });

      it('closes when the reader leaves the loop', async () => {
        await store.append(stream(), proposedMany(3), { expectedRevision: 'no_stream' });
        const subscription = store.subscribeAll({ filter: byPrefix() });
        for await (const message of subscription) if (message.kind === 'event') break;
        await subscription.close();
        expect(true).toBe(true);
      });
    });

    const storeAndRead = async (name: string, count: number): Promise<StoredEvent[]> => {
      await store.append(name, proposedMany(count), { expectedRevision: 'no_stream' });
      return readStream(name);
    };
  });
};
