import { describe, expect, it } from 'vitest';
import { formatPosition, type EventStore } from '../../events/store/index.js';
import { createEmbeddedNotifier, createEmbeddedProjectionCache, type EmbeddedProjectionCache } from '../../infra/cache/index.js';
import { createMemoryEventStore } from '../../infra/eventstore/memory/memory-event-store.js';
import { decodeActivationNotice } from '../../projections/read-cache/activation-notice.js';
import {
  digestVersion,
  diffKeyspaces,
  dryRunProjection,
  headOf,
  keyspaceDigest,
  rebuildProjection,
  RebuildConflictError,
  RebuildInterruptedError,
} from '../../projections/rebuild/index.js';
import { createProjectionRunner, type Notification } from '../../projections/runner/index.js';
import { appendZoneChanges, checkCounts, countingProjection } from '../support/projections/counting-projection.js';

/**
 * The rebuild over the embedded cache and a memory log, with the counting projection
 * (projections/rebuild); the same against Redis and a SQLite log written by the world is
 * test/integration/rebuild.int.spec.ts.
 */
const encoder = new TextEncoder();
const exact = { doubleApplied: 0, skipped: 0, wrongCounts: 0 };

interface World {
  readonly store: EventStore;
  readonly cache: EmbeddedProjectionCache;
  readonly published: Notification[];
  readonly rebuild: (overrides?: Partial<Parameters<typeof rebuildProjection>[0]>) => ReturnType<typeof rebuildProjection>;
}

/** A log of 300 events projected live into version 1, as a running deployment leaves it. */
const liveWorld = async (): Promise<World> => {
  const store = createMemoryEventStore();
  const cache = createEmbeddedProjectionCache();
  const notifier = createEmbeddedNotifier();
  const published: Notification[] = [];
  notifier.subscribe('>', (notification) => void published.push(notification));
  for (const stream of ['player-a', 'player-b', 'player-c']) await appendZoneChanges(store, stream, 100);
  const live = createProjectionRunner({ store, cache, notifier, projection: countingProjection(), version: 1 });
  live.start();
  await live.whenCaughtUp();
  await live.stop();
  published.length = 0;
  return {
    store,
    cache,
    published,
    rebuild: (overrides = {}) => rebuildProjection({ store, cache, notifier, projection: countingProjection(), batchSize: 20, ...overrides }),
  };
};

const digestOf = async (cache: EmbeddedProjectionCache, version: number): Promise<string> => keyspaceDigest(await digestVersion(cache, 'counting', version));

