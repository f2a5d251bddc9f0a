/**
 * Where the audit saw something wrong, and the bounded list of what it saw: a replay of
 * a damaged log must not grow a report without bound, so only the first MAX_PROBLEMS
 * are kept, and the total says how many there were.
 */

/** A place in one stream: every problem names one. */
export interface Where {
  readonly stream: string;
  readonly revision: bigint;
}

/** `item-sword-7@3`. */
export const describeWhere = (where: Where): string => `${where.stream}@${where.revision.toString()}`;

export const MAX_PROBLEMS = 100;

export interface ProblemLog {
  note(where: Where, message: string): void;
  /** Every problem noted, including those past the first MAX_PROBLEMS. */
  readonly total: number;
  readonly kept: readonly string[];
  /** A copy that takes further notes without changing this log: report() adds its end-of-log findings there. */
  fork(): ProblemLog;
}

export const createProblemLog = (kept: string[] = [], total = 0): ProblemLog => {
  let count = total;
  return {
    note(where, message) {
      count += 1;
      if (kept.length < MAX_PROBLEMS) kept.push(`${describeWhere(where)}: ${message}`);
    },
    get total() {
      return count;
    },
    kept,
    fork: () => createProblemLog([...kept], count),
  };
};
