import { formatPosition } from '../../events/store/position.js';
import { describeCustody } from '../../projections/audit/item-custody.js';
import { describeWhere, VIOLATION_KINDS, type Violation } from '../../projections/audit/problems.js';
import { describeVia, type ItemProvenance, type ProvenanceStep } from '../../projections/audit/provenance.js';
import type { WorldAuditReport } from '../../projections/audit/world-audit.js';

/**
 * The economy audit as one HTML page, self-contained (styles inline, no script, no
 * external asset), for a person to read: the verdict, the figures, the gold equation,
 * every violation at its first event, and the provenance timeline of each item involved.
 */

export interface ReportPage {
  readonly store: string;
  readonly generatedAt: Date;
  readonly seconds: number;
  readonly report: WorldAuditReport;
  readonly provenances: readonly ItemProvenance[];
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);

const count = (value: number): string => value.toLocaleString('en-US');

const STYLE = `
:root { --ink: #1d2330; --muted: #5c6577; --line: #d9dee8; --bg: #f5f7fb; --ok: #1f7a4d; --bad: #b3261e; --warn: #8a5a00; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
main { max-width: 1180px; margin: 0 auto; padding: 28px 24px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 32px 0 12px; border-bottom: 1px solid var(--line); padding-bottom: 6px; }
h3 { font-size: 16px; margin: 20px 0 8px; }
.meta { color: var(--muted); margin: 0 0 18px; }
.verdict { border-radius: 10px; padding: 14px 18px; font-size: 18px; font-weight: 600; color: #fff; }
.verdict.clean { background: var(--ok); }
.verdict.violations { background: var(--bad); }
.chips { margin-top: 6px; font-size: 14px; font-weight: 500; }
.chip { display: inline-block; background: rgba(255,255,255,.18); border-radius: 999px; padding: 1px 10px; margin: 2px 6px 2px 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 12px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; }
.card .label { color: var(--muted); font-size: 13px; }
.card .value { font-size: 24px; font-weight: 650; font-variant-numeric: tabular-nums; }
.card.bad .value { color: var(--bad); }
.card.good .value { color: var(--ok); }
table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); border-radius: 10px; overflow: hidden; }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #eef1f7; font-size: 13px; color: var(--muted); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.total { font-weight: 650; }
code { font: 13px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.kind { display: inline-block; border-radius: 6px; padding: 0 6px; font-size: 12px; font-weight: 600; background: #fde7e5; color: var(--bad); white-space: nowrap; }
.equation { display: grid; grid-template-columns: minmax(260px, 1fr) minmax(260px, 1fr); gap: 16px; align-items: start; }
.balance { margin: 10px 0 0; font-weight: 600; }
.balance.bad { color: var(--bad); }
.balance.good { color: var(--ok); }
.timeline { list-style: none; margin: 0; padding: 0 0 0 18px; border-left: 3px solid var(--line); }
.timeline li { position: relative; margin: 0 0 12px; padding: 8px 12px; background: #fff; border: 1px solid var(--line); border-radius: 8px; }
.timeline li::before { content: ""; position: absolute; left: -27px; top: 14px; width: 13px; height: 13px; border-radius: 50%; background: #7a8599; border: 2px solid var(--bg); }
.timeline li.contradiction { border-color: var(--bad); background: #fff6f5; }
.timeline li.contradiction::before { background: var(--bad); }
.step { font-weight: 600; }
.details { color: var(--muted); font-size: 13px; }
.none { color: var(--muted); font-style: italic; }
footer { margin-top: 36px; color: var(--muted); font-size: 13px; }
`;

const card = (label: string, value: number, figure: string, tone: 'bad-if-positive' | 'plain' = 'plain'): string => {
  const cls = tone === 'bad-if-positive' ? (value > 0 ? ' bad' : ' good') : '';
  return `<div class="card${cls}"><div class="label">${escapeHtml(label)}</div><div class="value" data-figure="${figure}">${count(value)}</div></div>`;
};

