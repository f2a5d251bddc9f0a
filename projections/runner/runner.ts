import { comparePositions, type EventStore, type Position } from '../../events/store/index.js';
import type { Notifier, ProjectionCache } from './cache-port.js';
import { cacheViewOf, distinctReads } from './cache-view.js';
import { decodeBatch } from './decode-batch.js';
import { assertKeyVersion, assertProjectionName } from './key-layout.js';
import { readLogBatches, type LogBatch, type LogBatches } from './log-batches.js';
import { backoffMs, createPause } from './pause.js';
import type { Notification, ProjectedBatch, Projection } from './projection.js';
import { RunnerCounters, type ProjectionRunnerStats } from './runner-stats.js';

/**
 * The projection runner: follows `$all` from the checkpoint of one key version, and for
 * each batch reads what the projection asks for (one round trip), projects, and commits
 * the writes with the new checkpoint in one atomic step, then publishes.
 *
 * Exactly once: the checkpoint moves only with the writes it covers, and the commit is
 * conditional on the checkpoint the batch started from. A runner killed at any moment
 * resumes from a checkpoint that matches the cache; a commit whose outcome is unknown
 * (the connection dropped) is settled by re-reading the checkpoint; a second runner of
 * the same version is fenced by the first one's commits and resumes where they left off.
 *
 * Notifications are published after their batch commits, in order, retried while the
 * runner lives: at least once, except that a runner killed between a commit and its
 * publish loses that batch's notifications (inventory diffs carry versions, so a
 * subscriber sees the gap and refetches).
 *
 * First build: once caught up with the log, a runner whose projection has no active
 * version yet activates its own (on a fresh deployment, version 1); an active version
 * is never replaced here, that is the rebuild tool's switch.
 *
 * Retirement: a rebuild switches readers to a newer version, then drops the old one,
 * checkpoint first. A runner of the old version is then fenced, finds no checkpoint and a
 * newer version active, and stops (`onSuperseded`) instead of projecting the whole log
 * again into keys nobody reads. A flushed Redis has no active version: that runner starts over.
 * A runner finds out at its next commit, or, while the log is quiet, at its next idle wait,
 * when it looks whether its checkpoint is still the one it committed: otherwise a flush in
 * a quiet moment would leave the keys empty until the next event.
 */
export interface ProjectionRunnerOptions {
  readonly store: EventStore;
  readonly cache: ProjectionCache;
  readonly notifier: Notifier;
  readonly projection: Projection;
  /** The key version this runner builds and keeps current. */
  readonly version: number;
  /** Most events per batch; default 500. */
  readonly batchSize?: number;
  /** Stamps `lastCommitAt` and paces checkpoint-only commits. */
  readonly clock?: () => Date;
  /** Failures the runner recovers from on its own (it reports, waits and resumes). Default: console.error. */
  readonly onError?: (error: unknown, context: string) => void;
  /**
   * How long progress through events that change nothing may stay uncommitted (so a
   * restart does not scan them again); at the head of the log it is committed at once.
   * Default 1 000 ms.
   */
  readonly checkpointEveryMs?: number;
  /** First pause after a failure, doubled per failure in a row up to `maxRetryDelayMs`; default 100 and 5 000 ms. */
  readonly retryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
  /** Activate this version once caught up when none is active; default true. */
  readonly activateWhenCaughtUp?: boolean;
  /** Handed to `subscribeAll`: how often the store reports progress through skipped events. */
  readonly checkpointInterval?: number;
  /** Called once this version was retired (see above), with the version now active. Default: reported through `onError`. */
  readonly onSuperseded?: (activeVersion: number) => void;
}

export interface ProjectionRunner {
  readonly projection: string;
  readonly version: number;
  /** Starts following the log; resolves at once (see `whenCaughtUp`). */
  start(): void;
  /** Finishes the batch in hand (commit and publish), then stops reading. */
  stop(): Promise<void>;
  stats(): ProjectionRunnerStats;
  /** Resolves once caught up (and activated, if that applies); rejects if stopped first. */
  whenCaughtUp(): Promise<void>;
}

