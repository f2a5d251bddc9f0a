/**
 * One figure as a scenario measured it: what the scenarios append to SHARDKEEP_CHAOS_OUT,
 * one JSON object a line (test/support/chaos/figures.ts writes them). Fields added later
 * are optional and ignored here until the report shows them.
 */
export interface FigureRecord {
  /** The row of RELIABILITY.md's table, 1 to 15. */
  readonly figure: number;
  /** What was run, in a few words: "nats-server killed and restarted under load". */
  readonly scenario: string;
  /** Whether every invariant of the figure held. */
  readonly verdict: 'pass' | 'fail';
  /**
   * The figures themselves, by name, in the order they should be shown:
   * `{ commands: 500, ok: 500, lost: 0, unknown: 0, unexpected: 0, 'applied twice': 0 }`.
   */
  readonly measurements: Readonly<Record<string, number | string>>;
  /** Seeds used, printed so that a run can be replayed. */
  readonly seeds?: readonly number[];
  /** One or two sentences: what was injected, and how the check was made. */
  readonly method: string;
}

/** A record as written: the figure, and the run's profile and time, which the writer adds. */
export interface ChaosRecord extends FigureRecord {
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
