import { StoreUnavailableError, type AppendResult } from '../../../events/store/index.js';
import type { AppendRequest } from './append.js';
import type { BatchResult } from './batch-transaction.js';

/** Bounds one transaction, so one flush never holds the event loop for long. */
export interface BatchLimits {
  readonly maxAppends: number;
  /** Event data and metadata; one append larger than this still goes, alone. */
  readonly maxBytes: number;
}

export const GROUP_COMMIT_LIMITS: BatchLimits = { maxAppends: 1_000, maxBytes: 8 * 1024 * 1024 };
/** Without group commit, every append is its own transaction. */
export const ONE_AT_A_TIME: BatchLimits = { maxAppends: 1, maxBytes: Number.POSITIVE_INFINITY };

export interface AppendQueueOptions {
  /** Runs one batch in one transaction (see `createBatchTransaction`). */
  readonly run: (batch: readonly AppendRequest[]) => BatchResult;
  /** Called once per committed transaction in which an append with events succeeded. */
  readonly onCommitted: () => void;
  /** True: appends wait for the next turn of the event loop and share its transaction. */
  readonly grouped: boolean;
  readonly limits?: BatchLimits;
}

export interface AppendQueue {
  append(request: AppendRequest): Promise<AppendResult>;
  /** Runs everything still queued, now (on close). */
  drain(): void;
}

interface Pending extends AppendRequest {
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: Error) => void;
}

const payloadBytes = ({ events }: AppendRequest): number =>
  events.reduce((total, event) => total + event.data.byteLength + event.metadata.byteLength, 0);

/**
 * Group commit. Every append made during one turn of the event loop joins one queue,
 * flushed by `setImmediate`: after all microtasks, so writers whose continuations take
 * several promise hops still join. A flush runs a bounded batch, in arrival order, in one
 * transaction (one fsync) and settles each caller with its own outcome; what is left
 * waits for the next turn. The semantics are those of the same appends run one by one.
 */
export const createAppendQueue = (options: AppendQueueOptions): AppendQueue => {
  const { run, onCommitted, grouped } = options;
  const limits = options.limits ?? (grouped ? GROUP_COMMIT_LIMITS : ONE_AT_A_TIME);
  const queue: Pending[] = [];
  let scheduled: NodeJS.Immediate | undefined;

  const takeBatch = (): Pending[] => {
    let count = 0;
    let bytes = 0;
    while (count < queue.length && count < limits.maxAppends) {
      bytes += payloadBytes(queue[count] as Pending);
      if (count > 0 && bytes > limits.maxBytes) break;
      count += 1;
    }
    return queue.splice(0, count);
  };

  const settle = (batch: readonly Pending[], result: BatchResult): void => {
    switch (result.kind) {
      case 'committed': {
        let wrote = false;
        result.outcomes.forEach((outcome, index) => {
          const pending = batch[index] as Pending;
          if (!outcome.ok) return pending.reject(outcome.error);
          // A replayed (idempotent) append wakes subscribers too; they just find nothing new.
          wrote ||= pending.events.length > 0;
          pending.resolve(outcome.result);
        });
        if (wrote) onCommitted();
        return;
      }
      case 'failed':
        for (const pending of batch) pending.reject(result.error);
        return;
      case 'poisoned':
        // Nothing was written: the culprit fails alone, the others go first in the next batch.
        batch[result.index]?.reject(result.error);
        queue.unshift(...batch.filter((_, index) => index !== result.index));
        return;
    }
  };

  const flushOnce = (): void => {
    const batch = takeBatch();
    if (batch.length === 0) return;
    let result: BatchResult;
    try {
      result = run(batch);
    } catch (cause) {
      result = { kind: 'failed', error: new StoreUnavailableError('append batch failed', { cause }) };
    }
    settle(batch, result);
  };

  const onTurn = (): void => {
    scheduled = undefined;
    flushOnce();
    if (queue.length > 0) schedule();
  };

  const schedule = (): void => {
    scheduled ??= setImmediate(onTurn);
  };

  return {
    append: (request) =>
      new Promise<AppendResult>((resolve, reject) => {
        queue.push({ ...request, resolve, reject });
        if (grouped) schedule();
        else flushOnce();
      }),
    drain: () => {
      if (scheduled !== undefined) clearImmediate(scheduled);
      scheduled = undefined;
      while (queue.length > 0) flushOnce();
    },
  };
};
