import { performance } from 'node:perf_hooks';
import type { EventStore } from '../../events/store/index.js';
import { worldCodec, type WorldEvent } from '../../events/world.js';
import { createMemoryEventStore } from '../../infra/eventstore/memory/memory-event-store.js';
import { connectNats, createNatsNotifier, createNatsSubscriber, type NatsConnection } from '../../infra/nats/index.js';
import { connectRedis, createRedisProjectionCache } from '../../infra/redis/index.js';
import { createInventoriesProjection } from '../../projections/inventories/index.js';
import { createReadThroughCache, type ReadCacheL2, type ReadCacheLog, type ReadCacheStats } from '../../projections/read-cache/index.js';
import { createProjectionRunner, type ProjectionCache } from '../../projections/runner/index.js';
import { percentile } from './measure.js';
import { startBenchNatsServer } from './nats-server.js';
import { startBenchRedisServer } from './redis-server.js';
import { seededRandom } from '../simulation/random.js';
import { zipfSampler } from './zipf.js';

/**
 * The read-through cache on a hot set: game servers read inventories of 1,000 players,
 * Zipf-distributed, from a redis-server filled by the real inventories projection, while
 * items keep changing hands (the runner commits them and publishes diffs on a real
 * nats-server). Two readers in the same process take turns, round by round: one with L1,
 * one without (every read is a Redis read). Reads below L1 are counted at the ports.
 */
export interface ReadCacheBenchOptions {
  readonly players: number;
  readonly itemsPerPlayer: number;
  readonly readsPerRound: number;
  readonly rounds: number;
  readonly zipfExponent: number;
  /** Item transfers appended per second while the readers run. */
  readonly transfersPerSecond: number;
  readonly l1: { readonly max: number; readonly ttlMs: number };
  readonly seed: number;
}

export const DEFAULT_READ_CACHE_OPTIONS: ReadCacheBenchOptions = {
  players: 1_000,
  itemsPerPlayer: 20,
  readsPerRound: 50_000,
  rounds: 3,
  zipfExponent: 1,
  transfersPerSecond: 100,
  l1: { max: 10_000, ttlMs: 60_000 },
  seed: 20261124,
};

export interface ReaderFigures {
  readonly reads: number;
  /** Reads that went to Redis (L2) or the log (L3). */
  readonly below: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly stats: ReadCacheStats;
}

export interface ReadCacheFigures {
  readonly withL1: ReaderFigures;
  readonly withoutL1: ReaderFigures;
  readonly transfers: number;
}

const YIELD_EVERY = 64;
const playerId = (index: number): string => `p${index}`;
const at = new Date(Date.UTC(2026, 10, 24, 21, 4));

const append = async (store: EventStore, stream: string, event: WorldEvent): Promise<void> => {
  const id = crypto.randomUUID();
  await store.append(stream, [worldCodec.encode(event, { eventId: id, correlationId: id, occurredAt: at })], { expectedRevision: 'any' });
};

/** A port wrapper that counts what crosses it. */
const countingL2 = (cache: ProjectionCache, count: { reads: number }): ReadCacheL2 => ({
  activeVersion: (projection) => cache.activeVersion(projection),
  checkpoint: (projection, version) => cache.checkpoint(projection, version),
  read: (projection, version, reads) => {
    count.reads += 1;
    return cache.read(projection, version, reads);
  },
});
const countingLog = (store: EventStore, count: { reads: number }): ReadCacheLog => ({
  read: (stream, options) => {
    count.reads += 1;
    return store.read(stream, options);
  },
  readAll: (options) => {
    // The head lookup of the lag check is not a read of a value.
    if (!(options?.direction === 'backwards' && options.maxCount === 1)) count.reads += 1;
    return store.readAll(options);
  },
});

