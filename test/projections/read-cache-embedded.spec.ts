import { afterEach, describe, expect, it, vi } from 'vitest';
import { comparePositions, type EventStore, type Position } from '../../events/store/index.js';
import { createEmbeddedNotifier, createEmbeddedProjectionCache, type EmbeddedNotifier, type EmbeddedProjectionCache } from '../../infra/cache/index.js';
import { createMemoryEventStore } from '../../infra/eventstore/memory/memory-event-store.js';
import { createInventoriesProjection } from '../../projections/inventories/index.js';
import { activationNotification, createReadThroughCache, type ReadThroughCache } from '../../projections/read-cache/index.js';
import { createRostersProjection } from '../../projections/rosters/index.js';
import { createProjectionRunner, createProjectionSet, type ProjectionRunner, type ProjectionSet } from '../../projections/runner/index.js';
import { createSessionsProjection } from '../../projections/sessions/index.js';
import { appendEvent } from '../support/read-cache/fakes.js';

/**
 * The one-process default: the runners project a memory log into the embedded cache and
 * publish on the embedded notifier, and a reader subscribed to that notifier behaves as a
 * game server's reader does over Redis and NATS.
 */
interface World {
  readonly store: EventStore;
  readonly cache: EmbeddedProjectionCache;
  readonly notifier: EmbeddedNotifier;
  readonly set: ProjectionSet;
  readonly reader: ReadThroughCache;
  /** Waits until every projection has applied the whole log. */
  readonly projected: () => Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const head = async (store: EventStore): Promise<Position | undefined> => {
  for await (const event of store.readAll({ from: 'end', direction: 'backwards', maxCount: 1 })) return event.position;
  return undefined;
};

const caughtUp = async (store: EventStore, cache: EmbeddedProjectionCache, projection: string, version: number): Promise<void> => {
  const last = await head(store);
  const checkpoint = await cache.checkpoint(projection, version);
  expect(last === undefined || (checkpoint !== undefined && comparePositions(checkpoint, last) >= 0)).toBe(true);
};

const world = async (): Promise<World> => {
  const store = createMemoryEventStore();
  const cache = createEmbeddedProjectionCache();
  const notifier = createEmbeddedNotifier();
  const set = createProjectionSet({
    store,
    cache,
    notifier,
    projections: [createSessionsProjection(), createInventoriesProjection(), createRostersProjection()].map((projection) => ({ projection })),
    checkpointEveryMs: 0,
    retryDelayMs: 1,
  });
  await set.start();
  await set.whenCaughtUp();
  const reader = createReadThroughCache({ cache, log: store, subscriber: notifier, l1: { max: 1_000, ttlMs: 60_000 } });
  cleanups.push(async () => {
    await reader.close();
    await set.stop();
    await store.close();
  });
  const projected = async (): Promise<void> => {
    await vi.waitFor(async () => {
      for (const projection of ['sessions', 'inventories', 'rosters']) await caughtUp(store, cache, projection, 1);
    });
    // The runner publishes right after its commit: let that and the reader's batch run.
    await new Promise((resolve) => setTimeout(resolve, 5));
  };
  return { store, cache, notifier, set, reader, projected };
};

const itemIds = (inventory: { items: ReadonlyMap<string, unknown> }): string[] => [...inventory.items.keys()].sort();

describe('read-through cache, embedded: runners, the embedded cache and notifier in one process', () => {
  it('a diff published by the runner is applied to L1: the next read needs no L2 read', async () => {
    const { store, reader, projected } = await world();
    await appendEvent(store, 'item-i1', { type: 'ItemMinted', data: { templateId: 'sword', owner: 'p1' } });
    await appendEvent(store, 'item-i2', { type: 'ItemMinted', data: { templateId: 'bow', owner: 'p1' } });
    await projected();
    expect(await reader.inventory('p1')).toMatchObject({ version: 2 });
    await appendEvent(store, 'item-i1', { type: 'ItemTransferred', data: { from: 'p1', to: 'p2' } });
    await projected();
    const inventory = await reader.inventory('p1');
    expect(inventory.version).toBe(3);
    expect(itemIds(inventory)).toEqual(['i2']);
    expect(reader.stats().l2.hits).toBe(1);
    expect(reader.stats().l1).toMatchObject({ hits: 1, diffsApplied: 1 });
    expect(itemIds(await reader.inventory('p2'))).toEqual(['i1']);
  });

  it('a roster notice evicts the guild: the next read has the new member', async () => {
    const { store, reader, projected } = await world();
    await appendEvent(store, 'guild-g1', { type: 'GuildCreated', data: { name: 'Wolves', leaderId: 'p1' } });
    await projected();
    expect([...((await reader.roster('g1'))?.members.keys() ?? [])]).toEqual(['p1']);
    await appendEvent(store, 'guild-g1', { type: 'MemberJoined', data: { playerId: 'p2', via: 'invite' } });
    await projected();
    expect([...((await reader.roster('g1'))?.members.keys() ?? [])].sort()).toEqual(['p1', 'p2']);
    expect(reader.stats().l1.evictions).toBe(1);
    expect(reader.stats().l2.hits).toBe(2);
  });

  it('sessions read through to the projected key', async () => {
    const { store, reader, projected } = await world();
    await appendEvent(store, 'player-p1', { type: 'SessionStarted', data: { sessionId: 's1', tokenHash: 'ab', startedAt: 10, idleExpiresAt: 20, absoluteExpiresAt: 30 } });
    await projected();
    expect(await reader.session('p1')).toMatchObject({ playerId: 'p1', sessionId: 's1', presence: 'offline' });
    expect(await reader.session('p9')).toBeUndefined();
    expect(reader.stats().l2).toMatchObject({ hits: 1, misses: 1 });
  });

  it('while the runners are stopped the log answers (L3); once they catch up the same value comes from L2', async () => {
    const { store, cache, notifier, set, reader, projected } = await world();
    await set.stop();
    await appendEvent(store, 'item-i7', { type: 'ItemMinted', data: { templateId: 'axe', owner: 'p3' } });
    const fromLog = await reader.inventory('p3');
    expect(fromLog).toMatchObject({ version: 1, items: new Map([['i7', { itemId: 'i7', templateId: 'axe' }]]) });
    expect(reader.stats().l3.hits).toBe(1);
    await set.start();
    await projected();
    const fresh = createReadThroughCache({ cache, log: store, subscriber: notifier, l1: { max: 0, ttlMs: 1 } });
    expect(await fresh.inventory('p3')).toEqual(fromLog);
    expect(fresh.stats().l2.hits).toBe(1);
    await fresh.close();
    // The diff the runner published was already included in the entry L3 made.
    expect(await reader.inventory('p3')).toEqual(fromLog);
  });

  it('a version switch announced on the activation subject moves the reader to the new keys', async () => {
    const { store, cache, notifier, reader, projected } = await world();
    await appendEvent(store, 'item-i1', { type: 'ItemMinted', data: { templateId: 'sword', owner: 'p1' } });
    await projected();
    expect(await reader.inventory('p1')).toMatchObject({ version: 1 });
    const rebuilt: ProjectionRunner = createProjectionRunner({
      store,
      cache,
      notifier: { publish: async () => undefined },
      projection: createInventoriesProjection(),
      version: 2,
      activateWhenCaughtUp: false,
    });
    rebuilt.start();
    await rebuilt.whenCaughtUp();
    expect(await cache.switchActive('inventories', 1, 2)).toBe(true);
    await notifier.publish([activationNotification({ projection: 'inventories', version: 2 })]);
    await cache.dropVersion('inventories', 1);
    await rebuilt.stop();
    expect(await reader.inventory('p1')).toMatchObject({ version: 1, items: new Map([['i1', { itemId: 'i1', templateId: 'sword' }]]) });
    expect(reader.stats()).toMatchObject({ versionSwitches: 1, l2: { hits: 2 } });
  });
});
