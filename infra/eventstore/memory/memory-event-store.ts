import {
  ConcurrencyError,
  StoreRequestError,
  compileFilter,
  type ActualRevision,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
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
import { createEventLog, eventOf, positionOf } from './event-log.js';

const DEFAULT_CHECKPOINT_INTERVAL = 32;

const actualRevision = (head: number): ActualRevision => (head < 0 ? 'no_stream' : BigInt(head));

/** `satisfiesExpectedRevision` against a stream whose last revision is `head` (-1: no stream). */
const holds = (expected: ExpectedRevision, head: number): boolean => {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return head < 0;
    case 'stream_exists':
      return head >= 0;
    default:
      // Exact below 2^53: a log in memory stays far below that.
      return head >= 0 && Number(expected) === head;
  }
};

/**
 * The whole log in the process, for unit tests, benchmarks of the layers above the store
 * and the embedded default. Same semantics as the durable adapters; nothing survives the
 * process. Events are kept as bytes (`event-log.ts`), so a log of millions costs the
 * garbage collector next to nothing; reads hand out fresh `StoredEvent`s.
 */
export const createMemoryEventStore = (options: { clock?: () => Date } = {}): EventStore => {
  const { clock } = options;
  const now = clock === undefined ? Date.now : () => clock().getTime();
  const log = createEventLog();
  let wakeSubscribers: (() => void)[] = [];
  let closed = false;

  const lookup = (id: string): Pick<StoredEvent, 'stream' | 'revision' | 'position'> | undefined => {
    const event = log.find(id);
    if (event < 0) return undefined;
    return { stream: log.streamOf(event), revision: BigInt(log.revisionOf(event)), position: positionOf(event) };
  };

  const append = async (
    stream: string,
    events: readonly ProposedEvent[],
    { expectedRevision }: AppendOptions,
  ): Promise<AppendResult> => {
    validateAppend(stream, events);
    const existing = log.eventsOf(stream);
    // The stream's last revision, as a bigint only when an answer needs it.
    const head = existing.length - 1;

    const retry = findIdempotentRetry(events, expectedRevision, lookup, stream);
    if (retry === 'conflict') throw new ConcurrencyError(stream, expectedRevision, actualRevision(head));
    if (retry !== undefined) return retry;

    if (!holds(expectedRevision, head)) throw new ConcurrencyError(stream, expectedRevision, actualRevision(head));
    for (const event of events) {
      if (log.find(event.id) >= 0) throw new StoreRequestError(`event id ${event.id} is already in the store`);
    }
    if (events.length === 0) {
      return { nextExpectedRevision: BigInt(head), position: positionOf(existing[head] ?? log.length - 1) };
    }

    // Copied into the log's slabs, so a caller reusing its buffers cannot change the log.
    const created = now();
    let revision = 0;
    for (const event of events) revision = log.add(stream, event.id, event.type, event.data, event.metadata, created);
    const wake = wakeSubscribers;
    wakeSubscribers = [];
    for (const resolve of wake) resolve();
    return { nextExpectedRevision: BigInt(revision), position: positionOf(log.length - 1) };
  };

  async function* read(stream: string, options: ReadStreamOptions = {}): AsyncGenerator<StoredEvent> {
    const events = log.eventsOf(stream);
    const direction = options.direction ?? 'forwards';
    const maxCount = validateMaxCount(options.maxCount);
    const from = options.from ?? (direction === 'forwards' ? 'start' : 'end');
    let index = from === 'start' ? 0 : from === 'end' ? events.length - 1 : Number(from);
    if (direction === 'forwards' && from === 'end') return;
    if (direction === 'backwards' && index >= events.length) index = events.length - 1;
    const step = direction === 'forwards' ? 1 : -1;
    for (let yielded = 0; yielded < maxCount && index >= 0 && index < events.length; index += step) {
      yield log.read(events[index] as number);
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
      if (!matches(log.streamOf(index), log.typeOf(index))) continue;
      yield log.read(index);
      yielded += 1;
    }
  }

  const firstIndexAtOrAfter = (position: StoredEvent['position']): number => Math.max(0, eventOf(position));
  const lastIndexAtOrBefore = (position: StoredEvent['position']): number => Math.min(log.length - 1, eventOf(position));

  const subscribeAll = (options: SubscribeAllOptions = {}): Subscription => {
    const matches = compileFilter(options.filter);
    const interval = options.checkpointInterval ?? DEFAULT_CHECKPOINT_INTERVAL;
    let stopped = false;
    let wake: (() => void) | undefined;
    const from = options.from ?? 'start';
    // Index of the next event to deliver: `from` is exclusive.
    let next = from === 'start' ? 0 : from === 'end' ? log.length : Math.max(0, eventOf(from) + 1);

    async function* messages(): AsyncGenerator<SubscriptionMessage> {
      let caughtUp = false;
      let scannedSinceCheckpoint = 0;
      try {
        while (!stopped && !closed) {
          while (next < log.length && !stopped) {
            const event = next;
            next += 1;
            scannedSinceCheckpoint += 1;
            if (matches(log.streamOf(event), log.typeOf(event))) yield { kind: 'event', event: log.read(event) };
            if (scannedSinceCheckpoint >= interval) {
              scannedSinceCheckpoint = 0;
              yield { kind: 'checkpoint', position: positionOf(event) };
            }
          }
          if (stopped) return;
          if (scannedSinceCheckpoint > 0) {
            scannedSinceCheckpoint = 0;
            yield { kind: 'checkpoint', position: positionOf(next - 1) };
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