export const benchReadCache = async (options: ReadCacheBenchOptions, report: (line: string) => void): Promise<ReadCacheFigures> => {
  const random = seededRandom(options.seed);
  const hot = zipfSampler(options.players, options.zipfExponent, random);
  const store = createMemoryEventStore();
  /** Item id → owner index, and each player's items, for transfers of items the owner holds. */
  const held: string[][] = Array.from({ length: options.players }, () => []);
  report(`minting ${options.players * options.itemsPerPlayer} items for ${options.players} players`);
  for (let player = 0; player < options.players; player += 1) {
    for (let item = 0; item < options.itemsPerPlayer; item += 1) {
      const itemId = `${playerId(player)}-${item}`;
      await append(store, `item-${itemId}`, { type: 'ItemMinted', data: { templateId: `t${item % 7}`, owner: playerId(player) } });
      held[player]?.push(itemId);
    }
  }
  const [redisServer, natsServer] = await Promise.all([startBenchRedisServer(), startBenchNatsServer()]);
  report(`redis-server pid ${redisServer.pid} (${redisServer.url}), nats-server pid ${natsServer.pid} (${natsServer.url})`);
  const closers: (() => Promise<unknown>)[] = [];
  const nats = async (name: string): Promise<NatsConnection> => {
    const connection = await connectNats({ servers: natsServer.url, name });
    closers.push(() => connection.close());
    return connection;
  };
  const redisCache = async (name: string): Promise<ProjectionCache> => {
    const cache = createRedisProjectionCache(await connectRedis(redisServer.url, { name }));
    closers.push(() => cache.close());
    return cache;
  };
  let writer: ReturnType<typeof setInterval> | undefined;
  try {
    const runner = createProjectionRunner({
      store,
      cache: await redisCache('projector'),
      notifier: createNatsNotifier(await nats('projector')),
      projection: createInventoriesProjection(),
      version: 1,
    });
    runner.start();
    closers.unshift(() => runner.stop());
    await runner.whenCaughtUp();
    report(`projected: ${runner.stats().eventsProjected} events into Redis`);

    const reader = async (name: string, l1: { max: number; ttlMs: number }) => {
      const below = { reads: 0 };
      const cache = createReadThroughCache({
        cache: countingL2(await redisCache(name), below),
        log: countingLog(store, below),
        subscriber: createNatsSubscriber(await nats(name)),
        l1,
      });
      closers.unshift(() => cache.close());
      await cache.ready();
      return { name, cache, below, latencies: [] as number[] };
    };
    const withL1 = await reader('with-l1', options.l1);
    const withoutL1 = await reader('without-l1', { max: 0, ttlMs: options.l1.ttlMs });

    let transfers = 0;
    const transfer = (): void => {
      const from = hot();
      const to = hot();
      const items = held[from];
      if (from === to || items === undefined || items.length === 0) return;
      const itemId = items.splice(Math.floor(random() * items.length), 1)[0] ?? '';
      held[to]?.push(itemId);
      transfers += 1;
      void append(store, `item-${itemId}`, { type: 'ItemTransferred', data: { from: playerId(from), to: playerId(to) } });
    };
    writer = setInterval(() => {
      for (let count = 0; count < Math.max(1, options.transfersPerSecond / 100); count += 1) transfer();
    }, Math.max(1, Math.round(1_000 / Math.min(100, options.transfersPerSecond))));

    const round = async (current: typeof withL1): Promise<void> => {
      for (let read = 0; read < options.readsPerRound; read += 1) {
        const id = playerId(hot());
        const started = performance.now();
        await current.cache.inventory(id);
        current.latencies.push(performance.now() - started);
        // A game server does other work between reads: let timers and sockets run.
        if (read % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((resolve) => setImmediate(resolve));
      }
    };
    for (let index = 0; index < options.rounds; index += 1) {
      for (const current of index % 2 === 0 ? [withL1, withoutL1] : [withoutL1, withL1]) {
        const started = performance.now();
        await round(current);
        report(`round ${index + 1} ${current.name}: ${options.readsPerRound} reads in ${((performance.now() - started) / 1000).toFixed(2)} s, ${current.below.reads} below L1 so far`);
      }
    }
    clearInterval(writer);
    writer = undefined;

    const figures = (current: typeof withL1): ReaderFigures => {
      const sorted = [...current.latencies].sort((a, b) => a - b);
      return {
        reads: current.latencies.length,
        below: current.below.reads,
        p50Us: percentile(sorted, 0.5) * 1000,
        p99Us: percentile(sorted, 0.99) * 1000,
        stats: current.cache.stats(),
      };
    };
    return { withL1: figures(withL1), withoutL1: figures(withoutL1), transfers };
  } finally {
    if (writer !== undefined) clearInterval(writer);
    for (const close of closers) await close().catch(() => undefined);
    await Promise.all([redisServer.stop(), natsServer.stop()]);
    await store.close();
  }
};

export const readCacheTable = (figures: ReadCacheFigures, options: ReadCacheBenchOptions): string => {
  const { withL1, withoutL1 } = figures;
  const avoided = (reader: ReaderFigures): string => `${((1 - reader.below / reader.reads) * 100).toFixed(2)}%`;
  const row = (name: string, reader: ReaderFigures): string =>
    `| ${name} | ${reader.reads} | ${reader.below} | ${avoided(reader)} | ${reader.p50Us.toFixed(1)} | ${reader.p99Us.toFixed(1)} |`;
  const l1 = withL1.stats.l1;
  return [
    `${options.players} players × ${options.itemsPerPlayer} items in redis-server (the inventories projection), Zipf reads (exponent ${options.zipfExponent}); ` +
      `${options.rounds} alternating rounds of ${options.readsPerRound} reads per reader, one read at a time, yielding to the event loop every ${YIELD_EVERY}; ` +
      `${figures.transfers} item transfers committed and published as diffs on nats-server meanwhile (${options.transfersPerSecond}/s). ` +
      `L1: max ${options.l1.max}, TTL ${options.l1.ttlMs / 1000} s.`,
    '',
    '| reader | reads | L2/L3 reads | reads avoided | p50 µs | p99 µs |',
    '|---|---:|---:|---:|---:|---:|',
    row('without L1', withoutL1),
    row('with L1', withL1),
    '',
    `p50 ${((1 - withL1.p50Us / withoutL1.p50Us) * 100).toFixed(1)}% lower with L1; ` +
      `L1: ${l1.hits} hits, ${l1.misses} misses, ${l1.diffsApplied} diffs applied, ${l1.evictions} evictions; ` +
      `L3 reads ${withL1.stats.l3.hits + withL1.stats.l3.misses}.`,
  ].join('\n');
};
