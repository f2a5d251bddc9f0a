import { formatPosition, type EventStore } from '../../events/store/index.js';
import type { Projection, ProjectionCache } from '../runner/index.js';
import { buildVersion, type BuildProgress } from './build-version.js';
import { digestVersion } from './keyspace-digest.js';
import { diffKeyspaces, type KeyspaceDiff } from './keyspace-diff.js';
import { nextVersion } from './rebuild.js';

/**
 * A rebuild that switches nothing: the projection is built into a scratch version (above
 * every version in use, and not recorded as building, so a real rebuild never resumes it),
 * compared key by key with the active version, and dropped, also when the build fails.
 *
 * The comparison is of two moving things when the world is live: the active version keeps
 * following the log while the scan runs, so a key written in between can show as changed.
 * The report gives both checkpoints; `samePosition` says whether both versions stood at
 * the same place in the log while they were read, so every difference is a real one.
 */
export interface DryRunOptions {
  readonly store: EventStore;
  readonly cache: ProjectionCache;
  readonly projection: Projection;
  /** Keys listed per kind of difference; default 5. */
  readonly sampleSize?: number;
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: BuildProgress) => void;
  readonly progressEveryMs?: number;
  readonly maxFailures?: number;
}

export interface DryRunReport extends KeyspaceDiff {
  readonly projection: string;
  /** The version readers use, compared against; undefined when none is active (every rebuilt key is then added). */
  readonly live: { readonly version: number | undefined; readonly checkpoint: string | undefined; readonly keys: number };
  readonly rebuilt: { readonly version: number; readonly checkpoint: string | undefined; readonly keys: number };
  /** Both versions had applied the log up to the same position while read; if not, some differences may be writes made meanwhile. */
  readonly samePosition: boolean;
  readonly events: number;
  readonly buildSeconds: number;
}

const checkpointText = async (cache: ProjectionCache, projection: string, version: number | undefined): Promise<string | undefined> => {
  if (version === undefined) return undefined;
  const position = await cache.checkpoint(projection, version);
  return position === undefined ? undefined : formatPosition(position);
};

export const dryRunProjection = async (options: DryRunOptions): Promise<DryRunReport> => {
  const { cache, projection } = options;
  const name = projection.name;
  const scratch = await nextVersion(cache, name);
  try {
    const built = await buildVersion({ ...options, version: scratch });
    const live = await cache.activeVersion(name);
    const liveBefore = await checkpointText(cache, name, live);
    const liveDigests = live === undefined ? new Map<string, string>() : await digestVersion(cache, name, live);
    const liveAfter = await checkpointText(cache, name, live);
    const rebuiltDigests = await digestVersion(cache, name, scratch);
    const rebuilt = built.checkpoint === undefined ? undefined : formatPosition(built.checkpoint);
    return {
      projection: name,
      ...diffKeyspaces(liveDigests, rebuiltDigests, options.sampleSize ?? 5),
      live: { version: live, checkpoint: liveAfter, keys: liveDigests.size },
      rebuilt: { version: scratch, checkpoint: rebuilt, keys: rebuiltDigests.size },
      samePosition: live !== undefined && liveBefore === liveAfter && liveAfter === rebuilt,
      events: built.events,
      buildSeconds: built.seconds,
    };
  } finally {
    await cache.dropVersion(name, scratch);
  }
};
