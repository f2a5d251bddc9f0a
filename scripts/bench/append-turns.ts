import type { EventStore } from '../../events/store/index.js';

/**
 * Counts the turns of the event loop in which appends were made. The SQLite store's group
 * commit puts every append of one turn into one transaction (one fsync, up to 1 000 appends),
 * so with fewer than 1 000 actors appending this is the number of SQLite transactions.
 */
export const countAppendTurns = (
  store: EventStore,
): { readonly store: EventStore; readonly turns: () => number; readonly appends: () => number } => {
  let turns = 0;
  let appends = 0;
  let inTurn = false;
  const endTurn = (): void => {
    inTurn = false;
  };
  return {
    store: {
      append: (stream, events, options) => {
        appends += 1;
        if (!inTurn) {
          turns += 1;
          inTurn = true;
          // Scheduled before the store's own flush, so appends made by the continuations
          // of that flush (the next batches) count as the next turn, as they are committed.
          setImmediate(endTurn);
        }
        return store.append(stream, events, options);
      },
      read: (stream, options) => store.read(stream, options),
      readAll: (options) => store.readAll(options),
      subscribeAll: (options) => store.subscribeAll(options),
      close: () => store.close(),
    },
    turns: () => turns,
    appends: () => appends,
  };
};
