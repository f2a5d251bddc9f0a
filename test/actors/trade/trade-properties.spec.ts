import fc from 'fast-check';
import { transition } from 'xstate';
import { describe, expect, it } from 'vitest';
import type { TradeCommand } from '../../../actors/trade/commands.js';
import { tradeDecider } from '../../../actors/trade/decider.js';
import { tradeMachine } from '../../../actors/trade/machine.js';
import { pendingSteps, statusOf, type TradeState } from '../../../actors/trade/state.js';
import type { ErrorCode } from '../../../actors/runtime/protocol/error-codes.js';
import type { DecisionContext } from '../../../actors/runtime/decider.js';
import { describeLeg, isTradeRequest, type TradeEvent, type TradeLeg, type TradeStep } from '../../../events/trade.js';
import { ALICE, BOB, EXPIRES_AT, by, command, player, server, view } from './fixtures.js';

/**
 * Random command sequences against one trade: parties (and a stranger) offering,
 * accepting current and stale versions, cancelling, the clock expiring the trade, and
 * a process manager reporting both true outcomes of pending steps and arbitrary,
 * often wrong, reports. After each sequence the manager finishes every pending step,
 * as it would after a crash, and the whole history is checked.
 */
const SEED = 20_261_124;
const WHO = [ALICE, BOB, 'eve'] as const;
const ITEMS = ['i1', 'i2', 'i3'] as const;
const REFUSALS: readonly ErrorCode[] = ['REJECTED', 'UNAUTHORIZED', 'NOT_FOUND', 'VALIDATION'];
const REPORTS = ['escrowConfirmed', 'escrowFailed', 'settled', 'released'] as const;

type Op =
  | { readonly kind: 'offer'; readonly who: number; readonly items: readonly string[]; readonly gold: number }
  | { readonly kind: 'accept'; readonly who: number; readonly stale: boolean }
  | { readonly kind: 'cancel'; readonly who: number }
  | { readonly kind: 'expire'; readonly late: boolean }
  | { readonly kind: 'report'; readonly pick: number; readonly report: (typeof REPORTS)[number] }
  | { readonly kind: 'manager'; readonly pick: number; readonly succeed: boolean };

// The stranger ('eve', 2) is picked less often than the parties.
const who = fc.constantFrom(0, 0, 1, 1, 2);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('offer' as const), who, items: fc.subarray([...ITEMS]), gold: fc.constantFrom(0, 10, 250) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('accept' as const), who, stale: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), who }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('expire' as const), late: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('report' as const), pick: fc.nat(), report: fc.constantFrom(...REPORTS) }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('manager' as const), pick: fc.nat(), succeed: fc.boolean() }) },
);

/**
 * Most sequences reach agreement: some haggling, then (usually) both parties offer and
 * accept the current version, then anything, mostly the manager working through the plan.
 */
const agreement: fc.Arbitrary<readonly Op[]> = fc
  .tuple(fc.subarray([...ITEMS]), fc.constantFrom(0, 10, 250), fc.subarray([...ITEMS]), fc.constantFrom(0, 10, 250))
  .map(([aliceItems, aliceGold, bobItems, bobGold]): readonly Op[] => [
    { kind: 'offer', who: 0, items: aliceItems, gold: aliceGold },
    { kind: 'offer', who: 1, items: bobItems.filter((item) => !aliceItems.includes(item)), gold: bobGold },
    { kind: 'accept', who: 0, stale: false },
    { kind: 'accept', who: 1, stale: false },
  ]);
const sequence: fc.Arbitrary<readonly Op[]> = fc
  .tuple(fc.array(op, { maxLength: 6 }), fc.option(agreement, { freq: 5 }), fc.array(op, { maxLength: 30 }))
  .map(([haggling, agreed, rest]) => [...haggling, ...(agreed ?? []), ...rest]);

/** The manager's report for a step that did what it asked (or, for escrows, was refused). */
const reportFor = (step: TradeStep, succeed: boolean): TradeCommand => {
  switch (step.kind) {
    case 'escrowItem':
    case 'escrowGold':
      return succeed ? command('escrowConfirmed', { step: step.leg }) : command('escrowFailed', { step: step.leg, reason: 'refused' });
    case 'settleItem':
    case 'settleGold':
      return command('settled', { step: step.leg });
    case 'releaseItem':
    case 'releaseGold':
      return command('released', { step: step.leg });
  }
};

const toCommand = (state: TradeState, next: Op): [TradeCommand, DecisionContext] | undefined => {
  const { offerVersion, legs } = state.context;
  switch (next.kind) {
    case 'offer':
      return [command('offer', { items: [...next.items], gold: next.gold }), by(player(WHO[next.who] ?? 'eve'))];
    case 'accept':
      return [command('accept', { offerVersion: Math.max(1, next.stale ? offerVersion - 1 : offerVersion) }), by(player(WHO[next.who] ?? 'eve'))];
    case 'cancel':
      return [command('cancel', {}), by(player(WHO[next.who] ?? 'eve'))];
    case 'expire':
      return [command('expire', {}), by(server, new Date(EXPIRES_AT + (next.late ? 1 : -1)))];
    case 'report': {
      const leg: TradeLeg = legs[next.pick % Math.max(1, legs.length)]?.leg ?? { kind: 'item', itemId: 'i1', party: ALICE };
      const data = next.report === 'escrowFailed' ? { step: leg, reason: 'refused' } : { step: leg };
      return [command(next.report, data), by(server)];
    }
    case 'manager': {
      const pending = pendingSteps(state);
      const step = pending[next.pick % Math.max(1, pending.length)];
      return step === undefined ? undefined : [reportFor(step, next.succeed), by(server)];
    }
  }
};

