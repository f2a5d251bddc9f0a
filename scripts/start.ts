import { Command } from 'commander';
import { formatPosition, type EventStore } from '../events/store/index.js';
import { ConfigError, parseConfig, type Config } from '../infra/config.js';
import { describeEventStore, openEventStore } from '../infra/eventstore/open.js';

/**
 * The composition root: reads the environment once, opens the configured event store,
 * says what the log holds, and follows it live until interrupted.
 */
const program = new Command('shardkeep')
  .description('Run Shardkeep on the configured event store (embedded SQLite by default).')
  .option('--quiet', 'do not print each event as it is appended')
  .addHelpText(
    'after',
    '\nEnvironment: ESDB_URL, SHARDKEEP_DATA_DIR, SHARDKEEP_SQLITE_SYNC (see README.md, "Configuration").',
  )
  .parse();

const options = program.opts<{ quiet?: boolean }>();

const summarise = async (store: EventStore): Promise<{ events: number; head: string }> => {
  let events = 0;
  let head = 'start';
  for await (const event of store.readAll()) {
    events += 1;
    head = formatPosition(event.position);
  }
  return { events, head };
};

const main = async (): Promise<void> => {
  let config: Config;
  try {
    config = parseConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }

  const store = await openEventStore(config.eventStore);
  console.log(`shardkeep: event store ${describeEventStore(config.eventStore)}`);
  const { events, head } = await summarise(store);
  console.log(`shardkeep: the log holds ${events} event${events === 1 ? '' : 's'}, head at ${head}`);
  console.log('shardkeep: following the log; events appended by any process appear below (Ctrl-C to stop)');

  const subscription = store.subscribeAll({ from: 'end' });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`shardkeep: ${signal}: closing the event store`);
    void subscription.close();
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));

  let followed = 0;
  for await (const message of subscription) {
    if (message.kind !== 'event') continue;
    followed += 1;
    if (options.quiet !== true) {
      const { event } = message;
      console.log(`${formatPosition(event.position)}  ${event.stream}@${event.revision}  ${event.type}`);
    }
  }
  await store.close();
  console.log(`shardkeep: stopped after following ${followed} new event${followed === 1 ? '' : 's'}`);
};

main().catch((error: unknown) => {
  console.error('shardkeep: failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
