import type { EventStore, StoredEvent, Subscription, SubscriptionMessage } from '../../events/store/index.js';

/**
 * An event store that keeps nothing: appends succeed with ever-increasing revisions (one
 * counter for all streams, no per-stream state) and every stream reads as empty. It does
 * not check expectations. For the memory benchmark only, where anything a real store
 * holds per actor would be counted as the host's.
 */
export const createBlackholeEventStore = (): EventStore => {
  let last = -1n;
  const nothing = async function* (): AsyncGenerator<StoredEvent> {
    // Empty by design.
  };
  return {
    append: async (_stream, events) => {
      last += BigInt(events.length);
      return { nextExpectedRevision: last, position: { commit: last + 1n, prepare: last + 1n } };
    },
    read: () => nothing(),
    readAll: () => nothing(),
    subscribeAll: (): Subscription => ({
      [Symbol.asyncIterator]: async function* (): AsyncGenerator<SubscriptionMessage> {
        yield { kind: 'caught_up' };
      },
      close: async () => undefined,
    }),
    close: async () => undefined,
  };
};
