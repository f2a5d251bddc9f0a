import { performance } from 'node:perf_hooks';
import type { EventStore } from '../../events/store/index.js';
import { worldCodec } from '../../events/world.js';
import { createEmbeddedProjectionCache } from '../../infra/cache/index.js';
import { createMemoryEventStore } from '../../infra/eventstore/memory/memory-event-store.js';
import { connectRedis, createRedisProjectionCache, type RedisConnection } from '../../infra/redis/index.js';
import { createProjectionRunner, type CacheWrite, type Projection, type ProjectionCache } from '../../projections/runner/index.js';
import { median } from './measure.js';
import { redisBenchmarkSetRate, startBenchRedisServer } from './redis-server.js';

/**
 * Projection throughput into Redis, beside `redis-benchmark -q -P 16 -t set` on the same
 * redis-server in the same run. The log is in memory (the store costs next to nothing),
 * and the projection is a stand-in for the real ones: one SET and one HSET per event, no
 * reads. Commands are counted by the server itself (INFO commandstats), so the figure
 * includes the runner's own per batch: WATCH and GET of the checkpoint, MULTI, EXEC and
 * the checkpoint's SET. The same runner into the embedded cache shows its own ceiling.
 */
export interface ProjectionsBenchOptions {
  readonly events: number;
  readonly streams: number;
  readonly batchSize: number;
  readonly rounds: number;
  readonly benchmarkRequests: number;
}

export const DEFAULT_PROJECTIONS_OPTIONS: ProjectionsBenchOptions = {
  events: 200_000,
  streams: 10_000,
  batchSize: 500,
  rounds: 3,
  benchmarkRequests: 200_000,
};

export interface ProjectionRound {
  readonly seconds: number;
  readonly commands: number;
  readonly batches: number;
}

export interface ProjectionsFigures {
  readonly redis: readonly ProjectionRound[];
  readonly embedded: readonly ProjectionRound[];
  /** redis-benchmark's SET/s before and after the projection rounds. */
  readonly benchmarkSetRates: readonly [number, number];
}

const encoder = new TextEncoder();
const formatCount = (value: number): string => Math.round(value).toLocaleString('en-US');

/** One SET and one HSET per event: the shape of a session or an inventory write, without reads. */
const benchProjection: Projection = {
  name: 'bench',
  reads: () => [],
  project: (events) => {
    const writes: CacheWrite[] = [];
    for (const event of events) {
      const zone = event.type === 'ZoneChanged' ? event.data.to : event.type;
      writes.push({ op: 'set', key: `zone:${event.stream}`, value: encoder.encode(zone) });
      writes.push({ op: 'hashSet', key: `visits:${event.stream}`, fields: new Map([[zone, encoder.encode(event.revision.toString())]]) });
    }
    return { writes, notifications: [] };
  },
};

const fillLog = async (options: ProjectionsBenchOptions): Promise<EventStore> => {
  const store = createMemoryEventStore();
  const perStream = Math.ceil(options.events / options.streams);
  let written = 0;
  for (let stream = 0; written < options.events; stream += 1) {
    const count = Math.min(perStream, options.events - written);
    const events = Array.from({ length: count }, (_, index) =>
      worldCodec.encode(
        { type: 'ZoneChanged', data: { from: null, to: `zone-${index % 17}` } },
        { eventId: crypto.randomUUID(), correlationId: `bench-${stream}`, occurredAt: new Date(Date.UTC(2026, 0, 1)) },
      ),
    );
    await store.append(`player-p${stream}`, events, { expectedRevision: 'no_stream' });
    written += count;
  }
  return store;
};

/** Calls the server executed, every command but INFO itself. */
const commandsExecuted = async (admin: RedisConnection): Promise<number> => {
  const stats = await admin.info('commandstats');
  let calls = 0;
  for (const match of stats.matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)) {
    if (match[1] !== 'info') calls += Number(match[2]);
  }
  return calls;
};

