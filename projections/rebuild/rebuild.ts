import { formatPosition, type EventStore } from '../../events/store/index.js';
import { activationNotification } from '../read-cache/activation-notice.js';
import type { Notifier, Projection, ProjectionCache } from '../runner/index.js';
import { buildVersion, type BuildProgress } from './build-version.js';
import { RebuildConflictError } from './rebuild-errors.js';

/**
 * A rebuild without downtime: the projection is built from position 0 into a new key
 * version while readers keep reading the active one; once it has caught up with the log,
 * readers are switched to it in one compare-and-switch, told so on
 * `mmo.projection.<name>.activated`, and the versions below it are dropped. Last, the new
 * version catches up once more: the old version's runner kept projecting until its
 * checkpoint went, and what it had not committed by then is projected here, with its
 * notifications (they were never sent). From then on the live runner, fenced out of the
 * old version, carries on with the new one.
 *
 * The version being built is recorded (`sk:<P>:building`) before the first batch and
 * cleared only when everything is done, so a rebuild interrupted at any step resumes
 * there: building from its checkpoint, or, when the switch was made, publishing the
 * notice again and dropping what is left. The live runner of the old version stops on
 * its own once its checkpoint is dropped (see the runner's retirement), and a projection
 * set then carries on with the new version.
 */
export interface RebuildOptions {
  readonly store: EventStore;
  readonly cache: ProjectionCache;
  /** Where the activation notice goes (NATS); readers that resolved the active version switch on it. */
  readonly notifier: Notifier;
  readonly projection: Projection;
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: BuildProgress) => void;
  readonly progressEveryMs?: number;
  readonly maxFailures?: number;
}

export interface RebuildReport {
  readonly projection: string;
  /** The version readers use now. */
  readonly version: number;
  /** The version they used before; undefined when none was active. */
  readonly previous: number | undefined;
  /** The run carried on an interrupted one: `build` from its checkpoint, `finish` after its switch. */
  readonly resumed: 'no' | 'build' | 'finish';
  /** Where this run's build started in the log (`C/P`), undefined from the start. */
  readonly resumedFrom: string | undefined;
  /** Where the new version stood when the rebuild was done. */
  readonly checkpoint: string | undefined;
  /** Events the projection went through in this run, and how long building and catching up took. */
  readonly events: number;
  readonly buildSeconds: number;
  readonly droppedVersions: readonly number[];
  readonly droppedKeys: number;
}

/** Above every version that holds keys or is named anywhere, so nothing left over is reused. */
export const nextVersion = async (cache: ProjectionCache, projection: string): Promise<number> => {
  const named = [await cache.activeVersion(projection), await cache.buildingVersion(projection)].filter((version) => version !== undefined);
  return Math.max(0, ...named, ...(await cache.versions(projection))) + 1;
};

export const rebuildProjection = async (options: RebuildOptions): Promise<RebuildReport> => {
  // The first build publishes nothing (see buildVersion); only the catch-up after the switch does.
  const { cache, projection, notifier, ...rest } = options;
  const common = { ...rest, cache, projection };
  const name = projection.name;
  const previous = await cache.activeVersion(name);
  const building = await cache.buildingVersion(name);
  const finishing = building !== undefined && building === previous;
  const resuming = building !== undefined && (previous === undefined || building > previous);
  const version = finishing || resuming ? building : await nextVersion(cache, name);
  let resumedFrom: string | undefined;
  let events = 0;
  let buildSeconds = 0;

  if (!finishing) {
    await cache.setBuildingVersion(name, version);
    const built = await buildVersion({ ...common, version });
    resumedFrom = built.resumedFrom === undefined ? undefined : formatPosition(built.resumedFrom);
    events = built.events;
    buildSeconds = built.seconds;
    if (!(await cache.switchActive(name, previous, version))) {
      // Lost the switch: fine if a rebuild resuming the same version won it, a conflict otherwise.
      const now = await cache.activeVersion(name);
      if (now !== version) {
        throw new RebuildConflictError(
          `${name}: the active version changed from ${String(previous)} to ${String(now)} during the rebuild; version ${version} is built but not active`,
        );
      }
    }
  }

  // At least once: a rebuild that resumes after its switch says it again.
  await notifier.publish([activationNotification({ projection: name, version })]);
  const droppedVersions = (await cache.versions(name)).filter((older) => older < version);
  let droppedKeys = 0;
  for (const older of droppedVersions) droppedKeys += await cache.dropVersion(name, older);
  const builtEvents = events;
  const onProgress = common.onProgress;
  const tail = await buildVersion({
    ...common,
    version,
    notifier,
    // One count for the whole rebuild, not one per runner.
    ...(onProgress === undefined ? {} : { onProgress: (progress: BuildProgress) => onProgress({ ...progress, events: builtEvents + progress.events }) }),
  });
  events += tail.events;
  buildSeconds += tail.seconds;
  await cache.setBuildingVersion(name, undefined);
  return {
    projection: name,
    version,
    previous: finishing ? undefined : previous,
    resumed: finishing ? 'finish' : resuming ? 'build' : 'no',
    resumedFrom,
    checkpoint: tail.checkpoint === undefined ? undefined : formatPosition(tail.checkpoint),
    events,
    buildSeconds,
    droppedVersions,
    droppedKeys,
  };
};