const verdict = (report: WorldAuditReport): string => {
  if (report.problemCount === 0) {
    return '<div class="verdict clean" data-verdict="clean">Clean: every item has one owner or one escrow, gold is conserved, no command was applied twice</div>';
  }
  const chips = VIOLATION_KINDS.filter((kind) => report.violationsByKind[kind] > 0)
    .map((kind) => `<span class="chip">${escapeHtml(kind)}: ${count(report.violationsByKind[kind])}</span>`)
    .join('');
  return `<div class="verdict violations" data-verdict="violations">${count(report.problemCount)} violation${report.problemCount === 1 ? '' : 's'} found<div class="chips">${chips}</div></div>`;
};

const row = (cells: readonly string[], numeric: readonly boolean[] = [], cls = ''): string =>
  `<tr${cls === '' ? '' : ` class="${cls}"`}>${cells.map((cell, index) => `<td${numeric[index] === true ? ' class="num"' : ''}>${cell}</td>`).join('')}</tr>`;

const goldTables = (report: WorldAuditReport): string => {
  const openAndPending = report.goldInEscrow - report.goldInGuildBanks - report.goldInTransit - report.goldHeldElsewhere - report.goldStranded;
  const sources = [
    ['Gold minted (loot, grants, refunds outside trades)', report.goldMinted],
    ['&nbsp;&nbsp;of which refunds outside trades', report.goldMintedByRefunds],
    ['Gold sunk (purchases, repairs, fees)', -report.goldSunk],
  ] as const;
  const holdings = [
    ['In wallets', report.goldInWallets],
    ['In open trades and auctions, pending refunds', openAndPending],
    ['In guild banks', report.goldInGuildBanks],
    ['In transit to or from a guild bank', report.goldInTransit],
    ['Held by no trade or auction', report.goldHeldElsewhere],
    ['Stranded in finished trades and auctions', report.goldStranded],
  ] as const;
  const table = (title: string, lines: readonly (readonly [string, number])[], total: readonly [string, number]): string =>
    `<table><thead><tr><th>${title}</th><th></th></tr></thead><tbody>${lines.map(([label, value]) => row([label, count(value)], [false, true])).join('')}` +
    `<tr><td class="total">${total[0]}</td><td class="num total">${count(total[1])}</td></tr></tbody></table>`;
  const excess = report.goldInWallets + report.goldInEscrow - (report.goldMinted - report.goldSunk);
  const balance =
    report.goldCreated === 0
      ? `<p class="balance good">Balanced: wallets and escrow hold exactly what was minted less what was sunk.</p>`
      : `<p class="balance bad">Gold created: ${count(report.goldCreated)} (wallets and escrow exceed minted − sunk by ${count(excess)}; overdrafts ${count(report.goldOverdrawn)}, misstated balances ${count(report.goldMisstated)}).</p>`;
  return (
    '<div class="equation">' +
    table('Where gold came from', sources, ['Minted − sunk', report.goldMinted - report.goldSunk]) +
    table('Where it is', holdings, ['Wallets + escrow', report.goldInWallets + report.goldInEscrow]) +
    `</div>${balance}`
  );
};