const DEFAULT_BATCH_SIZE = 500;
const NOTHING_PROJECTED: ProjectedBatch = { writes: [], notifications: [] };
/** How long an idle runner waits for the log before looking at the clock again. */
const IDLE_WAIT_MS = 1_000;

const describe = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

export const createProjectionRunner = (options: ProjectionRunnerOptions): ProjectionRunner => {
  const { store, cache, notifier, projection, version } = options;
  const name = projection.name;
  assertProjectionName(name);
  assertKeyVersion(version);
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const clock = options.clock ?? (() => new Date());
  const onError = options.onError ?? ((error, context) => console.error(`projection ${name}@${version} ${context}: ${describe(error)}`));
  const checkpointEveryMs = options.checkpointEveryMs ?? 1_000;
  const retryDelayMs = options.retryDelayMs ?? 100;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 5_000;
  const activateWhenCaughtUp = options.activateWhenCaughtUp ?? true;

  const counters = new RunnerCounters();
  const pause = createPause();
  let running = false;
  let stopping = false;
  let loop: Promise<void> | undefined;
  let reading: LogBatches | undefined;
  let failuresInARow = 0;
  let activationChecked = false;
  let supersededBy: number | undefined;
  let caughtUpWaiters: { resolve: () => void; reject: (error: Error) => void }[] = [];

  const settleWaiters = (error?: Error): void => {
    const waiters = caughtUpWaiters;
    caughtUpWaiters = [];
    for (const waiter of waiters) {
      if (error === undefined) waiter.resolve();
      else waiter.reject(error);
    }
  };

  const project = async (batch: LogBatch): Promise<ProjectedBatch> => {
    const decoded = decodeBatch(batch.events, (error, event) =>
      onError(error, `decoding ${event.type} at ${event.stream}@${event.revision.toString()}`),
    );
    counters.eventsSkipped += decoded.skipped;
    if (decoded.events.length === 0) return NOTHING_PROJECTED;
    const reads = distinctReads(projection.reads(decoded.events));
    const results = reads.length === 0 ? [] : await cache.read(name, version, reads);
    const projected = projection.project(decoded.events, cacheViewOf(reads, results));
    counters.eventsProjected += decoded.events.length;
    return projected;
  };

  const publish = async (notifications: readonly Notification[]): Promise<void> => {
    for (let attempt = 0; notifications.length > 0; attempt += 1) {
      try {
        await notifier.publish(notifications);
        counters.notificationsPublished += notifications.length;
        return;
      } catch (error) {
        onError(error, 'publishing notifications');
        if (stopping) return;
        await pause.wait(backoffMs(attempt, retryDelayMs, maxRetryDelayMs));
      }
    }
  };

  const activateIfNoneActive = async (): Promise<void> => {
    if (activationChecked || !activateWhenCaughtUp) return;
    // Compare-and-switch: a version activated meanwhile (a rebuild's) is never overwritten.
    await cache.switchActive(name, undefined, version);
    activationChecked = true;
  };

  /** A newer active version, when this one has no checkpoint: a rebuild retired it. */
  const retiredFor = async (): Promise<number | undefined> => {
    const active = await cache.activeVersion(name);
    return active !== undefined && active > version ? active : undefined;
  };

  /** Whether the stored checkpoint is the one this runner committed last (a fence otherwise). */
  const checkpointStillOurs = async (committed: Position): Promise<boolean> => {
    const stored = await cache.checkpoint(name, version);
    return stored !== undefined && comparePositions(stored, committed) === 0;
  };

  /**
   * One subscription's life: from the stored checkpoint until a stop, a fence or a failure.
   * Resolves with the active version instead when this one was retired.
   */
  const follow = async (): Promise<number | undefined> => {
    let committed: Position | undefined = await cache.checkpoint(name, version);
    if (committed === undefined) {
      const newer = await retiredFor();
      if (newer !== undefined) return newer;
      // Starting over (a flushed Redis lost the active version too): activate again once caught up.
      activationChecked = false;
    }
    counters.checkpoint = committed;
    const batches = readLogBatches(
      store.subscribeAll({
        from: committed ?? 'start',
        ...(projection.filter === undefined ? {} : { filter: projection.filter }),
        ...(options.checkpointInterval === undefined ? {} : { checkpointInterval: options.checkpointInterval }),
      }),
      batchSize,
    );
    reading = batches;
    /** Handled, not committed: events that changed nothing, and what the filter skipped. */
    let uncommitted: Position | undefined;
    let lastCommit = clock().getTime();
    try {
      while (!stopping) {
        const waitMs = uncommitted === undefined ? IDLE_WAIT_MS : Math.max(0, lastCommit + checkpointEveryMs - clock().getTime());
        const batch = await batches.take(waitMs);
        if (batch === 'ended') {
          if (stopping) return undefined;
          throw new Error('the log subscription ended');
        }
        const idleWake = batch.events.length === 0 && batch.through === undefined && !batch.caughtUp && uncommitted === undefined;
        if (idleWake && committed !== undefined) {
          // An idle wait: is the checkpoint still ours? A flushed or restarted Redis lost it.
          if (!(await checkpointStillOurs(committed))) return undefined;
          continue;
        }
        counters.eventsInFlight = batch.events.length;
        const projected = await project(batch);
        uncommitted = batch.through ?? uncommitted;
        const carriesChanges = projected.writes.length > 0 || projected.notifications.length > 0;
        const progressDue = batch.caughtUp || clock().getTime() - lastCommit >= checkpointEveryMs;
        if (uncommitted !== undefined && (carriesChanges || progressDue)) {
          const next = uncommitted;
          if ((await cache.commit(name, version, committed, next, projected.writes)) === 'fenced') {
            counters.fenced += 1;
            counters.eventsInFlight = 0;
            return undefined;
          }
          committed = next;
          uncommitted = undefined;
          lastCommit = clock().getTime();
          failuresInARow = 0;
          counters.checkpoint = next;
          counters.lastCommitAt = clock();
          counters.writes += projected.writes.length;
          if (carriesChanges) counters.batchesCommitted += 1;
          else counters.checkpointCommits += 1;
          await publish(projected.notifications);
        }
        const last = batch.events.at(-1);
        if (last !== undefined) counters.newestDone = last.created;
        counters.eventsInFlight = 0;
        if (batch.caughtUp) {
          await activateIfNoneActive();
          counters.caughtUp = true;
          settleWaiters();
        }
      }
      return undefined;
    } finally {
      reading = undefined;
      counters.eventsInFlight = 0;
      await batches.close();
    }
  };

  const retire = (active: number): void => {
    supersededBy = active;
    settleWaiters(new Error(`projection ${name}@${version} was retired: version ${active} is active`));
    if (options.onSuperseded === undefined) onError(new Error(`version ${active} is active`), 'retired by a rebuild; stopped');
    else options.onSuperseded(active);
  };

  const run = async (): Promise<void> => {
    while (!stopping) {
      try {
        const newer = await follow();
        if (newer !== undefined) {
          retire(newer);
          return;
        }
      } catch (error) {
        if (stopping) break;
        counters.failures += 1;
        onError(error, 'following the log; resuming from the stored checkpoint');
        await pause.wait(backoffMs(failuresInARow, retryDelayMs, maxRetryDelayMs));
        failuresInARow += 1;
      }
    }
  };

  return {
    projection: name,
    version,
    start: () => {
      if (running) throw new Error(`projection ${name}@${version} is already running`);
      running = true;
      stopping = false;
      loop = run();
    },
    stop: async () => {
      if (!running) return;
      stopping = true;
      pause.interrupt();
      await reading?.close();
      await loop;
      running = false;
      settleWaiters(new Error(`projection ${name}@${version} stopped before it caught up`));
    },
    stats: () =>
      counters.snapshot(
        { projection: name, version, running },
        { bufferedEvents: reading?.bufferedEvents() ?? 0, newestSeen: reading?.newestSeen() },
      ),
    whenCaughtUp: () =>
      counters.caughtUp
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            if (!running && loop !== undefined) reject(new Error(`projection ${name}@${version} is stopped`));
            else if (supersededBy !== undefined) reject(new Error(`projection ${name}@${version} was retired: version ${supersededBy} is active`));
            else caughtUpWaiters.push({ resolve, reject });
          }),
  };
};
