import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkItemSequence, itemSteps } from '../support/actors/item-sequences.js';
import { checkFoldEqualsState, checkGoldConserved, checkRepeatIsOne, scenario } from '../support/actors/player-scenarios.js';
import { recordFigure, scaled } from '../support/chaos/figures.js';

/**
 * Figure 1 of RELIABILITY.md: the decider properties over random command sequences, the
 * same generators and checks as the deciders' specifications (test/support/actors), run
 * longer. The short profile runs as many sequences as `npm test` does; the full profile
 * ten times as many.
 */
const SEED = 20261124;
const PLAYER_RUNS = scaled({ short: 300, full: 3_000 });
const ITEM_RUNS = scaled({ short: 1_000, full: 10_000 });

interface Outcome {
  readonly failed: boolean;
  readonly numRuns: number;
  /** fast-check's report: the counterexample, shrunk, and the seed and path to replay it. */
  readonly report: string;
}

interface Property {
  /** The measurement's name in the report. */
  readonly name: string;
  readonly run: () => Outcome;
}

const outcomeOf = <T>(details: fc.RunDetails<T>): Outcome => ({
  failed: details.failed,
  numRuns: details.numRuns,
  report: fc.defaultReportMessage(details) ?? '',
});

const PROPERTIES: readonly Property[] = [
  {
    name: 'gold conserved and never negative',
    run: () => outcomeOf(fc.check(fc.property(scenario, checkGoldConserved), { seed: SEED, numRuns: PLAYER_RUNS })),
  },
  {
    name: 'player fold = state',
    run: () => outcomeOf(fc.check(fc.property(scenario, fc.nat(), checkFoldEqualsState), { seed: SEED, numRuns: PLAYER_RUNS })),
  },
  {
    name: 'player repeat = one',
    run: () => outcomeOf(fc.check(fc.property(scenario, checkRepeatIsOne), { seed: SEED, numRuns: PLAYER_RUNS })),
  },
  {
    name: 'item custody, fold, repeat',
    run: () => outcomeOf(fc.check(fc.property(itemSteps, (steps) => checkItemSequence(steps)), { seed: SEED, numRuns: ITEM_RUNS })),
  },
];

describe('decider properties (figure 1)', () => {
  it(`hold over ${PLAYER_RUNS} player and ${ITEM_RUNS} item command sequences (seed ${SEED})`, () => {
    const results = PROPERTIES.map((property) => ({ property, details: property.run() }));
    // Sequences whose property failed: fast-check stops at the first, so each counts once.
    const counterexamples = results.filter(({ details }) => details.failed).length;
    console.log(`decider properties: ${results.map(({ property, details }) => `${property.name}: ${details.numRuns} runs${details.failed ? ' FAILED' : ''}`).join('; ')}`);
    recordFigure({
      figure: 1,
      scenario: 'player and item deciders over random command sequences',
      verdict: counterexamples === 0 ? 'pass' : 'fail',
      measurements: {
        ...Object.fromEntries(results.map(({ property, details }) => [`${property.name} (runs)`, details.numRuns])),
        counterexamples,
      },
      seeds: [SEED],
      method:
        `fast-check drew ${PLAYER_RUNS} player scenarios per property (a registration, then up to 80 commands: sessions, zones, guilds, credits and debits at the 2^31, 2^32 ` +
        `and per-operation bounds, from issuers entitled or not) and ${ITEM_RUNS} sequences of up to 60 item commands over three items; each was run through the decider as the host ` +
        'would, checking the ledger against every balance, the fold of the events (also through codec bytes and a snapshot) against the state, every step repeated, and one custody per item at every prefix.',
    });
    for (const { property, details } of results) expect(details.failed, `${property.name}\n${details.report}`).toBe(false);
  });
});