const violationsTable = (report: WorldAuditReport): string => {
  if (report.violations.length === 0) return '<p class="none">No violations.</p>';
  const more = report.problemCount > report.violations.length ? `<p>The first ${count(report.violations.length)} of ${count(report.problemCount)}, in log order.</p>` : '';
  const rows = report.violations.map((violation: Violation) =>
    `<tr data-kind="${escapeHtml(violation.kind)}"><td><span class="kind">${escapeHtml(violation.kind)}</span></td>` +
      `<td><code>${escapeHtml(describeWhere(violation.where))}</code></td>` +
      `<td class="num"><code>${violation.where.position === undefined ? '' : escapeHtml(formatPosition(violation.where.position))}</code></td>` +
      `<td>${violation.streams.slice(1).map((stream) => `<code>${escapeHtml(stream)}</code>`).join(' ')}</td>` +
      `<td>${escapeHtml(violation.message)}</td></tr>`,
  );
  return `${more}<table><thead><tr><th>Kind</th><th>First event</th><th>Position</th><th>Also involves</th><th>What</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
};

const stepItem = (step: ProvenanceStep, flagged: readonly Violation[]): string => {
  const name = step.type.replace(/^Item/, '');
  const details = [
    `rev ${step.revision.toString()} at ${formatPosition(step.position)}`,
    `written ${step.created.toISOString()}`,
    step.commandId === undefined ? undefined : `command <code>${escapeHtml(step.commandId)}</code>`,
    step.issuer === undefined ? undefined : `by ${escapeHtml(step.issuer)}`,
    `correlation <code>${escapeHtml(step.correlationId)}</code>`,
  ].filter((part) => part !== undefined);
  const via = step.via === undefined ? '' : ` — ${escapeHtml(describeVia(step.via))}`;
  const contradiction = step.contradiction === undefined ? '' : `<div><strong>Contradiction:</strong> ${escapeHtml(step.contradiction)}</div>`;
  const named = flagged
    .filter((violation) => violation.kind !== 'item-duplicated' || step.contradiction === undefined)
    .map((violation) => `<div><strong>${escapeHtml(violation.kind)}:</strong> ${escapeHtml(violation.message)}</div>`)
    .join('');
  const wrong = step.contradiction !== undefined || flagged.length > 0;
  return (
    `<li${wrong ? ' class="contradiction"' : ''}><div><span class="step">${escapeHtml(name)}</span>: ` +
    `${escapeHtml(describeCustody(step.after))}${via}</div>${contradiction}${named}<div class="details">${details.join(' · ')}</div></li>`
  );
};

/** Each item's timeline, its steps that a violation names (or that contradict the custody before them) marked. */
const provenanceSection = (provenances: readonly ItemProvenance[], violations: readonly Violation[]): string => {
  if (provenances.length === 0) return '<p class="none">No item is involved in a violation.</p>';
  return provenances
    .map((provenance) => {
      const owners = provenance.owners.length === 0 ? 'never owned' : `owners: ${provenance.owners.map(escapeHtml).join(' → ')}`;
      return (
        `<section class="provenance" data-item="${escapeHtml(provenance.itemId)}"><h3>Item ${escapeHtml(provenance.itemId)}</h3>` +
        `<p class="meta">template ${escapeHtml(provenance.templateId ?? '?')} · now ${escapeHtml(describeCustody(provenance.current))} · ${owners}</p>` +
        `<ol class="timeline">${provenance.steps
          .map((step) => stepItem(step, violations.filter((violation) => violation.where.stream === `item-${provenance.itemId}` && violation.where.revision === step.revision)))
          .join('')}</ol></section>`
      );
    })
    .join('');
};

export const renderReportPage = ({ store, generatedAt, seconds, report, provenances }: ReportPage): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Shardkeep economy audit: ${report.problemCount === 0 ? 'clean' : `${count(report.problemCount)} violations`}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>Shardkeep economy audit</h1>
<p class="meta">${escapeHtml(store)} · ${count(report.events)} events audited in ${seconds.toFixed(1)} s · generated ${escapeHtml(generatedAt.toISOString())}</p>
${verdict(report)}
<h2>Summary</h2>
<div class="cards">
${card('Events', report.events, 'events')}
${card('Items', report.items, 'items')}
${card('Items duplicated', report.itemsDuplicated, 'itemsDuplicated', 'bad-if-positive')}
${card('Items vanished', report.itemsVanished, 'itemsVanished', 'bad-if-positive')}
${card('Commands applied twice', report.commandsRepeated, 'commandsRepeated', 'bad-if-positive')}
${card('Gold created', report.goldCreated, 'goldCreated', 'bad-if-positive')}
${card('Trades completed', report.tradesCompleted, 'tradesCompleted')}
${card('Trades failed or cancelled', report.tradesFailed + report.tradesCancelled, 'tradesFailedOrCancelled')}
${card('Trades open', report.tradesOpen, 'tradesOpen')}
${card('Auctions ended', report.auctionsEnded, 'auctionsEnded')}
</div>
<h2>Gold</h2>
${goldTables(report)}
<h2>Violations</h2>
${violationsTable(report)}
<h2>Provenance of the items involved</h2>
${provenanceSection(provenances, report.violations)}
<footer>Invariants (DESIGN.md, "Domain"): every item instance has exactly one owner or one escrow at every position of the log; gold minted − sunk = wallets + escrow; no command is applied twice. Each violation is named at the first event where it appears (stream@revision).</footer>
</main>
</body>
</html>
`;
