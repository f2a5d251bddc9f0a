import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkItemSequence, itemSteps } from '../../support/actors/item-sequences.js';

/**
 * Random command sequences against a few items, from random issuers (servers and
 * players, entitled or not): test/support/actors/item-sequences.ts draws them and checks
 * each step.
 */
const SEED = 20261124;
const RUNS = 1_000;

describe('item decider properties', () => {
  it(`keeps one owner or one escrow at every prefix, fold(events) = state, a repeated step = one step (seed ${SEED}, ${RUNS} runs)`, () => {
    const tally = { events: new Map<string, number>(), rejections: new Map<string, number>() };

    fc.assert(
      fc.property(itemSteps, (steps) => checkItemSequence(steps, tally)),
      { seed: SEED, numRuns: RUNS },
    );

    // The generator reached every event and the interesting refusals, many times.
    for (const type of ['ItemMinted', 'ItemTransferred', 'ItemEscrowed', 'ItemReleased', 'ItemConsumed', 'ItemDestroyed']) {
      expect(tally.events.get(type) ?? 0, type).toBeGreaterThan(100);
    }
    const refusals = ['transfer:UNAUTHORIZED', 'transfer:NOT_OWNER', 'transfer:NOT_FOUND', 'transfer:REJECTED', 'escrow:NOT_OWNER', 'escrow:REJECTED'];
    refusals.push('release:REJECTED', 'release:UNAUTHORIZED', 'mint:REJECTED', 'consume:NOT_OWNER', 'destroy:REJECTED');
    for (const key of refusals) {
      expect(tally.rejections.get(key) ?? 0, key).toBeGreaterThan(50);
    }
  });
});
