/**
 * A bounded pool of workers over keys (trade and auction ids). A key is queued at most
 * once; a key asked for while its job runs is run again right after, so a change that
 * arrives mid-job is never missed. Work on a key already admitted is never refused (a
 * trade half done must finish); new work is admitted only while the queue is below
 * `maxQueued`, and the caller turns a refusal into OVERLOADED.
 */

/** What a job asks next: nothing, or to run again after a pause (its outcome was unknown). */
export type JobOutcome = { readonly kind: 'idle' } | { readonly kind: 'retry'; readonly afterMs: number };

export interface WorkPoolOptions {
  /** Jobs running at once. */
  readonly poolSize: number;
  /** Keys waiting for a worker at most. */
  readonly maxQueued: number;
  readonly run: (key: string) => Promise<JobOutcome>;
  /** A job that threw: for logs and metrics; the key is retried after `retryAfterErrorMs`. */
  readonly onError: (error: unknown, key: string) => void;
  readonly retryAfterErrorMs?: number;
}

export interface WorkPoolStats {
  readonly poolSize: number;
  readonly active: number;
  readonly queued: number;
  /** Keys waiting out a pause before their next try. */
  readonly waiting: number;
  readonly maxQueued: number;
  readonly jobsRun: number;
  readonly jobsFailed: number;
}

export interface WorkPool {
  /** Queues `key` unless it is queued or running (then it runs once more after). */
  offer(key: string): void;
  /** Whether new work should be refused: keys waiting (for a worker or out a pause) are at the bound. */
  saturated(): boolean;
  stats(): WorkPoolStats;
  /** Takes no new work, cancels pauses, and resolves once running jobs end. */
  stop(): Promise<void>;
}

export const createWorkPool = (options: WorkPoolOptions): WorkPool => {
  const { poolSize, maxQueued, run, onError } = options;
  const retryAfterErrorMs = options.retryAfterErrorMs ?? 1_000;
  // A Set keeps insertion order: the queue is FIFO and membership checks are O(1).
  const queued = new Set<string>();
  const running = new Set<string>();
  const again = new Set<string>();
  const pauses = new Map<string, NodeJS.Timeout>();
  let jobsRun = 0;
  let jobsFailed = 0;
  let stopped = false;
  let whenIdle: (() => void) | undefined;

  const pump = (): void => {
    while (!stopped && running.size < poolSize && queued.size > 0) {
      const key = queued.values().next().value as string;
      queued.delete(key);
      running.add(key);
      void work(key);
    }
  };

  const work = async (key: string): Promise<void> => {
    let outcome: JobOutcome;
    try {
      jobsRun += 1;
      outcome = await run(key);
    } catch (error) {
      jobsFailed += 1;
      onError(error, key);
      outcome = { kind: 'retry', afterMs: retryAfterErrorMs };
    }
    running.delete(key);
    if (again.delete(key)) enqueue(key);
    else if (outcome.kind === 'retry') pause(key, outcome.afterMs);
    if (running.size === 0) whenIdle?.();
    pump();
  };

  const pause = (key: string, ms: number): void => {
    if (stopped || pauses.has(key)) return;
    const timer = setTimeout(() => {
      pauses.delete(key);
      enqueue(key);
      pump();
    }, ms);
    timer.unref();
    pauses.set(key, timer);
  };

  const enqueue = (key: string): void => {
    if (!stopped) queued.add(key);
  };

  return {
    offer: (key) => {
      if (stopped) return;
      if (running.has(key)) {
        again.add(key);
        return;
      }
      const paused = pauses.get(key);
      if (paused !== undefined) {
        // News about a key that was waiting out a pause: try it now.
        clearTimeout(paused);
        pauses.delete(key);
      }
      queued.add(key);
      pump();
    },
    saturated: () => queued.size + pauses.size >= maxQueued,
    stats: () => ({ poolSize, active: running.size, queued: queued.size, waiting: pauses.size, maxQueued, jobsRun, jobsFailed }),
    stop: async () => {
      stopped = true;
      queued.clear();
      for (const timer of pauses.values()) clearTimeout(timer);
      pauses.clear();
      if (running.size > 0) await new Promise<void>((resolve) => (whenIdle = resolve));
    },
  };
};
