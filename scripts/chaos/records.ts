/**
 * The records scenarios append to SHARDKEEP_CHAOS_OUT, one JSON object a line. The shape
 * is test/support/chaos/figures.ts's `FigureRecord` plus what `recordFigure` adds (profile,
 * recordedAt); it is restated here because scripts/ never imports test/. Fields added to
 * the record later are optional and ignored here until the report shows them.
 */
export interface ChaosRecord {
  readonly figure: number;
  readonly scenario: string;
  readonly verdict: 'pass' | 'fail';
  readonly measurements: Readonly<Record<string, number | string>>;
  readonly seeds?: readonly number[];
  readonly method: string;
  readonly profile?: string;
  readonly recordedAt?: string;
}

export interface ParsedRecords {
  readonly records: readonly ChaosRecord[];
  /** Lines that are not a record, with their line number: a scenario writing the wrong shape. */
  readonly problems: readonly string[];
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Why a parsed line is not a record, or undefined when it is one. */
const shapeProblem = (value: unknown): string | undefined => {
  if (!isObject(value)) return 'not an object';
  if (typeof value['figure'] !== 'number' || !Number.isInteger(value['figure'])) return 'figure is not an integer';
  if (typeof value['scenario'] !== 'string') return 'scenario is not a string';
  if (value['verdict'] !== 'pass' && value['verdict'] !== 'fail') return "verdict is neither 'pass' nor 'fail'";
  if (typeof value['method'] !== 'string') return 'method is not a string';
  const measurements = value['measurements'];
  if (!isObject(measurements) || !Object.values(measurements).every((each) => typeof each === 'number' || typeof each === 'string')) {
    return 'measurements are not names with numbers or strings';
  }
  const seeds = value['seeds'];
  if (seeds !== undefined && !(Array.isArray(seeds) && seeds.every((seed) => typeof seed === 'number'))) return 'seeds are not numbers';
  return undefined;
};

/** Reads the JSON-lines text of one run; blank lines are skipped, malformed ones reported. */
export const parseRecords = (text: string): ParsedRecords => {
  const records: ChaosRecord[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      problems.push(`line ${index + 1}: not JSON`);
      return;
    }
    const problem = shapeProblem(value);
    if (problem === undefined) records.push(value as ChaosRecord);
    else problems.push(`line ${index + 1}: ${problem}`);
  });
  return { records, problems };
};
