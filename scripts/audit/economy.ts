import { InvalidArgumentError, type Command } from 'commander';
import type { EventStore } from '../../events/store/index.js';
import { formatPosition } from '../../events/store/position.js';
import { describeWhere, VIOLATION_KINDS, type Violation } from '../../projections/audit/problems.js';
import { DEFAULT_COMMAND_WINDOW } from '../../projections/audit/stream-ledger.js';
import { createWorldAudit, type WorldAuditReport } from '../../projections/audit/world-audit.js';
import { EXIT_CLEAN, EXIT_NOT_CLEAN, type AuditIo, type CommonOptions } from './context.js';
import { count, figures, table, toJson } from './format.js';
import { worldLog } from './log.js';
import { withAuditStore } from './store.js';

/**
 * `audit economy`: the full audit of the log (projections/audit), streamed: the log is
 * read page by page and each event folded into per-stream, per-item and per-pool state,
 * so memory follows the size of the world, not the length of the log. Exit 1 on any
 * violation, each shown at the first event where it appears with the streams involved.
 */

export interface EconomyAudit {
  readonly report: WorldAuditReport;
  readonly seconds: number;
}

export interface EconomyOptions extends CommonOptions {
  readonly maxViolations: number;
  readonly commandWindow: number;
}

export const auditStore = async (store: EventStore, { maxViolations, commandWindow }: Pick<EconomyOptions, 'maxViolations' | 'commandWindow'>): Promise<EconomyAudit> => {
  const started = performance.now();
  const audit = createWorldAudit({ maxProblems: maxViolations, commandWindow });
  for await (const event of worldLog(store)) audit.apply(event);
  return { report: audit.report(), seconds: (performance.now() - started) / 1000 };
};

export const isClean = (report: WorldAuditReport): boolean => report.problemCount === 0;

export const violationRows = (violations: readonly Violation[]): string[][] =>
  violations.map((violation) => [
    violation.kind,
    describeWhere(violation.where),
    violation.where.position === undefined ? '' : formatPosition(violation.where.position),
    violation.streams.slice(1).join(' '),
    violation.message,
  ]);

export const economyText = (description: string, { report, seconds }: EconomyAudit): string => {
  const rate = seconds > 0 ? ` (${count(Math.round(report.events / seconds))} events/s)` : '';
  const lines = [
    `economy audit of ${count(report.events)} events in ${description}, ${seconds.toFixed(1)} s${rate}`,
    '',
    figures([
      ['items', report.items],
      ['items duplicated', report.itemsDuplicated],
      ['items vanished', report.itemsVanished],
      ['commands applied twice', report.commandsRepeated],
      ['gold minted', report.goldMinted],
      ['  of which refunds outside trades', report.goldMintedByRefunds],
      ['gold sunk', report.goldSunk],
      ['gold in wallets', report.goldInWallets],
      ['gold in escrow', report.goldInEscrow],
      ['  in guild banks', report.goldInGuildBanks],
      ['  in open trades and auctions, pending refunds', report.goldInEscrow - report.goldInGuildBanks - report.goldInTransit - report.goldHeldElsewhere - report.goldStranded],
      ['  stranded in finished ones', report.goldStranded],
      ['  in transit to or from a guild bank', report.goldInTransit],
      ['  held by no trade or auction', report.goldHeldElsewhere],
      ['gold created', report.goldCreated],
      ['trades completed / failed / cancelled', `${count(report.tradesCompleted)} / ${count(report.tradesFailed)} / ${count(report.tradesCancelled)}`],
      ['trades open (of which past negotiation)', `${count(report.tradesOpen)} (${count(report.tradesStuck)})`],
      ['auctions ended / open', `${count(report.auctionsEnded)} / ${count(report.auctionsOpen)}`],
    ]),
  ];
  if (isClean(report)) {
    lines.push('verdict: clean (every item has one owner or one escrow, minted − sunk = wallets + escrow, no command applied twice)');
    return `${lines.join('\n')}\n`;
  }
  const kinds = VIOLATION_KINDS.filter((kind) => report.violationsByKind[kind] > 0).map((kind) => `${kind} ${count(report.violationsByKind[kind])}`);
  lines.push(`verdict: ${count(report.problemCount)} VIOLATIONS (${kinds.join(', ')})`, '');
  const shown = report.violations.length < report.problemCount ? ` (the first ${report.violations.length}; --max-violations for more)` : '';
  lines.push(`violations, each at the first event where it appears${shown}:`);
  lines.push(table(['kind', 'first event', 'position', 'also involves', 'what'], violationRows(report.violations)));
  return `${lines.join('\n')}\n`;
};

export const economyJson = (description: string, { report, seconds }: EconomyAudit): string =>
  toJson({ store: description, clean: isClean(report), seconds, eventsPerSecond: seconds > 0 ? Math.round(report.events / seconds) : null, ...report });

export const runEconomy = async (options: EconomyOptions, io: AuditIo): Promise<number> => {
  const { audit, description } = await withAuditStore(options, io, async ({ store, description }) => ({
    audit: await auditStore(store, options),
    description,
  }));
  io.stdout(options.json === true ? economyJson(description, audit) : economyText(description, audit));
  return isClean(audit.report) ? EXIT_CLEAN : EXIT_NOT_CLEAN;
};

export const positiveWhole = (value: string): number => {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed) || parsed < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return parsed;
};

export const addEconomyCommand = (program: Command, io: AuditIo, run: (work: () => Promise<number>) => Promise<void>): Command =>
  program
    .command('economy')
    .description(
      'The economy audit of the whole log: every item has one owner or one escrow at every position, gold minted − sunk = wallets + escrow, no command applied twice; each violation at its first event.',
    )
    .option('--max-violations <n>', 'violations listed in full (all are counted)', positiveWhole, 100)
    .option('--command-window <n>', 'commands remembered per stream to find one applied twice (16 bytes each)', positiveWhole, DEFAULT_COMMAND_WINDOW)
    .addHelpText(
      'after',
      '\nMemory: per stream (its revision and the fingerprints of its last --command-window commands), per item, per wallet, per trade and auction, per guild bank; never per event.\n' +
        'Exit codes: 0 clean; 1 violations (or the log could not be read); 2 bad usage or configuration.\nExample:\n  npm run audit -- economy --sqlite data/events.sqlite',
    )
    .action((options: EconomyOptions) => run(() => runEconomy(options, io)));