const IS_STEP: ReadonlySet<string> = new Set(REPORTS);

/** Decides one command, checks the per-command properties, and returns the new state. */
const apply = (state: TradeState, [cmd, context]: [TradeCommand, DecisionContext], history: TradeEvent[]): TradeState => {
  const decision = tradeDecider.decide(cmd, state, context);
  if (!decision.ok) {
    expect(REFUSALS).toContain(decision.rejection.code);
    return state;
  }
  const next = decision.events.reduce((current, event) => tradeDecider.evolve(current, event), state);
  const [fact, ...requests] = decision.events;
  if (fact !== undefined) {
    // Rebuilt from the events = the snapshot the machine produced while deciding.
    expect(isTradeRequest(fact)).toBe(false);
    expect(requests.every(isTradeRequest)).toBe(true);
    if (!isTradeRequest(fact)) expect(view(next)).toEqual(view(transition(tradeMachine, state, fact)[0]));
    // A repeated step is a no-op.
    if (IS_STEP.has(cmd.type)) expect(tradeDecider.decide(cmd, next, context)).toEqual({ ok: true, events: [] });
  }
  history.push(...decision.events);
  return next;
};

const stepsIn = (history: readonly TradeEvent[], type: 'TradeEscrowRequested' | 'TradeSettlementRequested' | 'TradeReleaseRequested'): TradeStep[] =>
  history.flatMap((event) => (event.type === type ? [...event.data.steps] : []));
const legsWith = (history: readonly TradeEvent[], type: 'TradeEscrowConfirmed' | 'TradeLegSettled' | 'TradeLegReleased'): Set<string> =>
  new Set(history.flatMap((event) => (event.type === type ? [describeLeg(event.data.leg)] : [])));
const goldOf = (steps: readonly TradeStep[], legs: ReadonlySet<string>): number =>
  steps.reduce(
    (sum, step) =>
      (step.kind === 'escrowGold' || step.kind === 'settleGold' || step.kind === 'releaseGold') && legs.has(describeLeg(step.leg)) ? sum + step.amount : sum,
    0,
  );

const checkHistory = (state: TradeState, history: readonly TradeEvent[]): void => {
  const escrowedLegs = legsWith(history, 'TradeEscrowConfirmed');
  const settledLegs = legsWith(history, 'TradeLegSettled');
  const releasedLegs = legsWith(history, 'TradeLegReleased');
  // An item is never settled to both parties, nor both settled and handed back.
  const settledTo = new Map<string, Set<string>>();
  for (const step of stepsIn(history, 'TradeSettlementRequested')) {
    if (step.kind === 'settleItem') settledTo.set(step.itemId, (settledTo.get(step.itemId) ?? new Set()).add(step.to));
  }
  for (const targets of settledTo.values()) expect(targets.size).toBe(1);
  for (const leg of settledLegs) expect(releasedLegs.has(leg)).toBe(false);
  // Every escrowed leg ended settled or released: nothing is left pending or held.
  expect(pendingSteps(state)).toEqual([]);
  for (const leg of escrowedLegs) expect(settledLegs.has(leg) || releasedLegs.has(leg)).toBe(true);
  expect(['unproposed', 'negotiating', 'completed', 'failed', 'cancelled']).toContain(statusOf(state));
  // Gold: settled + refunded = escrowed, with the amounts of the plan's own steps.
  const escrowedGold = goldOf(stepsIn(history, 'TradeEscrowRequested'), escrowedLegs);
  const settledGold = goldOf(stepsIn(history, 'TradeSettlementRequested'), settledLegs);
  const refundedGold = goldOf(stepsIn(history, 'TradeReleaseRequested'), releasedLegs);
  expect(settledGold + refundedGold).toBe(escrowedGold);
  // Settlement is all or nothing.
  if (settledLegs.size > 0) expect(releasedLegs.size).toBe(0);
};

describe('trade properties', () => {
  it(`hold over random command sequences (seed ${SEED})`, () => {
    fc.assert(
      fc.property(sequence, (ops) => {
        const history: TradeEvent[] = [];
        let state = apply(tradeDecider.initialState(), [command('propose', { initiator: ALICE, counterparty: BOB, expiresAt: EXPIRES_AT }), by(server)], history);
        for (const next of ops) {
          const sent = toCommand(state, next);
          if (sent !== undefined) state = apply(state, sent, history);
        }
        // Recovery: the manager finishes what the plan still asks for.
        for (let round = 0; round < 100 && pendingSteps(state).length > 0; round += 1) {
          const [step] = pendingSteps(state);
          if (step !== undefined) state = apply(state, [reportFor(step, true), by(server)], history);
        }
        checkHistory(state, history);
        // The state is the fold of the stream, from scratch.
        expect(view(history.reduce((current, event) => tradeDecider.evolve(current, event), tradeDecider.initialState()))).toEqual(view(state));
      }),
      { seed: SEED, numRuns: 400 },
    );
  });
});
