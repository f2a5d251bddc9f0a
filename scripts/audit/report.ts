import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { ItemProvenance } from '../../projections/audit/provenance.js';
import { DEFAULT_COMMAND_WINDOW } from '../../projections/audit/stream-ledger.js';
import { EXIT_CLEAN, EXIT_NOT_CLEAN, type AuditIo, type CommonOptions } from './context.js';
import { auditStore, isClean, positiveWhole } from './economy.js';
import { count, toJson } from './format.js';
import { renderReportPage } from './html.js';
import { readProvenance } from './item.js';
import { withAuditStore } from './store.js';

/**
 * `audit report --out audit.html`: the economy audit as an HTML page (html.ts), with the
 * provenance of the items its violations involve (the first `--items`, 20 by default)
 * and of any item named with `--item`. Exit 1 when the audit found violations (the page
 * is written either way).
 */

interface ReportOptions extends CommonOptions {
  readonly out: string;
  readonly items: number;
  readonly item?: readonly string[];
  readonly maxViolations: number;
  readonly commandWindow: number;
}

export const runReport = async (options: ReportOptions, io: AuditIo): Promise<number> => {
  const { audit, provenances, description } = await withAuditStore(options, io, async ({ store, description }) => {
    const audited = await auditStore(store, options);
    const involved = [...new Set([...(options.item ?? []), ...audited.report.violations.flatMap((violation) => violation.items)])].slice(0, options.items);
    const read: ItemProvenance[] = [];
    for (const itemId of involved) read.push(await readProvenance(store, itemId));
    return { audit: audited, provenances: read, description };
  });
  const page = renderReportPage({ store: description, generatedAt: new Date(), seconds: audit.seconds, report: audit.report, provenances });
  await writeFile(options.out, page, 'utf8');
  const clean = isClean(audit.report);
  if (options.json === true) {
    io.stdout(toJson({ out: options.out, clean, events: audit.report.events, violations: audit.report.problemCount, items: provenances.map((item) => item.itemId) }));
  } else {
    const verdict = clean ? 'clean' : `${count(audit.report.problemCount)} violations`;
    io.stdout(`audit report of ${count(audit.report.events)} events (${verdict}) written to ${options.out}\n`);
  }
  return clean ? EXIT_CLEAN : EXIT_NOT_CLEAN;
};

export const addReportCommand = (program: Command, io: AuditIo, run: (work: () => Promise<number>) => Promise<void>): Command =>
  program
    .command('report')
    .description('The economy audit as a self-contained HTML page: summary, gold, violations at their first event, provenance timelines of the items involved.')
    .requiredOption('--out <file>', 'the HTML file to write, e.g. audit.html')
    .option('--items <n>', 'provenance timelines at most', positiveWhole, 20)
    .option('--item <itemIds...>', 'items whose provenance to include besides those involved in violations')
    .option('--max-violations <n>', 'violations listed in full (all are counted)', positiveWhole, 100)
    .option('--command-window <n>', 'commands remembered per stream to find one applied twice', positiveWhole, DEFAULT_COMMAND_WINDOW)
    .addHelpText('after', '\nExit codes: 0 clean; 1 violations (the page is written either way); 2 bad usage or configuration.\nExample:\n  npm run audit -- report --out audit.html --sqlite data/events.sqlite')
    .action((options: ReportOptions) => run(() => runReport(options, io)));
