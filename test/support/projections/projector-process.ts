/**
 * A projector in a process of its own, for the kill tests (figure 10): the counting
 * projection over a SQLite log file into Redis, key version 1. Prints `ready` once it
 * follows the log and `caught-up` when it reached the head; failures it recovers from go
 * to stderr as `error <context>: <message>`. The tests end it with SIGKILL, which no
 * handler sees; SIGTERM stops it cleanly.
 *
 *   node --import tsx test/support/projections/projector-process.ts <sqlite file> <redis url> [--batch-size N]
 */
import { parseArgs } from 'node:util';
import { openSqliteEventStore } from '../../../infra/eventstore/sqlite/index.js';
import { connectRedis, createRedisProjectionCache } from '../../../infra/redis/index.js';
import { createProjectionRunner } from '../../../projections/runner/index.js';
import { countingProjection } from './counting-projection.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { 'batch-size': { type: 'string', default: '20' } },
});
const [file, url] = positionals;
if (file === undefined || url === undefined) throw new Error('usage: projector-process.ts <sqlite file> <redis url> [--batch-size N]');

const describe = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

const store = openSqliteEventStore({ path: file, pollIntervalMs: 20 });
const cache = createRedisProjectionCache(await connectRedis(url, { name: 'projector' }));
const runner = createProjectionRunner({
  store,
  cache,
  // The counting projection's notifications are not what this process is about.
  notifier: { publish: async () => undefined },
  projection: countingProjection(),
  version: 1,
  batchSize: Number(values['batch-size']),
  onError: (error, context) => process.stderr.write(`error ${context}: ${describe(error)}\n`),
});
runner.start();
process.stdout.write('ready\n');
runner.whenCaughtUp().then(
  () => process.stdout.write('caught-up\n'),
  () => undefined,
);

process.once('SIGTERM', () => {
  void (async () => {
    await runner.stop();
    await cache.close();
    await store.close();
    process.exit(0);
  })();
});
