import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatPosition, type EventStore, type Position } from '../../events/store/index.js';
import { createEmbeddedNotifier, createEmbeddedProjectionCache, type EmbeddedProjectionCache } from '../../infra/cache/index.js';
import { createMemoryEventStore } from '../../infra/eventstore/memory/memory-event-store.js';
import {
  createProjectionRunner,
  createProjectionSet,
  type Notification,
  type ProjectionCache,
  type ProjectionRunner,
  type ProjectionRunnerOptions,
} from '../../projections/runner/index.js';
import {
  appendZoneChanges,
  checkCounts,
  countingProjection,
  countKey,
  foreignEvent,
  zoneChange,
} from '../support/projections/counting-projection.js';

const decoder = new TextDecoder();
const running: ProjectionRunner[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((runner) => runner.stop()));
});

interface Fixture {
  readonly store: EventStore;
  readonly cache: EmbeddedProjectionCache;
  readonly published: Notification[];
  readonly errors: string[];
  /** Starts a counting runner (version 1 unless told) and stops it after the test. */
  readonly start: (overrides?: Partial<ProjectionRunnerOptions>) => ProjectionRunner;
}

const fixture = (options: { readonly clock?: () => Date } = {}): Fixture => {
  const store = createMemoryEventStore(options.clock === undefined ? {} : { clock: options.clock });
  const cache = createEmbeddedProjectionCache();
  const notifier = createEmbeddedNotifier();
  const published: Notification[] = [];
  notifier.subscribe('counting.>', (notification) => {
    published.push(notification);
  });
  const errors: string[] = [];
  return {
    store,
    cache,
    published,
    errors,
    start: (overrides = {}) => {
      const runner = createProjectionRunner({
        store,
        cache,
        notifier,
        projection: countingProjection(),
        version: 1,
        retryDelayMs: 1,
        onError: (error, context) => errors.push(`${context}: ${error instanceof Error ? error.message : String(error)}`),
        ...overrides,
      });
      runner.start();
      running.push(runner);
      return runner;
    },
  };
};

/** The cache with some of its calls replaced: a stale read, a held or failing commit. */
const wrapCache = (cache: ProjectionCache, overrides: Partial<ProjectionCache>): ProjectionCache => ({
  activeVersion: (projection) => cache.activeVersion(projection),
  checkpoint: (projection, version) => cache.checkpoint(projection, version),
  read: (projection, version, reads) => cache.read(projection, version, reads),
  commit: (projection, version, expected, next, writes) => cache.commit(projection, version, expected, next, writes),
  activate: (projection, version) => cache.activate(projection, version),
  switchActive: (projection, expected, next) => cache.switchActive(projection, expected, next),
  dropVersion: (projection, version) => cache.dropVersion(projection, version),
  buildingVersion: (projection) => cache.buildingVersion(projection),
  setBuildingVersion: (projection, version) => cache.setBuildingVersion(projection, version),
  versions: (projection) => cache.versions(projection),
  scanVersion: (projection, version) => cache.scanVersion(projection, version),
  close: () => cache.close(),
  ...overrides,
});

const headOf = async (store: EventStore): Promise<Position> => {
  for await (const event of store.readAll({ direction: 'backwards', maxCount: 1 })) return event.position;
  throw new Error('the log is empty');
};

const exact = { doubleApplied: 0, skipped: 0, wrongCounts: 0 };

