import { appendFileSync } from 'node:fs';
import type { FigureRecord } from '../../../scripts/chaos/records.js';

/**
 * The reliability figures of RELIABILITY.md, as scenarios record them. Each scenario (a
 * vitest spec) calls `recordFigure` once per figure it measured; `npm run chaos` collects
 * the records of one run into docs/RELIABILITY.md. Outside a chaos run (plain `npm test`)
 * nothing is written and the spec's own assertions are all that count.
 *
 * The harness passes two variables to the specs it runs:
 * - `SHARDKEEP_CHAOS_OUT`: a JSON-lines file each record is appended to;
 * - `SHARDKEEP_CHAOS_PROFILE`: `short` (CI: seconds per scenario) or `full` (on demand:
 *   minutes per scenario, more seeds, more kills).
 */

export type ChaosProfile = 'short' | 'full';

/** The profile of this run; `short` unless the chaos harness asked for `full`. */
export const chaosProfile = (): ChaosProfile => (process.env['SHARDKEEP_CHAOS_PROFILE'] === 'full' ? 'full' : 'short');

/** Picks a size by profile: `scaled({ short: 200, full: 2_000 })`. */
export const scaled = <T>(sizes: { readonly short: T; readonly full: T }): T => sizes[chaosProfile()];

/** Appends one figure to the chaos run's record (no-op outside a chaos run). */
export const recordFigure = (record: FigureRecord): void => {
  const out = process.env['SHARDKEEP_CHAOS_OUT'];
  if (out === undefined || out === '') return;
  appendFileSync(out, `${JSON.stringify({ ...record, profile: chaosProfile(), recordedAt: new Date().toISOString() })}\n`);
};
