/**
 * One world node in a process of its own, for the chaos tests: the SQLite log on a file
 * other processes share, NATS for commands and for the trade queue's own steps, every
 * actor and a trade queue (`startWorldNode`). Prints `ready` once it serves and its trade
 * queue has caught up with the log; prints each error the node reports to stderr as one
 * `error <context>: <message>` line. SIGTERM drains it and exits 0; the tests usually
 * end it with SIGKILL instead, which no handler sees. SIGUSR2 prints one
 * `memory heapUsed=<bytes> heapTotal=<bytes> rss=<bytes>` line.
 *
 *   node --import tsx test/support/world/world-host-process.ts <sqlite file> <nats url> <server id>
 *        [--stale-after-ms N] [--user U --pass P] [--snapshots]
 *        [--rate-limits]
 *
 * `--rate-limits` turns on `npm start`'s default rate limits, read by its own configuration
 * parser.
 */
import { parseArgs } from 'node:util';
import { createEventStoreSnapshots } from '../../../actors/runtime/snapshots.js';
import { openSqliteEventStore } from '../../../infra/eventstore/sqlite/index.js';
import { connectNats, createNatsRequestBus, createNatsRequestTransport } from '../../../infra/nats/index.js';
import { startWorldNode } from '../../../infra/world/world-node.js';
import { parseConfig } from '../../../infra/config.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    'stale-after-ms': { type: 'string', default: '500' },
    user: { type: 'string', default: 'host' },
    pass: { type: 'string', default: 'host' },
    snapshots: { type: 'boolean', default: false },
    'rate-limits': { type: 'boolean', default: false },
  },
});
const [file, url, serverId] = positionals;
if (file === undefined || url === undefined || serverId === undefined) {
  throw new Error('usage: world-host-process.ts <sqlite file> <nats url> <server id> [options]');
}

const rateLimits = values['rate-limits'] ? parseConfig({}).rateLimits : undefined;

const describe = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

const store = openSqliteEventStore({ path: file, pollIntervalMs: 20 });
const connection = await connectNats({ servers: url, user: values.user, pass: values.pass, name: serverId });
const node = await startWorldNode({
  bus: createNatsRequestBus(connection),
  transport: createNatsRequestTransport(connection),
  store,
  ...(values.snapshots ? { snapshots: createEventStoreSnapshots(store) } : {}),
  ...(rateLimits === undefined ? {} : { rateLimits }),
  world: { guildBatchWindowMs: 0 },
  processManager: { staleAfterMs: Number(values['stale-after-ms']), tickMs: 100, maxBackoffMs: 500 },
  serverId,
  onError: (error, context) => process.stderr.write(`error ${context}: ${describe(error)}\n`),
});
process.stdout.write('ready\n');

// SIGUSR2 asks for the heap: the hostile-input scenario samples it while it runs.
process.on('SIGUSR2', () => {
  const { heapUsed, heapTotal, rss } = process.memoryUsage();
  process.stdout.write(`memory heapUsed=${heapUsed} heapTotal=${heapTotal} rss=${rss}\n`);
});

process.once('SIGTERM', () => {
  void (async () => {
    await node.stop();
    await connection.close();
    await store.close();
    process.stdout.write('stopped\n');
    process.exit(0);
  })();
});
