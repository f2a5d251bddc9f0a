import { formatPosition, type Position } from '../../events/store/index.js';

/** What a runner reports (`stats()`): progress, lag and the recoveries it went through. */
export interface ProjectionRunnerStats {
  readonly projection: string;
  readonly version: number;
  readonly running: boolean;
  /** It reached the head of the log, with everything before committed, since it started. */
  readonly caughtUp: boolean;
  /** The last checkpoint it committed or resumed from, `commit/prepare`; undefined before any. */
  readonly checkpoint: string | undefined;
  /** Events handed to the projection whose batch is done (committed, or found to change nothing). */
  readonly eventsProjected: number;
  /** Events outside the catalog or failing to decode: passed over, the checkpoint moved past them. */
  readonly eventsSkipped: number;
  /** Commits that carried writes or notifications. */
  readonly batchesCommitted: number;
  /** Commits that only moved the checkpoint past events that changed nothing. */
  readonly checkpointCommits: number;
  readonly writes: number;
  readonly notificationsPublished: number;
  /** Commits refused because another runner of the same version had moved the checkpoint. */
  readonly fenced: number;
  /** Failures recovered from by resuming at the stored checkpoint. */
  readonly failures: number;
  /** Events read from the log and not done yet (buffered, or in the batch being committed). */
  readonly pendingEvents: number;
  /**
   * The store's time of the newest event read minus that of the newest event done: how far
   * the cache trails what the runner has seen. 0 when nothing is pending.
   */
  readonly lagMs: number;
  readonly lastCommitAt: Date | undefined;
}

/** The counters behind `ProjectionRunnerStats`, kept by the runner. */
export class RunnerCounters {
  checkpoint: Position | undefined;
  eventsProjected = 0;
  eventsSkipped = 0;
  batchesCommitted = 0;
  checkpointCommits = 0;
  writes = 0;
  notificationsPublished = 0;
  fenced = 0;
  failures = 0;
  eventsInFlight = 0;
  newestDone: Date | undefined;
  lastCommitAt: Date | undefined;
  caughtUp = false;

  snapshot(
    identity: { readonly projection: string; readonly version: number; readonly running: boolean },
    reading: { readonly bufferedEvents: number; readonly newestSeen: Date | undefined },
  ): ProjectionRunnerStats {
    const pendingEvents = reading.bufferedEvents + this.eventsInFlight;
    const lagMs =
      pendingEvents === 0 || reading.newestSeen === undefined || this.newestDone === undefined
        ? 0
        : Math.max(0, reading.newestSeen.getTime() - this.newestDone.getTime());
    return {
      ...identity,
      caughtUp: this.caughtUp,
      checkpoint: this.checkpoint === undefined ? undefined : formatPosition(this.checkpoint),
      eventsProjected: this.eventsProjected,
      eventsSkipped: this.eventsSkipped,
      batchesCommitted: this.batchesCommitted,
      checkpointCommits: this.checkpointCommits,
      writes: this.writes,
      notificationsPublished: this.notificationsPublished,
      fenced: this.fenced,
      failures: this.failures,
      pendingEvents,
      lagMs,
      lastCommitAt: this.lastCommitAt,
    };
  }
}