const projectOnce = async (store: EventStore, cache: ProjectionCache, version: number, batchSize: number): Promise<{ seconds: number; batches: number }> => {
  const runner = createProjectionRunner({
    store,
    cache,
    notifier: { publish: async () => undefined },
    projection: benchProjection,
    version,
    batchSize,
    activateWhenCaughtUp: false,
    onError: (error) => {
      throw error;
    },
  });
  const started = performance.now();
  runner.start();
  await runner.whenCaughtUp();
  const seconds = (performance.now() - started) / 1000;
  const { batchesCommitted } = runner.stats();
  await runner.stop();
  return { seconds, batches: batchesCommitted };
};

export const benchProjections = async (options: ProjectionsBenchOptions, report: (line: string) => void): Promise<ProjectionsFigures> => {
  report(`filling a memory log with ${formatCount(options.events)} events over ${formatCount(options.streams)} streams`);
  const store = await fillLog(options);
  const server = await startBenchRedisServer();
  report(`redis-server pid ${server.pid} on port ${server.port}`);
  const connection = await connectRedis(server.url, { name: 'bench-runner' });
  const admin = await connectRedis(server.url, { name: 'bench-admin' });
  try {
    const before = await redisBenchmarkSetRate(server.port, options.benchmarkRequests);
    report(`redis-benchmark -P 16 SET: ${Math.round(before)}/s`);
    const redis: ProjectionRound[] = [];
    const embedded: ProjectionRound[] = [];
    for (let round = 0; round < options.rounds; round += 1) {
      const commandsBefore = await commandsExecuted(admin);
      const cache = createRedisProjectionCache(connection, { closeConnection: false });
      const run = await projectOnce(store, cache, round + 1, options.batchSize);
      const commands = (await commandsExecuted(admin)) - commandsBefore;
      await cache.dropVersion('bench', round + 1);
      redis.push({ ...run, commands });
      report(`redis round ${round + 1}: ${Math.round(options.events / run.seconds)} events/s, ${Math.round(commands / run.seconds)} commands/s, ${run.batches} batches`);
      const reference = await projectOnce(store, createEmbeddedProjectionCache(), 1, options.batchSize);
      embedded.push({ ...reference, commands: 0 });
      report(`embedded round ${round + 1}: ${Math.round(options.events / reference.seconds)} events/s`);
    }
    const after = await redisBenchmarkSetRate(server.port, options.benchmarkRequests);
    report(`redis-benchmark -P 16 SET: ${Math.round(after)}/s`);
    return { redis, embedded, benchmarkSetRates: [before, after] };
  } finally {
    await connection.quit();
    await admin.quit();
    await server.stop();
    await store.close();
  }
};

export const projectionsTable = (figures: ProjectionsFigures, options: ProjectionsBenchOptions): string => {
  const eventsPerSecond = (rounds: readonly ProjectionRound[]): number => median(rounds.map((round) => options.events / round.seconds));
  const commandsPerSecond = median(figures.redis.map((round) => round.commands / round.seconds));
  const commandsPerEvent = median(figures.redis.map((round) => round.commands / options.events));
  const [before, after] = figures.benchmarkSetRates;
  const benchmark = (before + after) / 2;
  return [
    `${formatCount(options.events)} events over ${formatCount(options.streams)} streams in a memory log; a projection writing one SET and ` +
      `one HSET per event (no reads); batches of ${options.batchSize}; one runner on one connection, its commits one MULTI/EXEC at a time. ` +
      `Medians of ${options.rounds} rounds, each into a fresh key version. redis-benchmark: -q -P 16 -t set -n ${formatCount(options.benchmarkRequests)} ` +
      '(50 clients) on the same redis-server, before and after the rounds.',
    '',
    '| what | events/s | Redis commands/s | commands per event | vs redis-benchmark SET/s |',
    '|---|---:|---:|---:|---:|',
    `| runner into Redis | ${Math.round(eventsPerSecond(figures.redis))} | ${Math.round(commandsPerSecond)} | ${commandsPerEvent.toFixed(3)} | ${(commandsPerSecond / benchmark).toFixed(3)} |`,
    `| redis-benchmark SET, -P 16 (before / after) | | ${Math.round(before)} / ${Math.round(after)} | | 1 |`,
    `| runner into the embedded cache | ${Math.round(eventsPerSecond(figures.embedded))} | | | |`,
  ].join('\n');
};
