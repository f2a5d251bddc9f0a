import type { Position } from '../../events/store/position.js';

/**
 * Where the audit saw something wrong, and the bounded list of what it saw: a replay of
 * a damaged log must not grow a report without bound, so only the first `max` problems
 * are kept (MAX_PROBLEMS by default), and the totals, by kind, say how many there were.
 */

/** A place in one stream: every problem names one. The global position, when the event is known. */
export interface Where {
  readonly stream: string;
  readonly revision: bigint;
  readonly position?: Position;
}

/** `item-sword-7@3`. */
export const describeWhere = (where: Where): string => `${where.stream}@${where.revision.toString()}`;

export const MAX_PROBLEMS = 100;

/**
 * What kind of invariant a problem breaks:
 * - `item-duplicated`: a change of custody that contradicts the item's state (two players could hold it);
 * - `item-vanished`: an item left in escrow of a trade or auction that is over, or never existed;
 * - `gold-created`: an overdraft of a wallet, pool or bank, a misstated balance, a bank entry no wallet paid for;
 * - `gold-stranded`: gold left in a closed trade or an ended auction;
 * - `gold-in-transit`: a guild bank movement with one side only;
 * - `command-repeated`: a command id applied a second time to the same stream;
 * - `log-gap`: revisions missing from a stream;
 * - `process`: a trade or an auction recording facts out of order;
 * - `invalid-entry`: an amount or a cause the catalog does not allow, a reference naming another trade.
 */
export const VIOLATION_KINDS = [
  'item-duplicated',
  'item-vanished',
  'gold-created',
  'gold-stranded',
  'gold-in-transit',
  'command-repeated',
  'log-gap',
  'process',
  'invalid-entry',
] as const;
export type ViolationKind = (typeof VIOLATION_KINDS)[number];

/** One problem: the first event where it shows, every stream it concerns, the items it concerns. */
export interface Violation {
  readonly kind: ViolationKind;
  readonly where: Where;
  readonly message: string;
  /** `where.stream` first, then the other streams involved (the trade, the auction, the players, the guild). */
  readonly streams: readonly string[];
  readonly items: readonly string[];
}

export interface Involved {
  readonly streams?: readonly (string | undefined)[];
  readonly items?: readonly string[];
}

export interface ProblemLog {
  note(where: Where, message: string, kind: ViolationKind, involved?: Involved): void;
  /** Every problem noted, including those past the first `max`. */
  readonly total: number;
  /** `stream@revision: message`, the first `max`. */
  readonly kept: readonly string[];
  readonly violations: readonly Violation[];
  /** Every problem noted, by kind. */
  readonly byKind: Readonly<Record<ViolationKind, number>>;
  /** A copy that takes further notes without changing this log: report() adds its end-of-log findings there. */
  fork(): ProblemLog;
}

const noKinds = (): Record<ViolationKind, number> =>
  Object.fromEntries(VIOLATION_KINDS.map((kind) => [kind, 0])) as Record<ViolationKind, number>;

const streamsOf = (where: Where, involved: Involved): string[] => {
  const streams = [where.stream];
  for (const stream of involved.streams ?? []) if (stream !== undefined && !streams.includes(stream)) streams.push(stream);
  return streams;
};

export const createProblemLog = (
  max = MAX_PROBLEMS,
  violations: Violation[] = [],
  byKind: Record<ViolationKind, number> = noKinds(),
): ProblemLog => {
  const kept = violations.map((violation) => `${describeWhere(violation.where)}: ${violation.message}`);
  let count = Object.values(byKind).reduce((sum, value) => sum + value, 0);
  return {
    note(where, message, kind, involved = {}) {
      count += 1;
      byKind[kind] += 1;
      if (violations.length >= max) return;
      violations.push({ kind, where, message, streams: streamsOf(where, involved), items: [...(involved.items ?? [])] });
      kept.push(`${describeWhere(where)}: ${message}`);
    },
    get total() {
      return count;
    },
    kept,
    violations,
    byKind,
    fork: () => createProblemLog(max, [...violations], { ...byKind }),
  };
};

/** The stream of an actor, as the runtime names it (`player-alice`); never throws on what a damaged log holds. */
export const streamOf = (category: 'player' | 'item' | 'guild' | 'trade' | 'auction', id: string): string => `${category}-${id}`;
