import {
  StoreRequestError,
  compileFilter,
  type SubscribeAllOptions,
  type Subscription,
  type SubscriptionMessage,
} from '../../../events/store/index.js';
import { READ_PAGE_SIZE, betweenPages, fetchPage } from './read.js';
import { positionAt, toStoredEvent } from './rows.js';
import type { Statements } from './statements.js';
import { listenForAppends } from './wake.js';

/** EventStoreDB's default checkpoint window (32 × multiplier 1). */
const DEFAULT_CHECKPOINT_INTERVAL = 32;

export interface SubscriptionContext {
  readonly statements: Statements;
  /** The file's absolute path: the in-process wake-up channel. */
  readonly key: string;
  readonly pollIntervalMs: number;
  /** Called once when the subscription ends, however it ends. */
  readonly onClosed: (closeNow: () => void) => void;
}

/**
 * Catch-up and live are one loop: read the page after the last position seen; when a
 * page comes back short the subscription is at the head, so it checkpoints, says
 * `caught_up` once, and sleeps until an append in this process wakes it or the poll
 * interval passes (appends by other processes are only seen by polling).
 *
 * Nothing is skipped: rowids are assigned under SQLite's single write lock, so a
 * transaction's positions are all above every position committed before it, and
 * become visible together.
 */
export const openSubscription = (
  context: SubscriptionContext,
  options: SubscribeAllOptions = {},
): Subscription & { readonly closeNow: () => void } => {
  const { statements, pollIntervalMs } = context;
  const interval = options.checkpointInterval ?? DEFAULT_CHECKPOINT_INTERVAL;
  if (!Number.isSafeInteger(interval) || interval < 1) {
    throw new StoreRequestError(`checkpointInterval must be a positive integer, got ${String(interval)}`);
  }
  const matches = compileFilter(options.filter);
  const from = options.from ?? 'start';
  // Resolved now, not at the first next(): "end" means the head when subscribeAll was called.
  let after = from === 'start' ? 0n : from === 'end' ? (statements.head.get()?.position ?? 0n) : from.commit;

  let closed = false;
  let appended = false;
  let wakeUp: (() => void) | undefined;
  const stopListening = listenForAppends(context.key, () => {
    appended = true;
    wakeUp?.();
  });

  const closeNow = (): void => {
    if (closed) return;
    closed = true;
    stopListening();
    wakeUp?.();
    context.onClosed(closeNow);
  };

  const sleep = (): Promise<void> =>
    new Promise((resolve) => {
      // Deliberately not unref'd: a process whose only work is following the log must stay up.
      const timer = setTimeout(done, pollIntervalMs);
      function done(): void {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
    });

  // Every yield is followed by a look at `closed`: once closed, the next next() is done.
  const messages = async function* (): AsyncGenerator<SubscriptionMessage> {
    try {
      let scanned = 0;
      let caughtUp = false;
      let checkpointed: bigint | undefined;
      while (!closed) {
        appended = false;
        const rows = fetchPage(() => statements.allForwards.all(after + 1n, READ_PAGE_SIZE));
        for (const row of rows) {
          after = row.position;
          if (matches(row.stream, row.type)) {
            yield { kind: 'event', event: toStoredEvent(row) };
            if (closed) return;
          }
          scanned += 1;
          if (scanned >= interval) {
            // Counted over scanned events, not delivered ones, so a filter that rejects
            // everything still moves the reader's checkpoint forward.
            scanned = 0;
            checkpointed = after;
            yield { kind: 'checkpoint', position: positionAt(after) };
            if (closed) return;
          }
        }
        if (rows.length === READ_PAGE_SIZE) {
          await betweenPages();
          continue;
        }
        // At the head: checkpoint once per position (and always once on catching up).
        if (checkpointed !== after) {
          scanned = 0;
          checkpointed = after;
          yield { kind: 'checkpoint', position: positionAt(after) };
          if (closed) return;
        }
        if (!caughtUp) {
          caughtUp = true;
          yield { kind: 'caught_up' };
          if (closed) return;
        }
        if (!appended) await sleep();
      }
    } finally {
      closeNow();
    }
  };

  const iterator = messages();
  return {
    [Symbol.asyncIterator]: () => iterator,
    close: async () => closeNow(),
    closeNow,
  };
};