describe('rebuild', () => {
  it('builds a new version, switches readers to it, says so, and drops the old one', async () => {
    const { store, cache, published, rebuild } = await liveWorld();
    const before = await digestOf(cache, 1);
    const report = await rebuild();
    expect(report).toMatchObject({ projection: 'counting', version: 2, previous: 1, resumed: 'no', resumedFrom: undefined, droppedVersions: [1], events: 300 });
    expect(report.checkpoint).toBe(formatPosition((await headOf(store)) ?? { commit: 0n, prepare: 0n }));
    expect(await cache.activeVersion('counting')).toBe(2);
    expect(await cache.versions('counting')).toEqual([2]);
    expect(await cache.buildingVersion('counting')).toBeUndefined();
    expect(await digestOf(cache, 2)).toBe(before);
    expect(await checkCounts(store, cache, { name: 'counting', version: 2 })).toMatchObject({ events: 300, ...exact });
    // The history is not published again: only the switch is.
    expect(published.map((notification) => [notification.subject, decodeActivationNotice(notification.payload)])).toEqual([
      ['mmo.projection.counting.activated', { projection: 'counting', version: 2 }],
    ]);
  });

  it('picks a version above every one that holds keys or is named, and builds the first one when none is active', async () => {
    const store = createMemoryEventStore();
    const cache = createEmbeddedProjectionCache();
    await appendZoneChanges(store, 'player-a', 10);
    await cache.commit('counting', 7, undefined, { commit: 1n, prepare: 1n }, [{ op: 'set', key: 'left-over', value: encoder.encode('x') }]);
    const report = await rebuildProjection({ store, cache, notifier: createEmbeddedNotifier(), projection: countingProjection() });
    expect(report).toMatchObject({ version: 8, previous: undefined, droppedVersions: [7] });
    expect(await cache.activeVersion('counting')).toBe(8);
  });

  it('resumes an interrupted build from its checkpoint, without starting over', async () => {
    const { store, cache, rebuild } = await liveWorld();
    const reference = await digestOf(cache, 1);
    const interrupt = new AbortController();
    await expect(
      rebuild({
        signal: interrupt.signal,
        progressEveryMs: 1,
        onProgress: (progress) => {
          if (progress.position > 0n) interrupt.abort();
        },
      }),
    ).rejects.toBeInstanceOf(RebuildInterruptedError);
    expect(await cache.activeVersion('counting')).toBe(1);
    expect(await cache.buildingVersion('counting')).toBe(2);
    const stoppedAt = await cache.checkpoint('counting', 2);
    expect(stoppedAt).toBeDefined();

    const report = await rebuild();
    expect(report).toMatchObject({ version: 2, previous: 1, resumed: 'build', resumedFrom: formatPosition(stoppedAt ?? { commit: 0n, prepare: 0n }) });
    expect(report.events).toBeLessThan(300);
    expect(await digestOf(cache, 2)).toBe(reference);
    expect(await checkCounts(store, cache, { name: 'counting', version: 2 })).toMatchObject({ events: 300, ...exact });
  });

  it('finishes a rebuild interrupted after its switch: says it again, drops the old version, catches up', async () => {
    const { store, cache, published, rebuild } = await liveWorld();
    const built = createProjectionRunner({ store, cache, notifier: createEmbeddedNotifier(), projection: countingProjection(), version: 2, activateWhenCaughtUp: false });
    built.start();
    await built.whenCaughtUp();
    await built.stop();
    await cache.setBuildingVersion('counting', 2);
    await cache.switchActive('counting', 1, 2);
    await appendZoneChanges(store, 'player-a', 5);
    const report = await rebuild();
    expect(report).toMatchObject({ version: 2, resumed: 'finish', droppedVersions: [1], events: 5 });
    expect(published.map((notification) => notification.subject)).toContain('mmo.projection.counting.activated');
    // The catch-up after the switch publishes what it projects: no runner had.
    expect(published.map((notification) => notification.subject)).toContain('counting.player-a');
    expect(await checkCounts(store, cache, { name: 'counting', version: 2 })).toMatchObject({ events: 305, ...exact });
  });

  it('switches nothing when the active version changed under it', async () => {
    const { cache, rebuild } = await liveWorld();
    await expect(
      rebuild({
        onProgress: () => void cache.activate('counting', 9),
        progressEveryMs: 1,
      }),
    ).rejects.toBeInstanceOf(RebuildConflictError);
    expect(await cache.activeVersion('counting')).toBe(9);
    expect(await cache.buildingVersion('counting')).toBe(2);
  });
});

describe('rebuild dry run', () => {
  it('reports nothing for a faithful live version, and drops its scratch version', async () => {
    const { store, cache } = await liveWorld();
    const report = await dryRunProjection({ store, cache, projection: countingProjection() });
    expect(report).toMatchObject({ added: 0, removed: 0, changed: 0, samePosition: true, live: { version: 1 }, rebuilt: { version: 2 } });
    expect(report.unchanged).toBe(report.live.keys);
    expect(await cache.versions('counting')).toEqual([1]);
    expect(await cache.activeVersion('counting')).toBe(1);
  });

  it('reports a corrupted, a missing and a stray key', async () => {
    const { store, cache } = await liveWorld();
    const checkpoint = await cache.checkpoint('counting', 1);
    await cache.commit('counting', 1, checkpoint, { commit: 10_000n, prepare: 10_000n }, [
      { op: 'set', key: 'count:player-b', value: encoder.encode('999') },
      { op: 'delete', key: 'applied:player-c:7' },
      { op: 'set', key: 'stray', value: encoder.encode('?') },
    ]);
    const report = await dryRunProjection({ store, cache, projection: countingProjection(), sampleSize: 3 });
    expect(report).toMatchObject({
      added: 1,
      removed: 1,
      changed: 1,
      samples: { added: ['applied:player-c:7'], removed: ['stray'], changed: ['count:player-b'] },
    });
    expect(await cache.versions('counting')).toEqual([1]);
  });
});

describe('keyspace comparison', () => {
  it('lists the first keys of each kind in key order, whatever order they came in', () => {
    const live = new Map([['k3', 'a'], ['k1', 'a'], ['gone', 'a']]);
    const rebuilt = new Map([['k9', 'x'], ['k3', 'b'], ['k1', 'b'], ['k2', 'x'], ['k0', 'b']]);
    expect(diffKeyspaces(live, rebuilt, 2)).toEqual({
      added: 3,
      removed: 1,
      changed: 2,
      unchanged: 0,
      samples: { added: ['k0', 'k2'], removed: ['gone'], changed: ['k1', 'k3'] },
    });
  });
});
