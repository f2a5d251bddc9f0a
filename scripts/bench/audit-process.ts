import { openSqliteEventStore } from '../../infra/eventstore/sqlite/index.js';
import { createWorldAudit } from '../../projections/audit/world-audit.js';
import { worldLog } from '../audit/log.js';

/**
 * One economy-audit figure, run as `node --expose-gc --import tsx audit-process.ts '<json>'`
 * so that nothing else lives in its heap: the log is read from the SQLite file (read-only)
 * and decoded, and in mode `audit` every event is folded into the world audit, as `npm run
 * audit -- economy` does; mode `read` only reads and decodes (the baseline). Memory is
 * sampled every 10 ms while it runs; at the end, after forced GCs, the heap still held
 * (the audit's state) is measured. Prints one JSON line (`AuditProcessFigures`).
 */
export interface AuditProcessRequest {
  readonly file: string;
  readonly mode: 'read' | 'audit';
  /** Stop after this many events (a prefix of the log). */
  readonly limit?: number;
}

export interface AuditProcessFigures {
  readonly mode: 'read' | 'audit';
  readonly events: number;
  readonly seconds: number;
  readonly peakHeapBytes: number;
  readonly peakRssBytes: number;
  /** heapUsed after forced GCs at the end, less the same before reading: what the audit holds. */
  readonly retainedHeapBytes: number;
  readonly problems: number;
  /** The world the audit saw: item streams, trades and auctions (0 in mode read). */
  readonly items: number;
  readonly trades: number;
  readonly auctions: number;
}

const collect = (): number => {
  if (globalThis.gc === undefined) throw new Error('audit bench: run node with --expose-gc');
  for (let pass = 0; pass < 3; pass += 1) globalThis.gc();
  return process.memoryUsage().heapUsed;
};

const request = JSON.parse(process.argv[2] ?? '{}') as AuditProcessRequest;
const store = openSqliteEventStore({ path: request.file, readonly: true });
const audit = createWorldAudit();
const limit = request.limit ?? Number.POSITIVE_INFINITY;
let peakHeap = 0;
let peakRss = 0;
const sample = (): void => {
  const usage = process.memoryUsage();
  peakHeap = Math.max(peakHeap, usage.heapUsed);
  peakRss = Math.max(peakRss, usage.rss);
};
const sampler = setInterval(sample, 10);
const before = collect();
const started = performance.now();
let events = 0;
for await (const event of worldLog(store)) {
  if (events >= limit) break;
  events += 1;
  if (request.mode === 'audit') audit.apply(event);
}
const report = request.mode === 'audit' ? audit.report() : undefined;
const seconds = (performance.now() - started) / 1000;
sample();
clearInterval(sampler);
const retained = collect() - before;
await store.close();
const figures: AuditProcessFigures = {
  mode: request.mode,
  events,
  seconds,
  peakHeapBytes: peakHeap,
  peakRssBytes: Math.max(peakRss, process.resourceUsage().maxRSS * 1024),
  retainedHeapBytes: retained,
  problems: report?.problemCount ?? 0,
  items: report?.items ?? 0,
  trades: report === undefined ? 0 : report.tradesCompleted + report.tradesFailed + report.tradesCancelled + report.tradesOpen,
  auctions: report === undefined ? 0 : report.auctionsEnded + report.auctionsOpen,
};
process.stdout.write(`${JSON.stringify(figures)}\n`);
