import type { Position, StoredEvent, Subscription, SubscriptionMessage } from '../../events/store/index.js';

/**
 * Turns a subscription into batches. A pump reads the subscription ahead into a bounded
 * buffer while the runner commits the previous batch, so the store and the cache work at
 * the same time; `take` cuts a batch of at most `batchSize` events, or of what the store
 * had to give once it stops delivering (idle, or at the head of the log).
 */
export interface LogBatch {
  readonly events: readonly StoredEvent[];
  /**
   * The position of the last message taken (event or checkpoint): the batch covers the
   * log up to here, including what the filter skipped. Undefined for an empty batch.
   */
  readonly through: Position | undefined;
  /** The subscription said `caught_up` within this batch (its last message). */
  readonly caughtUp: boolean;
}

export interface LogBatches {
  /**
   * The next batch; an empty one when nothing arrived within `waitAtMostMs`; 'ended' once
   * the subscription is over and everything was taken. Throws what the subscription threw.
   */
  take(waitAtMostMs: number): Promise<LogBatch | 'ended'>;
  /** Events read from the store and not yet taken. */
  bufferedEvents(): number;
  /** When the store wrote the newest event read so far. */
  newestSeen(): Date | undefined;
  close(): Promise<void>;
}

const EMPTY_BATCH: LogBatch = { events: [], through: undefined, caughtUp: false };

/** Turns of the event loop `take` waits for more while the store keeps delivering. */
const MAX_SETTLE_TURNS = 1_000;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export const readLogBatches = (subscription: Subscription, batchSize: number): LogBatches => {
  // Room for one batch being cut and the next one arriving behind it.
  const highWater = batchSize * 2;
  const queue: SubscriptionMessage[] = [];
  let queuedEvents = 0;
  let newest: Date | undefined;
  let ended = false;
  let failure: Error | undefined;
  let closed = false;
  let wakeTaker: (() => void) | undefined;
  let wakePump: (() => void) | undefined;

  const signalTaker = (): void => {
    const wake = wakeTaker;
    wakeTaker = undefined;
    wake?.();
  };
  const signalPump = (): void => {
    const wake = wakePump;
    wakePump = undefined;
    wake?.();
  };

  const pump = (async () => {
    try {
      for await (const message of subscription) {
        queue.push(message);
        if (message.kind === 'event') {
          queuedEvents += 1;
          newest = message.event.created;
        }
        signalTaker();
        if (closed) break;
        // Back-pressure: the store is not read further until the runner catches up.
        while (queue.length >= highWater && !closed) await new Promise<void>((resolve) => (wakePump = resolve));
        if (closed) break;
      }
    } catch (error) {
      if (!closed) failure = error instanceof Error ? error : new Error(String(error));
    } finally {
      ended = true;
      signalTaker();
    }
  })();

  const waitForMessages = (waitAtMostMs: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(done, waitAtMostMs);
      function done(): void {
        clearTimeout(timer);
        wakeTaker = undefined;
        resolve();
      }
      wakeTaker = done;
    });

  /** Whether the buffer holds a `caught_up`: the store has nothing more to give right now. */
  const holdsCaughtUp = (): boolean => queue.some((message) => message.kind === 'caught_up');

  const cut = (): LogBatch => {
    const events: StoredEvent[] = [];
    let through: Position | undefined;
    let caughtUp = false;
    let taken = 0;
    for (const message of queue) {
      if (message.kind === 'event') {
        if (events.length === batchSize) break;
        events.push(message.event);
        through = message.event.position;
      } else if (message.kind === 'checkpoint') {
        through = message.position;
      } else {
        caughtUp = true;
        taken += 1;
        break;
      }
      taken += 1;
    }
    queue.splice(0, taken);
    queuedEvents -= events.length;
    signalPump();
    return { events, through, caughtUp };
  };

  return {
    take: async (waitAtMostMs) => {
      if (queue.length === 0 && !ended) await waitForMessages(waitAtMostMs);
      if (queue.length === 0) {
        if (failure !== undefined) throw failure;
        return ended ? 'ended' : EMPTY_BATCH;
      }
      // Let the store hand over what it already has (a page, a burst) before cutting,
      // so a batch is not cut at its first event.
      for (let turn = 0; turn < MAX_SETTLE_TURNS && !ended && queuedEvents < batchSize && !holdsCaughtUp(); turn += 1) {
        const before = queue.length;
        await nextTurn();
        if (queue.length === before) break;
      }
      return cut();
    },
    bufferedEvents: () => queuedEvents,
    newestSeen: () => newest,
    close: async () => {
      closed = true;
      signalPump();
      await subscription.close();
      await pump;
    },
  };
};
