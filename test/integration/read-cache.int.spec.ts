import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { comparePositions, type EventStore, type Position } from '../../events/store/index.js';
import { createMemoryEventStore } from '../../infra/eventstore/memory/memory-event-store.js';
import { connectNats, createNatsNotifier, createNatsSubscriber, type NatsConnection } from '../../infra/nats/index.js';
import { connectRedis, createRedisProjectionCache } from '../../infra/redis/index.js';
import { createInventoriesProjection } from '../../projections/inventories/index.js';
import { createReadThroughCache, type ReadThroughCache } from '../../projections/read-cache/index.js';
import { createRostersProjection } from '../../projections/rosters/index.js';
import { createProjectionSet, type ProjectionCache, type ProjectionSet } from '../../projections/runner/index.js';
import { createSessionsProjection } from '../../projections/sessions/index.js';
import { appendEvent } from '../support/read-cache/fakes.js';
import { startNatsServer, type NatsServerHandle } from '../support/servers/nats-server.js';
import { startRedisServer, type RedisServerHandle } from '../support/servers/redis-server.js';

/**
 * Two game servers' readers and a projector, each with its own Redis and NATS
 * connections to a real redis-server and nats-server: a write projected on one host (the
 * runner commits, then publishes the diff or the notice) reaches the other readers' L1.
 */
describe('read-through cache over Redis and NATS', () => {
  let redis: RedisServerHandle;
  let nats: NatsServerHandle;
  let store: EventStore;
  let projector: ProjectionSet;
  const caches: ProjectionCache[] = [];
  const connections: NatsConnection[] = [];
  const readers: ReadThroughCache[] = [];

  const redisCache = async (name: string): Promise<ProjectionCache> => {
    const cache = createRedisProjectionCache(await connectRedis(redis.url, { name }));
    caches.push(cache);
    return cache;
  };
  const natsConnection = async (name: string): Promise<NatsConnection> => {
    const connection = await connectNats({ servers: nats.url, name, reconnectTimeWaitMs: 100 });
    connections.push(connection);
    return connection;
  };
  const gameServer = async (name: string): Promise<ReadThroughCache> => {
    const reader = createReadThroughCache({
      cache: await redisCache(name),
      log: store,
      subscriber: createNatsSubscriber(await natsConnection(name)),
      l1: { max: 10_000, ttlMs: 60_000 },
    });
    await reader.ready();
    readers.push(reader);
    return reader;
  };

  const head = async (): Promise<Position | undefined> => {
    for await (const event of store.readAll({ from: 'end', direction: 'backwards', maxCount: 1 })) return event.position;
    return undefined;
  };
  /** Until every projection's checkpoint has reached the log's head. */
  const projected = async (cache: ProjectionCache): Promise<void> => {
    const last = await head();
    await vi.waitFor(async () => {
      for (const projection of ['sessions', 'inventories', 'rosters']) {
        const checkpoint = await cache.checkpoint(projection, 1);
        expect(last === undefined || (checkpoint !== undefined && comparePositions(checkpoint, last) >= 0)).toBe(true);
      }
    });
  };

  beforeAll(async () => {
    [redis, nats] = await Promise.all([startRedisServer(), startNatsServer({ jetstream: false })]);
    store = createMemoryEventStore();
    projector = createProjectionSet({
      store,
      cache: await redisCache('projector'),
      notifier: createNatsNotifier(await natsConnection('projector')),
      projections: [createSessionsProjection(), createInventoriesProjection(), createRostersProjection()].map((projection) => ({ projection })),
      checkpointEveryMs: 0,
      retryDelayMs: 10,
    });
    await projector.start();
    await projector.whenCaughtUp();
  });

  afterAll(async () => {
    await Promise.all(readers.map((reader) => reader.close()));
    await projector?.stop();
    await Promise.all(caches.map((cache) => cache.close()));
    await Promise.all(connections.map((connection) => connection.close()));
    await store?.close();
    await Promise.all([redis?.stop(), nats?.stop()]);
  });

  it('an item moved on one host: every reader applies the diff to its L1 without reading Redis again', async () => {
    const [east, west] = await Promise.all([gameServer('east'), gameServer('west')]);
    const projectorCache = caches[0] as ProjectionCache;
    await appendEvent(store, 'item-i1', { type: 'ItemMinted', data: { templateId: 'sword', owner: 'p1' } });
    await appendEvent(store, 'item-i2', { type: 'ItemMinted', data: { templateId: 'bow', owner: 'p1' } });
    await projected(projectorCache);
    for (const reader of [east, west]) expect(await reader.inventory('p1')).toMatchObject({ version: 2 });

    await appendEvent(store, 'item-i1', { type: 'ItemTransferred', data: { from: 'p1', to: 'p2' } });
    await vi.waitFor(() => {
      for (const reader of [east, west]) expect(reader.stats().l1.diffsApplied).toBe(1);
    });
    for (const reader of [east, west]) {
      const inventory = await reader.inventory('p1');
      expect(inventory.version).toBe(3);
      expect([...inventory.items.keys()]).toEqual(['i2']);
      expect(reader.stats().l2.hits).toBe(1);
    }
  });

  it('a member joins a guild: the roster notice evicts it from every reader, the next read has the member', async () => {
    const [east, west] = readers as [ReadThroughCache, ReadThroughCache];
    await appendEvent(store, 'guild-g1', { type: 'GuildCreated', data: { name: 'Wolves', leaderId: 'p1' } });
    await projected(caches[0] as ProjectionCache);
    for (const reader of [east, west]) expect([...((await reader.roster('g1'))?.members.keys() ?? [])]).toEqual(['p1']);
    const evictions = east.stats().l1.evictions;
    await appendEvent(store, 'guild-g1', { type: 'MemberJoined', data: { playerId: 'p2', via: 'request' } });
    await vi.waitFor(() => {
      for (const reader of [east, west]) expect(reader.stats().l1.evictions).toBe(evictions + 1);
    });
    for (const reader of [east, west]) expect([...((await reader.roster('g1'))?.members.keys() ?? [])].sort()).toEqual(['p1', 'p2']);
  });

  it('nats-server restarted: readers forget their L1, since what was published meanwhile is lost', async () => {
    const [east] = readers as [ReadThroughCache];
    await east.inventory('p1');
    expect(east.stats().l1.entries).toBeGreaterThan(0);
    await nats.restart();
    await vi.waitFor(() => expect(east.stats().interruptions).toBeGreaterThanOrEqual(2), { timeout: 10_000 });
    expect(east.stats().l1.entries).toBe(0);
    await appendEvent(store, 'item-i2', { type: 'ItemTransferred', data: { from: 'p1', to: 'p3' } });
    await projected(caches[0] as ProjectionCache);
    expect(await east.inventory('p1')).toMatchObject({ version: 4, items: new Map() });
  });
});
