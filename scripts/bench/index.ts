import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { createEsdbEventStore } from '../../infra/eventstore/esdb/index.js';
import { createMemoryEventStore } from '../../infra/eventstore/memory/memory-event-store.js';
import { openSqliteEventStore, type SqliteEventStoreOptions } from '../../infra/eventstore/sqlite/index.js';
import { benchEventStores, eventStoreTable, type StoreUnderTest } from './event-store.js';

/**
 * `npm run bench`: every figure is measured beside a baseline in the same run (the
 * memory store for the event-store suite), so ratios hold on a noisy, shared machine.
 */
const program = new Command('bench')
  .description('Shardkeep benchmarks; figures are printed as a Markdown table for docs/BENCHMARKS.md.')
  .addOption(new Option('--suite <name>', 'which suite to run').choices(['event-store', 'all']).default('all'))
  .option('--appends <n>', 'appends per measured run (split across writers)', (value) => Number.parseInt(value, 10), 4_000)
  .option('--read-events <n>', 'events in the log for the read figures', (value) => Number.parseInt(value, 10), 100_000)
  .option('--repeats <n>', 'runs per figure; the median is reported', (value) => Number.parseInt(value, 10), 3)
  .addHelpText('after', '\nSet ESDB_URL to include a real EventStoreDB server in the event-store suite.')
  .parse();

const options = program.opts<{ suite: string; appends: number; readEvents: number; repeats: number }>();

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
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
