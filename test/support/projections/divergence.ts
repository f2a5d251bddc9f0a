import type { EventStore } from '../../../events/store/index.js';
import { createEmbeddedProjectionCache } from '../../../infra/cache/index.js';
import { buildVersion, diffKeyspaces, digestVersion, type KeyDigests } from '../../../projections/rebuild/index.js';
import type { Projection, ProjectionCache } from '../../../projections/runner/index.js';

/**
 * How far a live keyspace is from the log (figures 9 and 11): per-key digests of the
 * active version (projections/rebuild/keyspace-digest.ts) against a fresh build of the
 * same log into the embedded cache.
 */

/** What a replay of the log builds: the projection from position 0 into a fresh embedded cache. */
export const replayDigests = async (store: EventStore, projection: Projection): Promise<KeyDigests> => {
  const cache = createEmbeddedProjectionCache();
  await buildVersion({ store, cache, projection, version: 1 });
  const digests = await digestVersion(cache, projection.name, 1);
  await cache.close();
  return digests;
};

/** The digests of the version readers are on. */
export const activeDigests = async (cache: ProjectionCache, projection: string): Promise<KeyDigests> => {
  const active = await cache.activeVersion(projection);
  if (active === undefined) throw new Error(`${projection} has no active version`);
  return digestVersion(cache, projection, active);
};

/** Keys added, removed or changed between two keyspaces: 0 when they are equal. */
export const divergence = (live: KeyDigests, replay: KeyDigests): number => {
  const diff = diffKeyspaces(live, replay, 5);
  return diff.added + diff.removed + diff.changed;
};
