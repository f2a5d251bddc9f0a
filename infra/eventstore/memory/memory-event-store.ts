import {
  ConcurrencyError,
  StoreRequestError,
  compileFilter,
  satisfiesExpectedRevision,
  type ActualRevision,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type Position,
  type ProposedEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
  type SubscribeAllOptions,
  type Subscription,
  type SubscriptionMessage,
} from '../../../events/store/index.js';
import { findIdempotentRetry } from '../shared/idempotent-retry.js';
import { validateAppend, validateMaxCount } from '../shared/validate.js';

const DEFAULT_CHECKPOINT_INTERVAL = 32;

/**
 * The whole log in one array, for unit tests and for benchmarking the layers above
 * the store. Same semantics as the durable adapters; nothing survives the process.
 */
export const createMemoryEventStore = (options: { clock?: () => Date } = {}): EventStore => {
  const clock = options.clock ?? (() => new Date());
  const log: StoredEvent[] = [];
  const streams = new Map<string, StoredEvent[]>();
  const eventsById = new Map<string, StoredEvent>();
  let wakeSubscribers: (() => void)[] = [];
  let closed = false;

  const positionAt = (index: number): Position => ({ commit: BigInt(index + 1), prepare: BigInt(index + 1) });
  const indexOf = (position: Position): number => Number(position.commit) - 1;

  const append = async (
    stream: string,
    events: readonly ProposedEvent[],
    { expectedRevision }: AppendOptions,
  ): Promise<AppendResult> => {
    validateAppend(stream, events);
    const existing = streams.get(stream) ?? [];
    const actual: ActualRevision = existing.length === 0 ? 'no_stream' : BigInt(existing.length - 1);

    const retry = findIdempotentRetry(events, expectedRevision, (id) => eventsById.get(id), stream);
    if (retry === 'conflict') throw new ConcurrencyError(stream, expectedRevision, actual);
    if (retry !== undefined) return retry;

    if (!satisfiesExpectedRevision(expectedRevision, actual)) {
      throw new ConcurrencyError(stream, expectedRevision, actual);
    }
    for (const event of events) {
      if (eventsById.has(event.id)) throw new StoreRequestError(`event id ${event.id} is already in the store`);
    }
    if (events.length === 0) {
      const last = existing.at(-1);
      return { nextExpectedRevision: actual === 'no_stream' ? -1n : actual, position: last?.position ?? positionAt(log.length - 1) };
    }

    const created = clock();
    const stored: StoredEvent[] = events.map((event, offset) => ({
      stream,
      revision: BigInt(existing.length + offset),
      position: positionAt(log.length + offset),
      id: event.id,
      type: event.type,
      // Copies, so a caller reusing its buffers cannot change the log. The constructor
      // copies a typed array in one memcpy; Uint8Array.from walks it through an iterator.
      data: new Uint8Array(event.data),
      metadata: new Uint8Array(event.metadata),
      created,
    }));
    for (const event of stored) {
      log.push(event);
      existing.push(event);
      eventsById.set(event.id, event);
    }
    streams.set(stream, existing);
    const wake = wakeSubscribers;
    wakeSubscribers = [];
    for (const resolve of wake) resolve();
    const last = stored[stored.length - 1] as StoredEvent;
    return { nextExpectedRevision: last.revision, position: last.position };
  };

  async function* read(stream: string, options: ReadStreamOptions = {}): AsyncGenerator<StoredEvent> {
    const events = streams.get(stream) ?? [];
    const direction = options.direction ?? 'forwards';
    const maxCount = validateMaxCount(options.maxCount);
    const from = options.from ?? (direction === 'forwards' ? 'start' : 'end');
    let index = from === 'start' ? 0 : from === 'end' ? events.length - 1 : Number(from);
    if (direction === 'forwards' && from === 'end') return;
    if (direction === 'backwards' && index >= events.length) index = events.length - 1;
    const step = direction === 'forwards' ? 1 : -1;
    for (let yielded = 0; yielded < maxCount && index >= 0 && index < events.length; index += step) {
      yield events[index] as StoredEvent;
      yielded += 1;
    }
  }

  async function* readAll(options: ReadAllOptions = {}): AsyncGenerator<StoredEvent> {
    const direction = options.direction ?? 'forwards';
    const maxCount = validateMaxCount(options.maxCount);
    const matches = compileFilter(options.filter);
    const from = options.from ?? (direction === 'forwards' ? 'start' : 'end');
    if (direction === 'forwards' && from === 'end') return;
    let index = from === 'start' ? 0 : from === 'end' ? log.length - 1 : firstIndexAtOrAfter(from);
    if (direction === 'backwards' && typeof from === 'object') index = lastIndexAtOrBefore(from);
    const step = direction === 'forwards' ? 1 : -1;
    for (let yielded = 0; yielded < maxCount && index >= 0 && index < log.length; index += step) {
      const event = log[index] as StoredEvent;
      if (!matches(event.stream, event.type)) continue;
      yield event;
      yielded += 1;
    }
  }

  const firstIndexAtOrAfter = (position: Position): number => Math.max(0, indexOf(position));
  const lastIndexAtOrBefore = (position: Position): number => Math.min(log.length - 1, indexOf(position));

  const subscribeAll = (options: SubscribeAllOptions = {}): Subscription => {
    const matches = compileFilter(options.filter);
    const interval = options.checkpointInterval ?? DEFAULT_CHECKPOINT_INTERVAL;
    let stopped = false;
    let wake: (() => void) | undefined;
    const from = options.from ?? 'start';
    // Index of the next event to deliver: `from` is exclusive.
    let next = from === 'start' ? 0 : from === 'end' ? log.length : Math.max(0, indexOf(from) + 1);

    async function* messages(): AsyncGenerator<SubscriptionMessage> {
      let caughtUp = false;
      let scannedSinceCheckpoint = 0;
      try {
        while (!stopped && !closed) {
          while (next < log.length && !stopped) {
            const event = log[next] as StoredEvent;
            next += 1;
            scannedSinceCheckpoint += 1;
            if (matches(event.stream, event.type)) yield { kind: 'event', event };
            if (scannedSinceCheckpoint >= interval) {
              scannedSinceCheckpoint = 0;
              yield { kind: 'checkpoint', position: event.position };
            }
          }
          if (stopped) return;
          if (scannedSinceCheckpoint > 0) {
            scannedSinceCheckpoint = 0;
            yield { kind: 'checkpoint', position: positionAt(next - 1) };
          }
          if (!caughtUp) {
            caughtUp = true;
            yield { kind: 'caught_up' };
          }
          if (next >= log.length) {
            await new Promise<void>((resolve) => {
              wake = resolve;
              wakeSubscribers.push(resolve);
            });
          }
        }
      } finally {
        stopped = true;
      }
    }

    const iterator = messages();
    return {
      [Symbol.asyncIterator]: () => iterator,
      close: async () => {
        stopped = true;
        wake?.();
        await iterator.return(undefined);
      },
    };
  };

  return {
    append,
    read,
    readAll,
    subscribeAll,
    close: async () => {
      closed = true;
      for (const resolve of wakeSubscribers) resolve();
      wakeSubscribers = [];
    },
  };
};