describe('projection runner', () => {
  it('projects the log it finds, commits the head as its checkpoint and activates version 1', async () => {
    const { store, cache, start } = fixture();
    await appendZoneChanges(store, 'player-a', 120);
    await appendZoneChanges(store, 'player-b', 30);
    const runner = start();
    await runner.whenCaughtUp();
    expect(await cache.checkpoint('counting', 1)).toEqual(await headOf(store));
    expect(await cache.activeVersion('counting')).toBe(1);
    expect(await checkCounts(store, cache, { name: 'counting', version: 1 })).toMatchObject({ events: 150, ...exact });
    expect(runner.stats()).toMatchObject({ caughtUp: true, eventsProjected: 150, pendingEvents: 0, lagMs: 0, fenced: 0, failures: 0 });
  });

  it('cuts batches of at most batchSize events, and no smaller while the log has more', async () => {
    const { store, start } = fixture();
    await appendZoneChanges(store, 'player-a', 95);
    const sizes: number[] = [];
    const runner = start({ batchSize: 10, projection: countingProjection({ onBatch: (events) => sizes.push(events.length) }) });
    await runner.whenCaughtUp();
    expect(sizes).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 5]);
  });

  it('follows live appends, and publishes only once the batch is committed', async () => {
    const { store, cache, published, start } = fixture();
    const runner = start();
    await runner.whenCaughtUp();
    const committedWhenPublished: boolean[] = [];
    const notifier = createEmbeddedNotifier();
    notifier.subscribe('counting.*', async (notification) => {
      const stream = notification.subject.slice('counting.'.length);
      const [result] = await cache.read('counting', 1, [{ kind: 'value', key: countKey(stream) }]);
      committedWhenPublished.push(result?.kind === 'value' && decoder.decode(result.value) === decoder.decode(notification.payload));
    });
    await runner.stop();
    const live = start({ notifier });
    await live.whenCaughtUp();
    await appendZoneChanges(store, 'player-live', 40, 7);
    await vi.waitFor(() => expect(live.stats().eventsProjected).toBe(40));
    await vi.waitFor(() => expect(committedWhenPublished.length).toBe(live.stats().notificationsPublished));
    expect(committedWhenPublished.every(Boolean)).toBe(true);
    expect(published).toEqual([]);
    expect(await checkCounts(store, cache, { name: 'counting', version: 1 })).toMatchObject({ events: 40, ...exact });
  });

  it('passes over events the catalog cannot decode and moves its checkpoint past them', async () => {
    const { store, cache, start } = fixture();
    await store.append('player-a', [zoneChange(1), foreignEvent(), zoneChange(2)], { expectedRevision: 'any' });
    await store.append('other-x', [foreignEvent(), foreignEvent()], { expectedRevision: 'any' });
    const runner = start();
    await runner.whenCaughtUp();
    expect(runner.stats()).toMatchObject({ eventsProjected: 2, eventsSkipped: 3 });
    expect(await cache.checkpoint('counting', 1)).toEqual(await headOf(store));
    const [count] = await cache.read('counting', 1, [{ kind: 'value', key: countKey('player-a') }]);
    expect(count?.kind === 'value' && decoder.decode(count.value)).toBe('2');
  });

  it('resumes from its checkpoint after a stop, applying nothing twice', async () => {
    const { store, cache, start } = fixture();
    await appendZoneChanges(store, 'player-a', 60);
    const first = start({ batchSize: 7 });
    await first.whenCaughtUp();
    await first.stop();
    await appendZoneChanges(store, 'player-a', 25);
    await appendZoneChanges(store, 'player-b', 25);
    const second = start({ batchSize: 7 });
    await second.whenCaughtUp();
    expect(second.stats().eventsProjected).toBe(50);
    expect(await checkCounts(store, cache, { name: 'counting', version: 1 })).toMatchObject({ events: 110, ...exact });
  });

  it('is fenced when another runner moved the checkpoint, and resumes from where that one got', async () => {
    const { store, cache, start } = fixture();
    await appendZoneChanges(store, 'player-a', 40);
    const first = start();
    await first.whenCaughtUp();
    await first.stop();
    await appendZoneChanges(store, 'player-a', 10);
    // The second runner's first read of the checkpoint is stale, as if it had read it just
    // before the first runner committed: its commit must be refused, not applied again.
    let staleReads = 1;
    const stale = wrapCache(cache, {
      checkpoint: async (projection, version) => (staleReads-- > 0 ? undefined : cache.checkpoint(projection, version)),
    });
    const second = start({ cache: stale });
    await second.whenCaughtUp();
    expect(second.stats().fenced).toBe(1);
    expect(await checkCounts(store, cache, { name: 'counting', version: 1 })).toMatchObject({ events: 50, ...exact });
  });

  it('lets two runners of one version share the work without applying anything twice', async () => {
    const { store, cache, start } = fixture();
    const first = start({ batchSize: 5 });
    const second = start({ batchSize: 5 });
    await Promise.all([first.whenCaughtUp(), second.whenCaughtUp()]);
    await Promise.all(['player-a', 'player-b', 'player-c'].map((stream) => appendZoneChanges(store, stream, 60, 3)));
    const head = formatPosition(await headOf(store));
    await vi.waitFor(() => expect([first.stats().checkpoint, second.stats().checkpoint]).toContain(head));
    await Promise.all([first.stop(), second.stop()]);
    expect(await checkCounts(store, cache, { name: 'counting', version: 1 })).toMatchObject({ events: 180, ...exact });
  });

  it('projects the log again from the start when its keys and checkpoint vanish (a flushed Redis)', async () => {
    const { store, cache, start } = fixture();
    await appendZoneChanges(store, 'player-a', 30);
    const runner = start();
    await runner.whenCaughtUp();
    expect(await cache.dropVersion('counting', 1)).toBeGreaterThan(0);
    await appendZoneChanges(store, 'player-a', 5);
    const head = formatPosition(await headOf(store));
    await vi.waitFor(() => expect(runner.stats().checkpoint).toBe(head));
    expect(runner.stats().fenced).toBe(1);
    expect(await checkCounts(store, cache, { name: 'counting', version: 1 })).toMatchObject({ events: 35, ...exact });
  });

  it('notices its checkpoint gone while the log is quiet, and projects the log again without waiting for an event', async () => {
    const { store, cache, start } = fixture();
    await appendZoneChanges(store, 'player-a', 30);
    const runner = start();
    await runner.whenCaughtUp();
    const head = formatPosition(await headOf(store));
    expect(await cache.dropVersion('counting', 1)).toBeGreaterThan(0);
    // No event follows: an idle runner looks at its checkpoint once per idle wait (1 s).
    await vi.waitFor(async () => expect(formatPosition((await cache.checkpoint('counting', 1)) ?? { commit: -1n, prepare: -1n })).toBe(head), {
      timeout: 10_000,
      interval: 50,
    });
    expect(runner.stats().checkpoint).toBe(head);
    expect(await checkCounts(store, cache, { name: 'counting', version: 1 })).toMatchObject({ events: 30, ...exact });
  });

  it('stops, instead of projecting the log again, once a rebuild switched to a newer version and dropped its own', async () => {
    const { store, cache, start } = fixture();
    await appendZoneChanges(store, 'player-a', 30);
    const retiredFor: number[] = [];
    const live = start({ onSuperseded: (active) => retiredFor.push(active) });
    await live.whenCaughtUp();
    const rebuild = start({ version: 2, activateWhenCaughtUp: false });
    await rebuild.whenCaughtUp();
    await rebuild.stop();
    expect(await cache.switchActive('counting', 1, 2)).toBe(true);
    await cache.dropVersion('counting', 1);
    await appendZoneChanges(store, 'player-a', 5);
    await vi.waitFor(() => expect(retiredFor).toEqual([2]));
    expect(await cache.versions('counting')).toEqual([2]);
    expect(live.stats()).toMatchObject({ fenced: 1, batchesCommitted: 1 });
  });

  it('commits progress through events its filter skips, so a restart does not scan them again', async () => {
    const { store, cache, start } = fixture();
    await appendZoneChanges(store, 'item-a', 300);
    const filter = { on: 'streamName', prefixes: ['player-'] } as const;
    const runner = start({ projection: countingProjection({ filter }), checkpointInterval: 50 });
    await runner.whenCaughtUp();
    expect(await cache.checkpoint('counting', 1)).toEqual(await headOf(store));
    expect(runner.stats()).toMatchObject({ eventsProjected: 0, writes: 0, batchesCommitted: 0 });
    expect(runner.stats().checkpointCommits).toBeGreaterThan(0);
    await runner.stop();

    const from: unknown[] = [];
    const watched: EventStore = {
      append: (stream, events, options) => store.append(stream, events, options),
      read: (stream, options) => store.read(stream, options),
      readAll: (options) => store.readAll(options),
      subscribeAll: (options) => {
        from.push(options?.from);
        return store.subscribeAll(options);
      },
      close: () => store.close(),
    };
    await start({ store: watched, projection: countingProjection({ filter }) }).whenCaughtUp();
    expect(from).toEqual([await headOf(store)]);
  });

  it('reports the lag and the pending events while a commit is held up', async () => {
    let now = Date.UTC(2026, 0, 1);
    const { store, cache, start } = fixture({ clock: () => new Date(now) });
    await appendZoneChanges(store, 'player-a', 5);
    let gate: Promise<void> = Promise.resolve();
    let open = (): void => undefined;
    const held = wrapCache(cache, {
      commit: async (...args) => {
        await gate;
        return cache.commit(...args);
      },
    });
    const runner = start({ cache: held });
    await runner.whenCaughtUp();
    gate = new Promise((resolve) => (open = resolve));
    now += 5_000;
    await appendZoneChanges(store, 'player-a', 3);
    now += 2_000;
    await appendZoneChanges(store, 'player-a', 2);
    await vi.waitFor(() => expect(runner.stats()).toMatchObject({ pendingEvents: 5, lagMs: 7_000 }));
    open();
    await vi.waitFor(() => expect(runner.stats()).toMatchObject({ pendingEvents: 0, lagMs: 0, eventsProjected: 10 }));
  });

  it('never replaces an active version, and activates only when asked', async () => {
    const { store, cache, start } = fixture();
    await appendZoneChanges(store, 'player-a', 3);
    await cache.activate('counting', 2);
    await start({ version: 3 }).whenCaughtUp();
    expect(await cache.activeVersion('counting')).toBe(2);
    await start({ projection: countingProjection({ name: 'quiet' }), activateWhenCaughtUp: false }).whenCaughtUp();
    expect(await cache.activeVersion('quiet')).toBeUndefined();
  });

  it('refuses a projection name or version outside the key layout', () => {
    const { store, cache } = fixture();
    const notifier = createEmbeddedNotifier();
    expect(() => createProjectionRunner({ store, cache, notifier, projection: countingProjection({ name: 'Bad Name' }), version: 1 })).toThrow();
    expect(() => createProjectionRunner({ store, cache, notifier, projection: countingProjection(), version: 0 })).toThrow();
  });

  it('applies every event once whatever commits fail, before or after writing (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.tuple(fc.constantFrom('player-a', 'player-b', 'item-c'), fc.integer({ min: 1, max: 30 })), { minLength: 1, maxLength: 6 }),
        // Repeated lap after lap: a lap without one 'ok' would never let the runner through.
        fc.array(fc.constantFrom('ok', 'ok', 'failBefore', 'failAfter'), { minLength: 1, maxLength: 40 }).filter((lap) => lap.includes('ok')),
        async (batchSize, appends, outcomes) => {
          const { store, cache, errors, start } = fixture();
          for (const [stream, count] of appends) await appendZoneChanges(store, stream, count, 4);
          let attempt = 0;
          // A commit that fails after writing is one whose reply the connection lost.
          const flaky = wrapCache(cache, {
            commit: async (...args) => {
              const outcome = outcomes[attempt++ % outcomes.length];
              if (outcome === 'failBefore') throw new Error('lost before writing');
              const result = await cache.commit(...args);
              if (outcome === 'failAfter') throw new Error('reply lost after writing');
              return result;
            },
          });
          const runner = start({ cache: flaky, batchSize, maxRetryDelayMs: 1 });
          await runner.whenCaughtUp();
          await runner.stop();
          const check = await checkCounts(store, cache, { name: 'counting', version: 1 });
          expect(check).toMatchObject(exact);
          expect(runner.stats().failures).toBe(errors.length);
        },
      ),
      { numRuns: 40, seed: 20261124 },
    );
  });
});

