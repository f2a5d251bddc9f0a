import { LRUCache } from 'lru-cache';
import type { EventStore, StoredEvent } from '../../events/store/index.js';

/**
 * Folds streams and remembers the result, so driving a long-lived process again (a hot
 * auction takes thousands of bids) reads only what was appended since the last drive,
 * not the whole stream. Folded states are immutable values; bounded by `max` streams.
 */
export interface FoldedStream<S> {
  readonly state: S;
  /** -1 for a stream with no events. */
  readonly revision: bigint;
}

export interface StreamFolder<S> {
  load(stream: string): Promise<FoldedStream<S>>;
  forget(stream: string): void;
}

export const createStreamFolder = <S>(options: {
  readonly store: EventStore;
  readonly initial: () => S;
  readonly fold: (state: S, stored: StoredEvent) => S;
  readonly max: number;
}): StreamFolder<S> => {
  const { store, initial, fold } = options;
  const cache = new LRUCache<string, FoldedStream<S>>({ max: options.max });
  return {
    load: async (stream) => {
      let { state, revision } = cache.get(stream) ?? { state: initial(), revision: -1n };
      for await (const stored of store.read(stream, { from: revision + 1n })) {
        state = fold(state, stored);
        revision = stored.revision;
      }
      const folded = { state, revision };
      cache.set(stream, folded);
      return folded;
    },
    forget: (stream) => {
      cache.delete(stream);
    },
  };
};
