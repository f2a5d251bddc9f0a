/**
 * The fifteen figures of RELIABILITY.md and the spec files that measure them. The runner
 * picks files by figure (`--only 3,8`), runs them, and expects one record or more of each
 * figure it picked: a figure whose files are not written yet, or whose files recorded
 * nothing, is reported missing by name, never silently left out.
 *
 * To add a scenario: put its file (from the repository root) in `specs` of every figure
 * it records. A file listed here that does not exist yet is tolerated at run time: the
 * figure's row says "missing: no scenario".
 */
export interface FigureEntry {
  /** The row of RELIABILITY.md's table. */
  readonly figure: number;
  /** What the figure checks, as RELIABILITY.md states it. */
  readonly checks: string;
  /** How RELIABILITY.md says it is measured. */
  readonly how: string;
  /** Spec files that call `recordFigure` for this figure. */
  readonly specs: readonly string[];
}

export const FIGURES: readonly FigureEntry[] = [
  {
    figure: 1,
    checks: 'decider properties: gold and items conserved, fold(events) = state, a repeated command = one command, no negative balance; counterexamples 0',
    how: 'fast-check over command sequences',
    specs: ['test/chaos/decider-properties.chaos.spec.ts'],
  },
  {
    figure: 2,
    checks: 'ambiguous acks: replies dropped for 20% of 500 commands, clients retry by commandId; lost 0, applied twice 0',
    how: 'in process',
    specs: ['test/chaos/dropped-replies.chaos.spec.ts'],
  },
  {
    figure: 3,
    checks: 'trades with host kills: many players, items and trades, two hosts, SIGKILL every few seconds; items duplicated 0, vanished 0, gold created 0, trades stuck 0',
    how: 'final check by full replay',
    specs: ['test/integration/trade-chaos.int.spec.ts'],
  },
  {
    figure: 4,
    checks: 'one item offered in 2–8 concurrent trades; successful trades per item ≤ 1',
    how: 'hundreds of seeds',
    specs: ['test/process/one-item-many-trades.property.spec.ts'],
  },
  {
    figure: 5,
    checks: 'two hosts or two sessions for one player; conflicts detected 100%, dupes 0',
    how: 'repeated runs',
    specs: ['test/chaos/two-writers.chaos.spec.ts'],
  },
  {
    figure: 6,
    checks: 'second leg of a trade fails; gold created 0, compensations 100%',
    how: 'injected store failures',
    specs: ['test/process/trade-queue.spec.ts'],
  },
  {
    figure: 7,
    checks: 'amounts at 2^31±1, 2^32, 2^53, negative, NaN, fractional, strings; rejected or exact, gold created 0',
    how: 'property tests',
    specs: ['test/process/amounts.spec.ts'],
  },
  {
    figure: 8,
    checks: 'nats-server killed and restarted during load; acknowledged then lost 0, applied twice 0, recovery seconds',
    how: 'harness-owned nats-server',
    specs: ['test/chaos/nats-restart.chaos.spec.ts'],
  },
  {
    figure: 9,
    checks: 'Redis flushed or killed during projection; divergence from replay 0 keys after recovery',
    how: 'compare per-key hashes',
    specs: ['test/chaos/redis-projection.chaos.spec.ts'],
  },
  {
    figure: 10,
    checks: 'projector killed between data write and checkpoint; double-applied 0',
    how: 'data and checkpoint in one MULTI/EXEC',
    specs: ['test/integration/projector-kills.int.spec.ts'],
  },
  {
    figure: 11,
    checks: 'rebuild run twice; identical keyspace, equal to the live projection',
    how: 'hash of the keyspace',
    specs: ['test/integration/rebuild.int.spec.ts'],
  },
  {
    figure: 12,
    checks:
      'hostile payloads (deeply nested msgpack, huge length headers, oversized, __proto__ keys, bad UTF-8, unknown fields); rejected with a typed error 100%, process alive, memory bounded',
    how: 'byte cap, then decoder limits, then schema validation',
    specs: ['test/chaos/hostile-input.chaos.spec.ts'],
  },
  {
    figure: 13,
    checks: 'decoder fuzzing; crashes, hangs and unhandled rejections 0',
    how: 'fuzz loop over the codecs',
    specs: ['test/chaos/decoder-fuzz.chaos.spec.ts'],
  },
  {
    figure: 14,
    checks: "authorization: a player's credentials reach only its own subjects; the game's Redis user cannot FLUSHALL or CONFIG; denied 100%",
    how: 'NATS permissions, Redis ACL',
    specs: ['test/chaos/authorization.chaos.spec.ts'],
  },
  {
    figure: 15,
    checks: "one player flooding commands; accepted within its rate limit, other players' p99 unchanged",
    how: 'token bucket per player',
    specs: ['test/chaos/rate-limit.chaos.spec.ts'],
  },
];

/** The entries of the figures asked for, in table order; every number must be in the table. */
export const selectFigures = (registry: readonly FigureEntry[], only: readonly number[] | undefined): FigureEntry[] => {
  if (only === undefined) return [...registry];
  const unknown = only.filter((figure) => !registry.some((entry) => entry.figure === figure));
  if (unknown.length > 0) throw new RangeError(`no figure ${unknown.join(', ')} (the table has ${registry.map(({ figure }) => figure).join(', ')})`);
  return registry.filter((entry) => only.includes(entry.figure));
};
