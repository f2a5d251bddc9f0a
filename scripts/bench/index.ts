import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { createEsdbEventStore } from '../../infra/eventstore/esdb/index.js';
import { createMemoryEventStore } from '../../infra/eventstore/memory/memory-event-store.js';
import { openSqliteEventStore, type SqliteEventStoreOptions } from '../../infra/eventstore/sqlite/index.js';
import { benchEventStores, eventStoreTable, type StoreUnderTest } from './event-store.js';
import { benchProjections, DEFAULT_PROJECTIONS_OPTIONS, projectionsTable } from './projections.js';
import { benchReadCache, DEFAULT_READ_CACHE_OPTIONS, readCacheTable } from './read-cache.js';
import { benchRebuild, DEFAULT_REBUILD_OPTIONS, rebuildTable } from './rebuild.js';
import { benchDeployment, DEFAULT_DEPLOYMENT_OPTIONS } from './deployment.js';
import { deploymentRunsTable, deploymentSummaryTable } from './deployment-table.js';
import { auditTable, benchAudit, DEFAULT_AUDIT_OPTIONS } from './audit.js';
import { benchSessionPool, DEFAULT_SESSION_POOL_OPTIONS, sessionPoolTable } from './session-pool.js';
import { benchRuntime } from './runtime.js';
import { benchGuildBatching, DEFAULT_GUILD_BATCHING_OPTIONS, guildBatchingTable } from './world-guild-batching.js';
import { benchTrades, DEFAULT_TRADES_OPTIONS, tradesTable } from './world-trades.js';
import { benchItemTransfers, DEFAULT_ITEM_TRANSFERS_OPTIONS, itemTransfersTable } from './world-item-transfers.js';

/**
 * `npm run bench`: every figure is measured beside a baseline in the same run (the
 * memory store for the event-store suite; an echo responder, a minimal requester, an empty
 * actor and so on for the runtime suite), so ratios hold on a noisy, shared machine.
 */
const integer = (value: string): number => Number.parseInt(value, 10);

const program = new Command('bench')
  .description('Shardkeep benchmarks; figures are printed as a Markdown table for docs/BENCHMARKS.md.')
  .addOption(new Option('--suite <name>', 'which suite to run').choices(['event-store', 'runtime', 'runtime-throughput', 'world', 'trades', 'projections', 'read-cache', 'rebuild', 'audit', 'deployment', 'all']).default('all'))
  .option('--appends <n>', 'event-store: appends per measured run (split across writers)', integer, 4_000)
  .option('--read-events <n>', 'event-store: events in the log for the read figures', integer, 100_000)
  .option('--repeats <n>', 'event-store: runs per figure; the median is reported', integer, 3)
  .option('--in-flight <n>', 'runtime: commands in flight for the throughput figures', integer, 256)
  .option('--duration <ms>', 'runtime: measured time per throughput run', integer, 5_000)
  .option('--warmup <ms>', 'runtime: unmeasured load before the throughput runs', integer, 1_000)
  .option('--rounds <n>', 'runtime: alternating rounds per throughput figure; the median is reported', integer, 3)
  .option('--actors <n>', 'runtime: distinct actors in the throughput figure', integer, 10_000)
  .option('--activation-events <n>', 'runtime: events in the stream of the activation figure', integer, 10_000)
  .option('--activation-repeats <n>', 'runtime: fresh hosts per activation figure; the median is reported', integer, 7)
  .option('--memory-actors <n>', 'runtime: idle actors for the memory figure, and the LRU bound', integer, 100_000)
  .option('--distinct-ids <n>', 'runtime: distinct actor ids sent to the LRU-bounded host', integer, 1_000_000)
  .option('--baseline <dir>', 'runtime: another checkout (the code before a change, with node_modules) whose host runs beside this one in figure 1')
  .addHelpText('after', '\nSet ESDB_URL to include a real EventStoreDB server in the event-store suite.')
  .parse();

const options = program.opts<{
  suite: string;
  appends: number;
  readEvents: number;
  repeats: number;
  inFlight: number;
  duration: number;
  warmup: number;
  rounds: number;
  actors: number;
  activationEvents: number;
  activationRepeats: number;
  memoryActors: number;
  distinctIds: number;
  baseline?: string;
}>();

