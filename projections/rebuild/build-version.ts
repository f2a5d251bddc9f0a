import { parsePosition, type EventStore, type Position } from '../../events/store/index.js';
import { createProjectionRunner, type Notifier, type Projection, type ProjectionCache } from '../runner/index.js';
import { RebuildError, RebuildInterruptedError } from './rebuild-errors.js';

/**
 * Fills one key version from the log: a projection runner on that version, from its own
 * checkpoint (position 0 for a new version), until it reaches the head, then stopped.
 * It activates nothing, and by default publishes nothing: the live version's runner has
 * published those notifications already, and replaying a whole history of inventory
 * diffs to clients would be noise.
 */
export interface BuildProgress {
  readonly projection: string;
  readonly version: number;
  /** The log position (its commit part) the version has applied; 0 before its first commit. */
  readonly position: bigint;
  /** The head's position when the build started: the bar's end. */
  readonly head: bigint;
  /** Events handed to the projection in this run (those its filter let through). */
  readonly events: number;
}

export interface BuildOptions {
  readonly store: EventStore;
  readonly cache: ProjectionCache;
  readonly projection: Projection;
  readonly version: number;
  /** Where the batches' notifications go; default nowhere. */
  readonly notifier?: Notifier;
  /** Events per batch; default the runner's (500). */
  readonly batchSize?: number;
  /** Stops the build at the next batch boundary; the version keeps its checkpoint. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: BuildProgress) => void;
  /** Default 250 ms. */
  readonly progressEveryMs?: number;
  /** Failures the runner recovered from before the build gives up (the store or Redis is away); default 5. */
  readonly maxFailures?: number;
}

export interface BuildOutcome {
  /** Where the version stood before this run: undefined for a new one. */
  readonly resumedFrom: Position | undefined;
  readonly checkpoint: Position | undefined;
  readonly head: Position | undefined;
  readonly events: number;
  readonly seconds: number;
}

const SILENT: Notifier = { publish: async () => undefined };

export const headOf = async (store: EventStore): Promise<Position | undefined> => {
  for await (const event of store.readAll({ direction: 'backwards', maxCount: 1 })) return event.position;
  return undefined;
};

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export const buildVersion = async (options: BuildOptions): Promise<BuildOutcome> => {
  const { store, cache, projection, version, signal } = options;
  const maxFailures = options.maxFailures ?? 5;
  if (signal?.aborted === true) throw new RebuildInterruptedError(`the build of ${projection.name}@${version} was interrupted before it started`);
  const resumedFrom = await cache.checkpoint(projection.name, version);
  const head = await headOf(store);
  let giveUp: (error: Error) => void = () => undefined;
  const gaveUp = new Promise<never>((_, reject) => {
    giveUp = reject;
  });
  // Only the race below reads it; a failure reported after the race is settled is not an unhandled one.
  gaveUp.catch(() => undefined);
  let failures = 0;
  const runner = createProjectionRunner({
    store,
    cache,
    notifier: options.notifier ?? SILENT,
    projection,
    version,
    activateWhenCaughtUp: false,
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    onError: (error, context) => {
      failures += 1;
      if (failures >= maxFailures) giveUp(new RebuildError(`${projection.name}@${version}: ${context}: ${describe(error)} (${failures} failures)`, { cause: error }));
    },
  });
  const progress = (): BuildProgress => {
    const stats = runner.stats();
    const position = stats.checkpoint === undefined ? undefined : parsePosition(stats.checkpoint);
    return { projection: projection.name, version, position: position?.commit ?? 0n, head: head?.commit ?? 0n, events: stats.eventsProjected + stats.eventsSkipped };
  };
  const onAbort = (): void => giveUp(new RebuildInterruptedError(`the build of ${projection.name}@${version} was interrupted`));
  signal?.addEventListener('abort', onAbort, { once: true });
  const ticker = options.onProgress === undefined ? undefined : setInterval(() => options.onProgress?.(progress()), options.progressEveryMs ?? 250);
  const started = performance.now();
  runner.start();
  try {
    await Promise.race([runner.whenCaughtUp(), gaveUp]);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (ticker !== undefined) clearInterval(ticker);
    // Finishes the batch in hand: the checkpoint stays with the keys it covers.
    await runner.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  options.onProgress?.(progress());
  const checkpoint = await cache.checkpoint(projection.name, version);
  return { resumedFrom, checkpoint, head, events: progress().events, seconds };
};
