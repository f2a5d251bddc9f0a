import { isShardkeepError } from '../../events/errors.js';
import type { DryRunReport, RebuildReport } from '../../projections/rebuild/index.js';

/** What became of one projection, and how it is told: a few lines of text, or a JSON document. */
export type Outcome =
  | { readonly projection: string; readonly ok: true; readonly rebuild: RebuildReport }
  | { readonly projection: string; readonly ok: true; readonly dryRun: DryRunReport }
  | { readonly projection: string; readonly ok: false; readonly error: { readonly code: string; readonly message: string } };

export const failed = (projection: string, error: unknown): Outcome => ({
  projection,
  ok: false,
  error: {
    code: isShardkeepError(error) ? error.code : 'FAILED',
    message: error instanceof Error ? error.message : String(error),
  },
});

export const hasDifferences = (report: DryRunReport): boolean => report.added + report.removed + report.changed > 0;

const count = (value: number): string => value.toLocaleString('en-US');
const rate = (events: number, seconds: number): string => (seconds > 0 ? `${count(Math.round(events / seconds))} events/s` : 'no time');

const rebuildLines = ({ projection, version, previous, resumed, resumedFrom, events, buildSeconds, droppedVersions, droppedKeys }: RebuildReport): string[] => {
  const dropped = droppedVersions.length === 0 ? 'nothing to drop' : `dropped version ${droppedVersions.join(', ')} (${count(droppedKeys)} keys)`;
  if (resumed === 'finish') return [`${projection}: version ${version} was already active; finished the interrupted rebuild: ${dropped}`];
  const from = resumedFrom === undefined ? 'from the start of the log' : `resumed from ${resumedFrom}`;
  return [
    `${projection}: version ${version} active (was ${previous === undefined ? 'none' : String(previous)}); built ${from}: ` +
      `${count(events)} events in ${buildSeconds.toFixed(1)} s (${rate(events, buildSeconds)}); ${dropped}`,
  ];
};

const dryRunLines = (report: DryRunReport): string[] => {
  const { projection, live, rebuilt, added, removed, changed, unchanged, samples } = report;
  const against = live.version === undefined ? 'no active version' : `live version ${live.version} (${count(live.keys)} keys, at ${live.checkpoint ?? 'no checkpoint'})`;
  const lines = [
    `${projection}: rebuilt ${count(rebuilt.keys)} keys (at ${rebuilt.checkpoint ?? 'the start'}) against ${against}: ` +
      `${count(added)} added, ${count(removed)} removed, ${count(changed)} changed, ${count(unchanged)} unchanged` +
      ` (${count(report.events)} events in ${report.buildSeconds.toFixed(1)} s)`,
  ];
  for (const kind of ['added', 'removed', 'changed'] as const) {
    if (samples[kind].length > 0) lines.push(`  ${kind}: ${samples[kind].join(', ')}${report[kind] > samples[kind].length ? ', …' : ''}`);
  }
  if (live.version !== undefined && !report.samePosition) {
    lines.push('  note: the two versions did not stand at the same log position while read; keys written meanwhile may show as differences');
  }
  return lines;
};

export const outcomeLines = (outcome: Outcome): string[] => {
  if (!outcome.ok) return [`${outcome.projection}: FAILED (${outcome.error.code}): ${outcome.error.message}`];
  return 'rebuild' in outcome ? rebuildLines(outcome.rebuild) : dryRunLines(outcome.dryRun);
};

/** One JSON document for the whole run; a consumer branches on `ok` and, in a dry run, `differences`. */
export const outcomesJson = (outcomes: readonly Outcome[], dryRun: boolean): string =>
  JSON.stringify(
    {
      ok: outcomes.every((outcome) => outcome.ok),
      dryRun,
      ...(dryRun ? { differences: outcomes.some((outcome) => outcome.ok && 'dryRun' in outcome && hasDifferences(outcome.dryRun)) } : {}),
      projections: outcomes.map((outcome) =>
        !outcome.ok ? outcome : 'rebuild' in outcome ? { ok: true, ...outcome.rebuild } : { ok: true, ...outcome.dryRun },
      ),
    },
    null,
    2,
  );