const sqlite = (name: string, settings: Omit<SqliteEventStoreOptions, 'path'>): StoreUnderTest => ({
  name,
  open: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shardkeep-bench-'));
    const store = openSqliteEventStore({ ...settings, path: join(dir, 'events.sqlite') });
    return {
      store,
      dispose: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});

const eventStores = (): StoreUnderTest[] => {
  const stores: StoreUnderTest[] = [
    { name: 'memory', open: async () => { const store = createMemoryEventStore(); return { store, dispose: () => store.close() }; } },
    sqlite('sqlite full', { synchronous: 'full' }),
    sqlite('sqlite full, no group commit', { synchronous: 'full', groupCommit: false }),
    sqlite('sqlite normal', { synchronous: 'normal' }),
  ];
  const url = process.env['ESDB_URL'];
  if (url !== undefined && url !== '') {
    stores.push({ name: 'eventstoredb', open: async () => { const store = createEsdbEventStore({ connectionString: url }); return { store, dispose: () => store.close() }; } });
  }
  return stores;
};

const main = async (): Promise<void> => {
  const started = new Date();
  console.log(`shardkeep bench, ${started.toISOString()}, node ${process.version}, ${process.platform}/${process.arch}`);
  if (options.suite === 'event-store' || options.suite === 'all') {
    console.log('\n## Event store: appends and reads per adapter, beside the memory store\n');
    const figures = await benchEventStores(eventStores(), options, (line) => console.log(`  ${line}`));
    console.log(`\n${eventStoreTable(figures, 'memory')}\n`);
  }
  if (options.suite === 'runtime' || options.suite === 'runtime-throughput' || options.suite === 'all') {
    const throughputOnly = options.suite === 'runtime-throughput';
    await benchRuntime({ ...options, durationMs: options.duration, warmupMs: options.warmup, throughputOnly }, (text) => console.log(text));
  }
  if (options.suite === 'world' || options.suite === 'all') {
    // The figure of issue 4 over NATS, the host in a process of its own; then the same load
    // with everything in this process, which tells the runtime's cost from the transport's.
    for (const transport of ['nats', 'embedded'] as const) {
      const guildOptions = { ...DEFAULT_GUILD_BATCHING_OPTIONS, transport };
      const where = transport === 'nats' ? 'host in a child process over nats-server' : 'host, bus and load in one process';
      console.log(`\n## World: guild action batching, beside batching off (${where})\n`);
      const guilds = await benchGuildBatching(guildOptions, (line) => console.log(`  ${line}`));
      console.log(`\n${guildBatchingTable(guilds, guildOptions)}\n`);
    }
    console.log('\n## World: item transfers, hot and spread, SQLite beside memory\n');
    const transfers = await benchItemTransfers(DEFAULT_ITEM_TRANSFERS_OPTIONS, (line) => console.log(`  ${line}`));
    console.log(`\n${itemTransfersTable(transfers, DEFAULT_ITEM_TRANSFERS_OPTIONS)}\n`);
  }
  if (options.suite === 'trades' || options.suite === 'all') {
    console.log('\n## Trades and a hot auction, SQLite beside memory\n');
    const trades = await benchTrades(DEFAULT_TRADES_OPTIONS, (line) => console.log(`  ${line}`));
    console.log(`\n${tradesTable(trades, DEFAULT_TRADES_OPTIONS)}\n`);
  }
  if (options.suite === 'projections' || options.suite === 'all') {
    console.log('\n## Projections: throughput into Redis, beside redis-benchmark on the same server\n');
    const projections = await benchProjections(DEFAULT_PROJECTIONS_OPTIONS, (line) => console.log(`  ${line}`));
    console.log(`\n${projectionsTable(projections, DEFAULT_PROJECTIONS_OPTIONS)}\n`);
  }
  if (options.suite === 'read-cache' || options.suite === 'all') {
    console.log('\n## Read-through cache: a hot set with L1 beside without, over redis-server and nats-server\n');
    const hotSet = await benchReadCache(DEFAULT_READ_CACHE_OPTIONS, (line) => console.log(`  ${line}`));
    console.log(`\n${readCacheTable(hotSet, DEFAULT_READ_CACHE_OPTIONS)}\n`);
    console.log('\n## Read-through cache: session decoding with and without a pool of objects\n');
    const pool = await benchSessionPool(DEFAULT_SESSION_POOL_OPTIONS, (line) => console.log(`  ${line}`));
    console.log(`\n${sessionPoolTable(pool, DEFAULT_SESSION_POOL_OPTIONS)}\n`);
  }
  if (options.suite === 'rebuild' || options.suite === 'all') {
    console.log('\n## Projections: rebuild of 1,000,000 events\n');
    const rebuild = await benchRebuild(DEFAULT_REBUILD_OPTIONS, (line) => console.log(`  ${line}`));
    console.log(`\n${rebuildTable(rebuild)}\n`);
  }
  if (options.suite === 'audit' || options.suite === 'all') {
    console.log('\n## Economy audit: 1,000,000 events, speed and peak memory, beside reading the log alone\n');
    const audit = await benchAudit(DEFAULT_AUDIT_OPTIONS, (line) => console.log(`  ${line}`));
    console.log(`\n${auditTable(audit, DEFAULT_AUDIT_OPTIONS)}\n`);
  }
  if (options.suite === 'deployment' || options.suite === 'all') {
    console.log('\n## Deployments: the load generator against embedded, one host and two hosts over NATS and Redis\n');
    const setups = await benchDeployment(DEFAULT_DEPLOYMENT_OPTIONS, (line) => console.log(`  ${line}`));
    console.log(`\n${deploymentSummaryTable(setups, DEFAULT_DEPLOYMENT_OPTIONS)}\n\n${deploymentRunsTable(setups, DEFAULT_DEPLOYMENT_OPTIONS)}\n`);
  }
  console.log(`\ndone in ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s`);
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
