import type { FigureEntry } from './figures.js';
import type { ChaosRecord } from './records.js';

/** How vitest ended a spec file: from its JSON report, or `unknown` when there is none. */
export type SpecStatus = 'passed' | 'failed' | 'unknown';

export interface SpecRun {
  /** From the repository root, as in the registry. */
  readonly path: string;
  /** `absent`: the registry names it but the file is not written yet. */
  readonly status: SpecStatus | 'absent';
}

export type FigureResult = 'pass' | 'fail' | 'missing';

export interface FigureOutcome {
  readonly entry: FigureEntry;
  readonly result: FigureResult;
  /** Why a figure failed or is missing, in a few words; absent when it passed. */
  readonly reason?: string;
  readonly records: readonly ChaosRecord[];
  readonly specs: readonly SpecRun[];
}

/**
 * One figure's result: missing when no file measures it yet or none recorded it; failed
 * when a record says so or one of its files failed (an assertion after the record, or a
 * test beside it); passed otherwise.
 */
export const figureOutcome = (
  entry: FigureEntry,
  records: readonly ChaosRecord[],
  statusOf: (path: string) => SpecRun['status'],
): FigureOutcome => {
  const mine = records.filter((record) => record.figure === entry.figure);
  const specs = entry.specs.map((path) => ({ path, status: statusOf(path) }));
  const present = specs.filter((spec) => spec.status !== 'absent');
  const failedFiles = present.filter((spec) => spec.status === 'failed').map((spec) => spec.path);
  const base = { entry, records: mine, specs };
  if (present.length === 0) {
    const absent = specs.map((spec) => spec.path);
    return { ...base, result: 'missing', reason: absent.length === 0 ? 'no scenario' : `no scenario (${absent.join(', ')} not written)` };
  }
  if (mine.length === 0) {
    const why = failedFiles.length > 0 ? `; ${failedFiles.join(', ')} failed` : '';
    return { ...base, result: 'missing', reason: `nothing recorded${why}` };
  }
  const failedRecords = mine.filter((record) => record.verdict === 'fail').map((record) => record.scenario);
  if (failedRecords.length > 0) return { ...base, result: 'fail', reason: `failed: ${failedRecords.join('; ')}` };
  if (failedFiles.length > 0) return { ...base, result: 'fail', reason: `${failedFiles.join(', ')} failed` };
  return { ...base, result: 'pass' };
};

export const EXIT_PASSED = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** 0 only when every figure asked for was recorded and passed and vitest itself succeeded. */
export const exitCodeFor = (outcomes: readonly FigureOutcome[], vitestCode: number | null): number =>
  outcomes.length > 0 && outcomes.every((outcome) => outcome.result === 'pass') && vitestCode === 0 ? EXIT_PASSED : EXIT_FAILED;
