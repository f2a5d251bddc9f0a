import { Command } from 'commander';
import type { EventStore } from '../events/store/index.js';
import { worldCodec } from '../events/world.js';
import { ConfigError, parseConfig, SETTING_NAMES, type Config } from '../infra/config.js';
import { readConfigFile } from '../infra/config-file.js';
import { consoleRoutes } from '../infra/console/console-routes.js';
import { metricsRoute, startHttpServer, type HttpServer } from '../infra/http/http-server.js';
import { worldActors } from '../infra/world/world-node.js';
import { createLogger, errorReporter } from '../infra/logging/logger.js';
import { startDeployment, type Deployment } from '../infra/world/deployment.js';
import { auditEvents, type WorldAuditReport } from '../projections/audit/world-audit.js';
import { createWorldSimulation, type WorldSimulation } from './simulation/world-simulation.js';
import { createLiveFigures } from './start/live-figures.js';
import { readWorldFromLog } from './start/world-from-log.js';

/**
 * The composition root: reads the environment once, starts everything this process
 * runs (event store, bus, hosts, trade queue, projections) and, when embedded, a
 * simulated world; prints live figures; on Ctrl-C drains, audits the log and prints
 * the verdict.
 */
const program = new Command('shardkeep')
  .description('Run Shardkeep: hosts, trade queue and projections; on the embedded default also a simulated world.')
  .option('--figures-every <seconds>', 'how often to print the live figures', (value) => Number.parseFloat(value), 2)
  .option('--no-audit', 'skip the economy audit of the whole log on shutdown')
  .option('--config <file>', 'a JSON file of settings with the environment variables\' names (the environment wins)')
  .addHelpText(
    'after',
    '\nEnvironment (README.md, "Configuration"): ESDB_URL, NATS_URL, NATS_USER, NATS_PASSWORD, REDIS_URL,\n' +
      'SHARDKEEP_DATA_DIR, SHARDKEEP_SQLITE_SYNC, SHARDKEEP_SIMULATE, SHARDKEEP_SIM_PLAYERS, SHARDKEEP_SIM_RATE,\n' +
      'SHARDKEEP_LOG_LEVEL, SHARDKEEP_HTTP_HOST, SHARDKEEP_HTTP_PORT, SHARDKEEP_RATE_LIMIT, SHARDKEEP_RATE_LIMIT_KINDS,\n' +
      'SHARDKEEP_RATE_LIMIT_SERVERS, SHARDKEEP_RATE_LIMIT_BUCKETS.',
  )
  .parse();

const options = program.opts<{ figuresEvery: number; audit: boolean; config?: string }>();

const readConfig = (): Config => {
  try {
    const fromFile = options.config === undefined ? {} : readConfigFile(options.config, SETTING_NAMES);
    return parseConfig({ ...fromFile, ...process.env });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`shardkeep: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
};

const decodedLog = async function* (store: EventStore) {
  for await (const stored of store.readAll()) {
    const event = worldCodec.tryDecode(stored);
    if (event !== undefined) yield event;
  }
};

const printVerdict = (report: WorldAuditReport): boolean => {
  const clean = report.itemsDuplicated === 0 && report.itemsVanished === 0 && report.goldCreated === 0 && report.tradesStuck === 0;
  console.log(
    `shardkeep: audit of ${report.events.toLocaleString('en-US')} events: items duplicated ${report.itemsDuplicated}, ` +
      `vanished ${report.itemsVanished}; gold created ${report.goldCreated} (minted ${report.goldMinted}, sunk ${report.goldSunk}, ` +
      `in wallets ${report.goldInWallets}, in escrow ${report.goldInEscrow}); trades stuck ${report.tradesStuck}, open ${report.tradesOpen}`,
  );
  for (const problem of report.problems.slice(0, 10)) console.log(`  ${problem}`);
  console.log(clean ? 'shardkeep: verdict: clean' : 'shardkeep: verdict: VIOLATIONS FOUND (see above)');
  return clean;
};

const main = async (): Promise<void> => {
  const config = readConfig();
  const logger = createLogger(config.logLevel);
  const onError = errorReporter(logger);
  const deployment: Deployment = await startDeployment(config, onError);
  for (const line of deployment.description) console.log(`shardkeep: ${line}`);
  logger.info({ parts: deployment.description }, 'started');
  let http: HttpServer | undefined;
  if (config.http !== undefined) {
    const routes = [
      metricsRoute(() => deployment.metrics.render()),
      ...consoleRoutes({ store: deployment.store, actors: worldActors(), history: deployment.history }),
    ];
    http = await startHttpServer({ ...config.http, routes, onError });
    const base = `http://${config.http.host}:${http.port}`;
    console.log(`shardkeep: console at ${base}/ , metrics at ${base}/metrics (SHARDKEEP_HTTP_PORT=off to turn off)`);
  }

  let simulation: WorldSimulation | undefined;
  if (config.simulation.enabled) {
    simulation = createWorldSimulation({
      transport: deployment.transport,
      players: config.simulation.players,
      itemsPerPlayer: 5,
      actionsPerSecond: config.simulation.actionsPerSecond,
      maxInFlight: 2_000,
      seed: Date.now() % 2 ** 31,
      runTag: Date.now().toString(36),
      // On a log an earlier run played, items have moved and guilds formed since the seed.
      currentWorld: () => readWorldFromLog(deployment.store),
    });
    console.log(
      `shardkeep: simulating ${config.simulation.players} players at ${config.simulation.actionsPerSecond} actions/s ` +
        '(SHARDKEEP_SIM_PLAYERS, SHARDKEEP_SIM_RATE; SHARDKEEP_SIMULATE=off to serve only real clients)',
    );
    await simulation.start();
  } else {
    console.log('shardkeep: serving commands; no simulation (SHARDKEEP_SIMULATE=on to add one)');
  }
  console.log('shardkeep: running; Ctrl-C drains, audits the log and stops');

  const describeFigures = createLiveFigures({ deployment, simulation, startedAt: Date.now() });
  const figures = setInterval(() => console.log(describeFigures()), options.figuresEvery * 1000);

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(figures);
  console.log('\nshardkeep: stopping: finishing the simulation’s actions, draining the hosts and the trade queue');
  await simulation?.stop();
  await deployment.drain();
  let clean = true;
  if (options.audit) {
    console.log('shardkeep: auditing the whole log');
    clean = printVerdict(await auditEvents(decodedLog(deployment.store)));
  }
  await http?.close();
  await deployment.close();
  logger.info({ clean }, 'stopped');
  logger.flush();
  process.exitCode = clean ? 0 : 1;
};

main().catch((error: unknown) => {
  console.error('shardkeep: failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
