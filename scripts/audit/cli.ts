import { Command, CommanderError, Option } from 'commander';
import { isShardkeepError } from '../../events/errors.js';
import { addActorCommand } from './actor.js';
import { EXIT_CLEAN, EXIT_NOT_CLEAN, EXIT_USAGE, UsageError, type AuditIo } from './context.js';
import { addEconomyCommand } from './economy.js';
import { addItemCommand } from './item.js';
import { addReportCommand } from './report.js';
import { addShadowCommand } from './shadow.js';
import { addWorldCommand } from './world.js';

/**
 * The audit CLI (`npm run audit -- <command>`), runnable in this process: `runAudit`
 * parses `argv` (the arguments after the program name), runs one subcommand against the
 * chosen log, writes through `io`, and resolves with the exit code.
 */

const HELP_CODES = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

const storeOptions = (command: Command): Command =>
  command
    .addOption(new Option('--sqlite <file>', 'read this SQLite log (opened read-only)'))
    .addOption(new Option('--esdb <connection>', "read this EventStoreDB, e.g. 'esdb://127.0.0.1:2113?tls=false'"))
    .option('--json', 'one JSON document on stdout, for tools');

export const runAudit = async (argv: readonly string[], io: AuditIo): Promise<number> => {
  let code = EXIT_CLEAN;
  const run = async (work: () => Promise<number>): Promise<void> => {
    code = await work();
  };
  const program = new Command('audit')
    .description('Answers from the log: an actor or the world at a point, an item\'s provenance, the economy audit, a shadow replay of new deciders, and the HTML report.')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(audit <command> --help for usage)')
    .addHelpText(
      'after',
      '\nThe log: --sqlite <file> or --esdb <connection string>; by default the one npm start uses (ESDB_URL, else SHARDKEEP_DATA_DIR/events.sqlite).\n' +
        'Exit codes: 0 the answer is clean; 1 it is not (violations, a contradiction, nothing found) or the log could not be read; 2 bad usage or configuration.',
    );
  for (const add of [addActorCommand, addWorldCommand, addItemCommand, addEconomyCommand, addShadowCommand, addReportCommand]) storeOptions(add(program, io, run));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return HELP_CODES.has(error.code) ? EXIT_CLEAN : EXIT_USAGE;
    if (error instanceof UsageError) {
      io.stderr(`audit: ${error.message}\n(audit <command> --help for usage)\n`);
      return EXIT_USAGE;
    }
    const code = isShardkeepError(error) ? ` (${error.code})` : '';
    io.stderr(`audit: failed${code}: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_NOT_CLEAN;
  }
};