describe('projection set', () => {
  it('runs projections side by side, each at its own version and checkpoint', async () => {
    const { store, cache } = fixture();
    await appendZoneChanges(store, 'player-a', 20);
    await appendZoneChanges(store, 'item-b', 10);
    await cache.activate('items', 4);
    const set = createProjectionSet({
      store,
      cache,
      notifier: createEmbeddedNotifier(),
      projections: [
        { projection: countingProjection({ name: 'players', filter: { on: 'streamName', prefixes: ['player-'] } }) },
        { projection: countingProjection({ name: 'items', filter: { on: 'streamName', prefixes: ['item-'] } }) },
      ],
    });
    await set.start();
    await set.whenCaughtUp();
    expect(set.stats().map((stats) => [stats.projection, stats.version, stats.eventsProjected])).toEqual([
      ['players', 1, 20],
      ['items', 4, 10],
    ]);
    expect(await checkCounts(store, cache, { name: 'players', version: 1, filter: { on: 'streamName', prefixes: ['player-'] } })).toMatchObject({ events: 20, ...exact });
    expect(await checkCounts(store, cache, { name: 'items', version: 4, filter: { on: 'streamName', prefixes: ['item-'] } })).toMatchObject({ events: 10, ...exact });
    expect(formatPosition((await cache.checkpoint('items', 4)) ?? { commit: 0n, prepare: 0n })).toBe(formatPosition(await headOf(store)));
    await set.stop();
    expect(set.stats()).toEqual([]);
  });

  it('hands a projection over to the version a rebuild activated, from where the rebuild left it', async () => {
    const { store, cache } = fixture();
    await appendZoneChanges(store, 'player-a', 40);
    const set = createProjectionSet({ store, cache, notifier: createEmbeddedNotifier(), retryDelayMs: 1, projections: [{ projection: countingProjection() }] });
    await set.start();
    await set.whenCaughtUp();
    const rebuild = createProjectionRunner({ store, cache, notifier: createEmbeddedNotifier(), projection: countingProjection(), version: 2, activateWhenCaughtUp: false });
    rebuild.start();
    await rebuild.whenCaughtUp();
    await rebuild.stop();
    expect(await cache.switchActive('counting', 1, 2)).toBe(true);
    await cache.dropVersion('counting', 1);
    await appendZoneChanges(store, 'player-a', 7);
    const head = formatPosition(await headOf(store));
    await vi.waitFor(() => expect(set.stats().map((stats) => [stats.version, stats.checkpoint])).toEqual([[2, head]]));
    await set.whenCaughtUp();
    expect(set.stats()[0]).toMatchObject({ eventsProjected: 7 });
    expect(await checkCounts(store, cache, { name: 'counting', version: 2 })).toMatchObject({ events: 47, ...exact });
    expect(await cache.versions('counting')).toEqual([2]);
    await set.stop();
  });
});
