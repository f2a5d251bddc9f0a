import { ShardkeepError } from '../../events/errors.js';

export type RequestOutcome = Uint8Array | 'timeout' | 'no_responders';

/** What `request()` rejects with once its transport is closed (the only rejection of the port). */
export class TransportClosedError extends ShardkeepError {
  readonly code = 'TRANSPORT_CLOSED';

  constructor(what: string, options?: { cause?: unknown }) {
    super(`${what} is closed`, options);
  }
}

export const isTransportClosedError = (error: unknown): error is TransportClosedError =>
  error instanceof TransportClosedError;

interface Pending {
  readonly deadline: number;
  resolve: (outcome: RequestOutcome) => void;
  reject: (error: Error) => void;
}

export interface PendingReplies<Key> {
  /** Registers a request under `key`; its promise resolves on settle(), expiry or closeAll(). */
  add(key: Key, timeoutMs: number): Promise<RequestOutcome>;
  /** Resolves the request under `key`; false when it is unknown (late, duplicate or expired). */
  settle(key: Key, outcome: RequestOutcome): boolean;
  /** Rejects the request under `key`: it could not be sent. */
  fail(key: Key, error: Error): void;
  /** Whether `key` still waits for its reply (not settled, failed or expired). */
  has(key: Key): boolean;
  /** Resolves every pending request with 'timeout' and stops the sweep. */
  closeAll(): void;
  readonly size: number;
}

/**
 * Requests waiting for their reply, expired by ONE periodic sweep instead of one timer per
 * request: at 100k+ requests/s a timer each costs more than the round trip it guards (see
 * notes/performance-ceilings.md). The price is precision: a request times out up to
 * `sweepMs` late. The sweep runs only while something is pending and never keeps the
 * process alive, and it skips the scan until the earliest deadline is due.
 */
export const createPendingReplies = <Key>(options: { readonly sweepMs?: number } = {}): PendingReplies<Key> => {
  const sweepMs = options.sweepMs ?? 20;
  const pending = new Map<Key, Pending>();
  let timer: NodeJS.Timeout | undefined;
  let earliest = Number.POSITIVE_INFINITY;

  const sweep = (): void => {
    if (pending.size === 0) {
      stopSweep();
      return;
    }
    const now = performance.now();
    if (now < earliest) return;
    let next = Number.POSITIVE_INFINITY;
    for (const [key, entry] of pending) {
      if (entry.deadline <= now) {
        pending.delete(key);
        entry.resolve('timeout');
      } else if (entry.deadline < next) {
        next = entry.deadline;
      }
    }
    earliest = next;
  };

  const stopSweep = (): void => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
    earliest = Number.POSITIVE_INFINITY;
  };

  return {
    add(key, timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      if (deadline < earliest) earliest = deadline;
      if (timer === undefined) timer = setInterval(sweep, sweepMs).unref();
      return new Promise<RequestOutcome>((resolve, reject) => {
        pending.set(key, { deadline, resolve, reject });
      });
    },
    settle(key, outcome) {
      const entry = pending.get(key);
      if (entry === undefined) return false;
      pending.delete(key);
      entry.resolve(outcome);
      return true;
    },
    fail(key, error) {
      const entry = pending.get(key);
      if (entry === undefined) return;
      pending.delete(key);
      entry.reject(error);
    },
    has(key) {
      return pending.has(key);
    },
    closeAll() {
      stopSweep();
      const entries = [...pending.values()];
      pending.clear();
      for (const entry of entries) entry.resolve('timeout');
    },
    get size() {
      return pending.size;
    },
  };
};
