import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { FIGURES, selectFigures, type FigureEntry } from './figures.js';
import { describeMachine } from './machine.js';
import { EXIT_FAILED, EXIT_PASSED, EXIT_USAGE, exitCodeFor, figureOutcome, type SpecRun } from './outcomes.js';
import { parseRecords } from './records.js';
import { renderReport } from './report.js';
import { runVitest, type VitestRun } from './vitest.js';

/**
 * `npm run chaos`: runs the scenarios of RELIABILITY.md's figures under the chaos vitest
 * configuration, collects the records they write, and renders them as Markdown. The full
 * profile writes docs/RELIABILITY.md; `--short` (CI) writes a temporary file unless
 * `--out` says where, so a CI run leaves the tree as it found it.
 */
export interface ChaosIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The repository root: where vitest runs and the registry's paths start. */
  readonly root: string;
}

const HELP_CODES = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);
const DEFAULT_FULL_OUT = 'docs/RELIABILITY.md';

interface ChaosOptions {
  readonly short?: boolean;
  readonly only?: readonly number[];
  readonly out?: string;
}

const parseOnly = (value: string): number[] => {
  const parts = value.split(',').map((part) => part.trim());
  if (parts.some((part) => !/^\d+$/.test(part))) throw new InvalidArgumentError('expected figure numbers separated by commas, e.g. 3,8');
  return [...new Set(parts.map(Number))];
};

/** The spec files of the figures asked for that exist, each once, in table order. */
const specFilesOf = (entries: readonly FigureEntry[], exists: (path: string) => boolean): string[] => [
  ...new Set(entries.flatMap((entry) => entry.specs).filter(exists)),
];

const commandLine = (argv: readonly string[]): string => (argv.length === 0 ? 'npm run chaos' : `npm run chaos -- ${argv.join(' ')}`);

const run = async (argv: readonly string[], options: ChaosOptions, io: ChaosIo, registry: readonly FigureEntry[]): Promise<number> => {
  let entries: FigureEntry[];
  try {
    entries = selectFigures(registry, options.only);
  } catch (error) {
    io.stderr(`chaos: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_USAGE;
  }
  const profile = options.short === true ? 'short' : 'full';
  const startedAt = new Date();
  const scratch = await mkdtemp(join(tmpdir(), 'shardkeep-chaos-'));
  const out = options.out !== undefined ? resolve(options.out) : profile === 'full' ? join(io.root, DEFAULT_FULL_OUT) : join(scratch, 'RELIABILITY.md');
  const recordsFile = join(scratch, 'records.jsonl');
  await writeFile(recordsFile, '');

  const exists = (path: string): boolean => existsSync(join(io.root, path));
  const files = specFilesOf(entries, exists);
  io.stdout(`chaos: profile ${profile}, figures ${entries.map(({ figure }) => figure).join(', ')}; ${files.length} spec files; records in ${recordsFile}\n`);
  const vitest: VitestRun | undefined =
    files.length === 0 ? undefined : await runVitest({ root: io.root, files, profile, recordsFile, resultsFile: join(scratch, 'vitest.json'), env: io.env });

  const { records, problems } = parseRecords(await readFile(recordsFile, 'utf8'));
  const statusOf = (path: string): SpecRun['status'] => (exists(path) ? (vitest?.files.get(path) ?? 'unknown') : 'absent');
  const outcomes = entries.map((entry) => figureOutcome(entry, records, statusOf));
  const report = renderReport({
    command: commandLine(argv),
    vitestCommand: vitest?.command,
    vitestCode: vitest?.code ?? null,
    profile,
    startedAt,
    durationMs: Date.now() - startedAt.getTime(),
    machine: describeMachine(io.env['PATH'] ?? ''),
    outcomes,
    problems,
  });
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, report);

  for (const outcome of outcomes) {
    if (outcome.result !== 'pass') io.stderr(`chaos: figure ${outcome.entry.figure} ${outcome.result}: ${outcome.reason ?? ''}\n`);
  }
  for (const problem of problems) io.stderr(`chaos: unreadable record, ${problem}\n`);
  if (vitest !== undefined && vitest.code !== 0) io.stderr(`chaos: vitest exited with code ${vitest.code ?? 'none (killed)'}\n`);
  const code = exitCodeFor(outcomes, vitest?.code ?? null);
  const passed = outcomes.filter((outcome) => outcome.result === 'pass').length;
  io.stdout(`chaos: ${passed} of ${outcomes.length} figures passed in ${Math.round((Date.now() - startedAt.getTime()) / 1_000)} s; report written to ${out}\n`);
  return code;
};

/**
 * Parses `argv` (the arguments after the program name), runs, and resolves with the exit
 * code. `registry` is the figure table (FIGURES unless a test passes its own).
 */
export const runChaos = async (argv: readonly string[], io: ChaosIo, registry: readonly FigureEntry[] = FIGURES): Promise<number> => {
  let code = EXIT_PASSED;
  const program = new Command('chaos')
    .description("Runs the reliability scenarios of RELIABILITY.md's figures and writes their report.")
    .option('--short', 'the CI profile: seconds per scenario (default: the full profile, minutes per scenario)')
    .option('--only <figures>', 'only these figures, e.g. 3,8', parseOnly)
    .option('--out <file>', `where to write the report (default ${DEFAULT_FULL_OUT} for the full profile, a temporary file for --short)`)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(chaos --help for usage)')
    .addHelpText(
      'after',
      '\nExit codes: 0 every figure asked for was recorded and passed; 1 a figure failed or is missing, or vitest failed; 2 bad usage.',
    )
    .allowExcessArguments(false)
    .action(async (options: ChaosOptions) => {
      code = await run(argv, options, io, registry);
    });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return HELP_CODES.has(error.code) ? EXIT_PASSED : EXIT_USAGE;
    io.stderr(`chaos: failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILED;
  }
};
