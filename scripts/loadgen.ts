import { Command, InvalidArgumentError, Option } from 'commander';
import { connectNats, createNatsRequestTransport, serverInboxPrefix } from '../infra/nats/index.js';
import { createWorldSimulation } from './simulation/world-simulation.js';
import { summarise, type LatencySummary } from './loadgen/latencies.js';

/**
 * The load generator: a simulated world of players driving a running deployment over
 * NATS, at a rate (open loop) or a concurrency (closed loop), for a duration; prints
 * throughput, latency percentiles and every refusal by code.
 */
const positiveInt = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new InvalidArgumentError('must be a whole number above 0');
  return parsed;
};

const program = new Command('shardkeep-loadgen')
  .description('Drive a running Shardkeep deployment over NATS with simulated players and report what it sustains.')
  .option('--nats-url <url>', 'NATS server(s), comma separated', 'nats://127.0.0.1:4222')
  .option('--user <user>', 'NATS user (a game-server credential: the load sends as players and as a server)')
  .option('--password <password>', 'NATS password')
  .option('--players <n>', 'simulated players', positiveInt, 200)
  .option('--items <n>', 'starting items per player', positiveInt, 5)
  .addOption(new Option('--rate <actions/s>', 'actions started per second (open loop)').argParser(positiveInt).conflicts('concurrency'))
  .addOption(new Option('--concurrency <n>', 'players acting back to back (closed loop)').argParser(positiveInt))
  .option('--duration <seconds>', 'how long to run', positiveInt, 10)
  .option('--seed <n>', 'random seed (the same seed plays the same world)', positiveInt, 1)
  .option('--json', 'print the result as JSON')
  .parse();

interface Flags {
  natsUrl: string;
  user?: string;
  password?: string;
  players: number;
  items: number;
  rate?: number;
  concurrency?: number;
  duration: number;
  seed: number;
  json?: boolean;
}

export interface LoadResult {
  readonly seconds: number;
  readonly commands: number;
  readonly commandsPerSecond: number;
  readonly actions: number;
  readonly latency: LatencySummary;
  readonly outcomes: Readonly<Record<string, number>>;
  readonly tradesAgreed: number;
  readonly bidsPlaced: number;
}

const main = async (): Promise<void> => {
  const flags = program.opts<Flags>();
  // A game server's replies come back under its own inbox prefix, the one the shipped
  // authorization lets that credential subscribe to (README.md, "Security").
  const inboxPrefix = flags.user === undefined ? undefined : serverInboxPrefix(flags.user);
  const connection = await connectNats({
    servers: flags.natsUrl.split(',').map((server) => server.trim()),
    name: 'shardkeep-loadgen',
    ...(inboxPrefix === undefined ? {} : { inboxPrefix }),
    ...(flags.user === undefined || flags.password === undefined ? {} : { user: flags.user, pass: flags.password }),
  });
  const transport = createNatsRequestTransport(connection, inboxPrefix === undefined ? {} : { inboxPrefix });
  const latencies: number[] = [];
  let measuring = false;
  const simulation = createWorldSimulation({
    transport,
    players: flags.players,
    itemsPerPlayer: flags.items,
    actionsPerSecond: flags.rate ?? 500,
    ...(flags.concurrency === undefined ? {} : { concurrency: flags.concurrency }),
    maxInFlight: 10_000,
    seed: flags.seed,
    runTag: `lg${Date.now().toString(36)}`,
    onReply: (ms) => {
      if (measuring) latencies.push(ms);
    },
  });
  if (flags.json !== true) console.error(`loadgen: seeding ${flags.players} players over ${flags.natsUrl}`);
  await simulation.start();
  const before = simulation.stats();
  measuring = true;
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, flags.duration * 1000));
  measuring = false;
  const seconds = (performance.now() - started) / 1000;
  await simulation.stop();
  const after = simulation.stats();
  await transport.close();
  await connection.drain();

  const outcomes: Record<string, number> = {};
  for (const [code, count] of Object.entries(after.outcomes)) {
    const during = count - (before.outcomes[code] ?? 0);
    if (during > 0) outcomes[code] = during;
  }
  const result: LoadResult = {
    seconds,
    commands: latencies.length,
    commandsPerSecond: latencies.length / seconds,
    actions: after.actions - before.actions,
    latency: summarise(latencies),
    outcomes,
    tradesAgreed: after.tradesAgreed - before.tradesAgreed,
    bidsPlaced: after.bidsPlaced - before.bidsPlaced,
  };
  if (flags.json === true) {
    console.log(JSON.stringify(result));
    return;
  }
  const { latency } = result;
  console.log(`commands      ${result.commands.toLocaleString('en-US')} in ${seconds.toFixed(1)} s: ${result.commandsPerSecond.toFixed(0)}/s`);
  console.log(`latency ms    p50 ${latency.p50.toFixed(2)}  p90 ${latency.p90.toFixed(2)}  p99 ${latency.p99.toFixed(2)}  p99.9 ${latency.p999.toFixed(2)}  max ${latency.max.toFixed(2)}`);
  console.log(`outcomes      ${Object.entries(outcomes).map(([code, count]) => `${code} ${count}`).join(', ')}`);
  console.log(`world         ${result.actions} actions, ${result.tradesAgreed} trades agreed, ${result.bidsPlaced} bids placed`);
};

main().catch((error: unknown) => {
  console.error('loadgen: failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
