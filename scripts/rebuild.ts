import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { ConfigError, parseConfig } from '../infra/config.js';
import { dryRunProjection, rebuildProjection } from '../projections/rebuild/index.js';
import { createWorldProjections } from '../projections/world-projections.js';
import { createProgressDisplay } from './rebuild/progress.js';
import { failed, hasDifferences, outcomeLines, outcomesJson, type Outcome } from './rebuild/report.js';
import { openRebuildResources, UnusableConfigError } from './rebuild/resources.js';

/**
 * `npm run rebuild -- <projection...> | --all`: rebuilds projections from the log into new
 * key versions while the live ones keep serving, switches readers over and drops the old
 * keys (projections/rebuild). Reads the same environment as `npm start`.
 *
 * Exit codes: 0 done (a dry run found no differences); 1 a dry run found differences, or
 * something failed (a rebuild run again resumes); 2 bad usage or configuration.
 */
const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

const projections = createWorldProjections();
const names = projections.map((projection) => projection.name);

const wholeNumber = (minimum: number) => (value: string): number => {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed) || parsed < minimum) throw new InvalidArgumentError(`expected a whole number of at least ${minimum}`);
  return parsed;
};

const program = new Command('rebuild')
  .description('Rebuild projections from the log into a new key version while the live one keeps serving, then switch readers to it and drop the old keys.')
  .argument('[projections...]', `which to rebuild: ${names.join(', ')}`)
  .option('--all', 'rebuild every projection')
  .option('--dry-run', 'build into a scratch version, report how its keys differ from the live ones, switch nothing, drop the scratch')
  .option('--json', 'print one JSON document on stdout (progress stays on stderr)')
  .option('--batch-size <n>', 'events per batch', wholeNumber(1), 500)
  .option('--sample <n>', 'dry run: keys listed per kind of difference', wholeNumber(0), 5)
  .addHelpText(
    'after',
    '\nExit codes: 0 done (dry run: no differences); 1 differences found (dry run) or a failure (run again to resume); 2 bad usage or configuration.\n' +
      'Environment: as npm start (README.md, "Configuration"): REDIS_URL (required), ESDB_URL or SHARDKEEP_DATA_DIR, NATS_URL, NATS_USER, NATS_PASSWORD;\n' +
      'its own credentials, when set: SHARDKEEP_REBUILD_REDIS_URL (the Redis rebuild user), SHARDKEEP_REBUILD_NATS_USER, SHARDKEEP_REBUILD_NATS_PASSWORD.\n' +
      'Example: REDIS_URL=redis://127.0.0.1:6379/0 NATS_URL=nats://127.0.0.1:4222 npm run rebuild -- inventories',
  )
  .exitOverride()
  .showHelpAfterError('(rebuild --help for usage)');

interface Options {
  readonly all?: boolean;
  readonly dryRun?: boolean;
  readonly json?: boolean;
  readonly batchSize: number;
  readonly sample: number;
}

class UsageError extends Error {}

const parseCommandLine = (): { readonly options: Options; readonly selected: typeof projections } => {
  program.parse();
  const options = program.opts<Options>();
  const asked = [...new Set(program.args)];
  if (options.all === true && asked.length > 0) throw new UsageError('name projections or give --all, not both');
  if (options.all !== true && asked.length === 0) throw new UsageError(`name the projections to rebuild (${names.join(', ')}) or give --all`);
  const unknown = asked.filter((name) => !names.includes(name));
  if (unknown.length > 0) throw new UsageError(`unknown projection ${unknown.join(', ')}: expected ${names.join(', ')}`);
  return { options, selected: options.all === true ? projections : projections.filter((projection) => asked.includes(projection.name)) };
};

const run = async (): Promise<number> => {
  const { options, selected } = parseCommandLine();
  const config = parseConfig(process.env);
  const say = (line: string): void => void (options.json === true ? process.stderr : process.stdout).write(`rebuild: ${line}\n`);
  const resources = await openRebuildResources(config, selected.length);
  for (const line of resources.description) say(line);

  // The first Ctrl-C stops at a batch boundary (the build resumes from there); a second one leaves at once.
  const interrupt = new AbortController();
  const onSignal = (): void => {
    if (interrupt.signal.aborted) process.exit(EXIT_FAILED);
    say('stopping at the end of the batch in hand (Ctrl-C again to leave at once)');
    interrupt.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const progress = createProgressDisplay(process.stderr);
  const outcomes = await Promise.all(
    selected.map(async (projection, index): Promise<Outcome> => {
      const cache = resources.caches[index];
      if (cache === undefined) throw new Error(`no cache for ${projection.name}`);
      const shared = {
        store: resources.store,
        cache,
        projection,
        batchSize: options.batchSize,
        signal: interrupt.signal,
        onProgress: progress.update,
      };
      try {
        const outcome: Outcome =
          options.dryRun === true
            ? { projection: projection.name, ok: true, dryRun: await dryRunProjection({ ...shared, sampleSize: options.sample }) }
            : { projection: projection.name, ok: true, rebuild: await rebuildProjection({ ...shared, notifier: resources.notifier }) };
        return outcome;
      } catch (error) {
        return failed(projection.name, error);
      } finally {
        progress.finish(projection.name);
      }
    }),
  );
  progress.stop();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  await resources.close();

  if (options.json === true) process.stdout.write(`${outcomesJson(outcomes, options.dryRun === true)}\n`);
  else for (const line of outcomes.flatMap(outcomeLines)) say(line);
  const differences = outcomes.some((outcome) => outcome.ok && 'dryRun' in outcome && hasDifferences(outcome.dryRun));
  return outcomes.every((outcome) => outcome.ok) && !differences ? EXIT_OK : EXIT_FAILED;
};

const exitCodeOf = (error: unknown): number => {
  if (error instanceof CommanderError) {
    // --help and --version are answers, not errors; commander has printed the message already.
    return ['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(error.code) ? EXIT_OK : EXIT_USAGE;
  }
  if (error instanceof UsageError) {
    process.stderr.write(`rebuild: ${error.message}\n(rebuild --help for usage)\n`);
    return EXIT_USAGE;
  }
  if (error instanceof ConfigError || error instanceof UnusableConfigError) {
    process.stderr.write(`rebuild: ${error.message}\n`);
    return EXIT_USAGE;
  }
  process.stderr.write(`rebuild: failed: ${error instanceof Error ? error.message : String(error)}\n`);
  return EXIT_FAILED;
};

run().then(
  (code) => process.exit(code),
  (error: unknown) => process.exit(exitCodeOf(error)),
);
