/** Tunables of one host; every bound a production operator may need to set. */
export interface HostLimits {
  /** Commands accepted and not yet answered, across all actors. Past it: OVERLOADED. */
  readonly maxInFlight: number;
  /** Actors kept in memory; the least recently used beyond it are passivated. */
  readonly maxResidentActors: number;
  /** An actor with no command for this long is passivated. */
  readonly idleMs: number;
  /** A snapshot is written after this many events since the last one (0: never). */
  readonly snapshotEvery: number;
  /** Applied command ids remembered per actor for idempotent retries. */
  readonly idempotencyWindow: number;
  /** Attempts to decide and append a batch when other writers keep winning. */
  readonly maxConflictRetries: number;
  /** First backoff after a conflict; doubles per attempt, with jitter. */
  readonly conflictBackoffMs: number;
  /** Commands decided together in one append at most. */
  readonly maxBatch: number;
  /** Bytes of one request before decoding. */
  readonly maxRequestBytes: number;
  /**
   * Of the actors that got commands together (one socket read), how many are decided
   * before the host lets their replies leave and goes on with the rest; 0: all at once.
   */
  readonly drainSlice: number;
}

export const DEFAULT_HOST_LIMITS: HostLimits = {
  maxInFlight: 10_000,
  maxResidentActors: 100_000,
  idleMs: 10 * 60_000,
  snapshotEvery: 100,
  idempotencyWindow: 256,
  maxConflictRetries: 5,
  conflictBackoffMs: 2,
  maxBatch: 256,
  maxRequestBytes: 16 * 1024,
  drainSlice: 64,
};
