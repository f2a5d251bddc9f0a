import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestTransport } from '../../actors/runtime/bus.js';
import { parseConfig } from '../../infra/config.js';
import { connectNats, createNatsRequestTransport } from '../../infra/nats/index.js';
import { startDeployment } from '../../infra/world/deployment.js';
import { startHostProcess, type HostCounters, type HostProcess } from './deployment-hosts.js';
import { runLoad, type LoadRunResult, type LoadShape, type SetupFigures } from './deployment-load.js';
import { describeRun, isOverloaded, isSustained } from './deployment-table.js';
import { startBenchNatsServer } from './nats-server.js';
import { startBenchRedisServer } from './redis-server.js';

/**
 * Issue 8's figure: the load generator's simulated world against whole deployments on
 * this machine, and the highest offered rate each sustains with p99 below 10 ms.
 *   embedded  - `npm start`'s default built in this process (SQLite, in-process bus and
 *               cache) with the load in the same process, as `npm start` simulates; once
 *               more with `SHARDKEEP_SQLITE_SYNC=normal`, the disk's share of its p99;
 *   1 host    - `scripts/start.ts` in a child process over a nats-server and a
 *               redis-server this bench starts, the load from this process over NATS;
 *   2 hosts   - two such processes on the same NATS, Redis and SQLite file.
 * Each climbs a ladder of offered rates (open loop) until rungs miss the goal, then runs
 * closed loops (players acting back to back) for the peak.
 */
export interface DeploymentBenchOptions {
  readonly players: number;
  readonly itemsPerPlayer: number;
  /** Offered actions per second, climbed until two in a row miss the goal. */
  readonly ladder: readonly number[];
  /** Players acting back to back, for the closed-loop peak. */
  readonly concurrencies: readonly number[];
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly p99GoalMs: number;
}

export const DEFAULT_DEPLOYMENT_OPTIONS: DeploymentBenchOptions = {
  players: 200,
  itemsPerPlayer: 5,
  ladder: [50, 100, 200, 400, 700, 1_000, 1_500, 2_000, 3_000],
  concurrencies: [16, 64],
  warmupMs: 2_000,
  durationMs: 6_000,
  p99GoalMs: 10,
};

let tags = 0;
const runTag = (): string => `b${Date.now().toString(36)}${(tags += 1).toString(36)}`;

const climb = async (
  setup: string,
  transport: RequestTransport,
  hostCounters: () => Promise<HostCounters>,
  options: DeploymentBenchOptions,
  log: (line: string) => void,
): Promise<SetupFigures> => {
  const runs: LoadRunResult[] = [];
  const run = async (shape: LoadShape): Promise<LoadRunResult> => {
    const result = await runLoad({ transport, shape, hostCounters, ...options, runTag: runTag() });
    log(`${setup}: ${describeRun(result, options)}`);
    runs.push(result);
    return result;
  };
  // One rung can miss by the machine's noise alone; two misses in a row, or one far past
  // the goal, end the climb.
  let missesInARow = 0;
  for (const actionsPerSecond of options.ladder) {
    const result = await run({ kind: 'rate', actionsPerSecond });
    missesInARow = isSustained(result, options) ? 0 : missesInARow + 1;
    if (missesInARow === 2 || isOverloaded(result, options)) break;
  }
  for (const players of options.concurrencies) await run({ kind: 'concurrency', players });
  return { setup, runs };
};

const tempDir = (name: string): string => mkdtempSync(join(tmpdir(), `shardkeep-bench-${name}-`));

/**
 * `npm start`'s embedded default, built from the same parsed configuration, in this
 * process. `synchronous=normal` is the baseline beside it: better-sqlite3 commits on the
 * event loop, so every fsync of `full` (the default) stalls each command in the process,
 * and the difference between the two is the disk's share of the latency.
 */
const benchEmbedded = async (
  sync: 'full' | 'normal',
  options: DeploymentBenchOptions,
  log: (line: string) => void,
): Promise<SetupFigures> => {
  const dir = tempDir('embedded');
  const setup = sync === 'full' ? 'embedded' : 'embedded, SQLite synchronous=normal';
  let errors = 0;
  const config = parseConfig({
    SHARDKEEP_DATA_DIR: dir,
    SHARDKEEP_SQLITE_SYNC: sync,
    SHARDKEEP_SIMULATE: 'off',
    SHARDKEEP_HTTP_PORT: 'off',
    SHARDKEEP_LOG_LEVEL: 'warn',
    // Capacity, not abuse: 200 simulated players at thousands of actions/s each pass any per-player budget.
    SHARDKEEP_RATE_LIMIT: 'off',
    SHARDKEEP_RATE_LIMIT_KINDS: 'none',
  });
  const deployment = await startDeployment(config, (error, context) => {
    errors += 1;
    if (errors <= 5) log(`${setup}: error in ${context}: ${error instanceof Error ? error.message : String(error)}`);
  });
  try {
    const counters = async (): Promise<HostCounters> => deployment.node.host.stats();
    // The baseline answers one question, the disk's share of the p99: its ladder is enough.
    return await climb(setup, deployment.transport, counters, sync === 'full' ? options : { ...options, concurrencies: [] }, log);
  } finally {
    await deployment.drain();
    await deployment.close();
    rmSync(dir, { recursive: true, force: true });
  }
};

/** One host, then two, as processes of their own over real servers; the load over NATS from this process. */
const benchOverServers = async (options: DeploymentBenchOptions, log: (line: string) => void): Promise<SetupFigures[]> => {
  const [nats, redis] = await Promise.all([startBenchNatsServer(), startBenchRedisServer()]);
  const dir = tempDir('hosts');
  const environment = {
    NATS_URL: nats.url,
    REDIS_URL: redis.url,
    SHARDKEEP_DATA_DIR: dir,
    SHARDKEEP_SIMULATE: 'off',
    SHARDKEEP_HTTP_PORT: '0',
    SHARDKEEP_LOG_LEVEL: 'warn',
  };
  const connection = await connectNats({ servers: [nats.url], name: 'shardkeep-bench-loadgen' });
  const transport = createNatsRequestTransport(connection);
  const hosts: HostProcess[] = [];
  const withHosts = async (count: number): Promise<SetupFigures> => {
    hosts.push(...(await Promise.all(Array.from({ length: count }, () => startHostProcess(environment)))));
    log(`${count} host${count === 1 ? '' : 's'}: pid ${hosts.map((host) => host.pid).join(', ')} (nats-server ${nats.pid}, redis-server ${redis.pid})`);
    try {
      const counters = async (): Promise<HostCounters> => {
        const each = await Promise.all(hosts.map((host) => host.counters()));
        return { conflicts: each.reduce((sum, one) => sum + one.conflicts, 0), activations: each.reduce((sum, one) => sum + one.activations, 0) };
      };
      return await climb(`${count} host${count === 1 ? '' : 's'}, NATS + Redis`, transport, counters, options, log);
    } finally {
      await Promise.all(hosts.splice(0).map((host) => host.stop()));
    }
  };
  try {
    return [await withHosts(1), await withHosts(2)];
  } finally {
    await Promise.all(hosts.splice(0).map((host) => host.stop()));
    await transport.close();
    await connection.drain();
    await Promise.all([nats.stop(), redis.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
};

export const benchDeployment = async (options: DeploymentBenchOptions, log: (line: string) => void): Promise<SetupFigures[]> => {
  const embedded = await benchEmbedded('full', options, log);
  const baseline = await benchEmbedded('normal', options, log);
  return [embedded, baseline, ...(await benchOverServers(options, log))];
};
