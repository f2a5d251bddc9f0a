import { expect } from 'vitest';
import type { TradeCommand } from '../../../actors/trade/commands.js';
import { tradeDecider } from '../../../actors/trade/decider.js';
import type { TradeState } from '../../../actors/trade/state.js';
import type { Decision, DecisionContext } from '../../../actors/runtime/decider.js';
import type { Issuer } from '../../../actors/runtime/protocol/issuer.js';
import type { TradeEvent, TradeLeg, TradeStep } from '../../../events/trade.js';
import { NOW, contextFor, deciderSpec } from '../../support/decider-spec.js';

export const TRADE_ID = 't1';
export const ALICE = 'alice';
export const BOB = 'bob';
export const EXPIRES_AT = NOW.getTime() + 60_000;
export const player = (id: string): Issuer => ({ kind: 'player', id });
export const server: Issuer = { kind: 'server', id: 'gs1' };
export const by = (issuer: Issuer, at: Date = NOW): DecisionContext => contextFor(TRADE_ID, issuer, { now: at });

export const spec = deciderSpec(tradeDecider);

/** Builds a command with its data typed by its name. */
export const command = <Name extends TradeCommand['type']>(
  type: Name,
  data: Extract<TradeCommand, { type: Name }>['data'],
): TradeCommand => ({ type, data }) as TradeCommand;

export const itemLeg = (itemId: string, party: string): TradeLeg => ({ kind: 'item', itemId, party });
export const goldLeg = (party: string): TradeLeg => ({ kind: 'gold', party });

export const proposed: TradeEvent = {
  type: 'TradeProposed',
  data: { tradeId: TRADE_ID, initiator: ALICE, counterparty: BOB, expiresAt: EXPIRES_AT },
};
export const offered = (party: string, items: readonly string[], gold: number, offerVersion: number): TradeEvent => ({
  type: 'TradeOfferChanged',
  data: { party, items, gold, offerVersion },
});
export const accepted = (party: string, offerVersion: number): TradeEvent => ({ type: 'TradeOfferAccepted', data: { party, offerVersion } });
export const confirmed = (leg: TradeLeg): TradeEvent => ({ type: 'TradeEscrowConfirmed', data: { leg } });
export const settledLeg = (leg: TradeLeg): TradeEvent => ({ type: 'TradeLegSettled', data: { leg } });
export const releasedLeg = (leg: TradeLeg): TradeEvent => ({ type: 'TradeLegReleased', data: { leg } });
export const closed = (outcome: 'completed' | 'failed' | 'cancelled'): TradeEvent => ({ type: 'TradeClosed', data: { outcome } });

/** Alice offers sword s1 and 0 gold, Bob offers 50 gold: three legs once both accept. */
export const SWORD = itemLeg('s1', ALICE);
export const BOBS_GOLD = goldLeg(BOB);
export const offers: readonly TradeEvent[] = [proposed, offered(ALICE, ['s1'], 0, 1), offered(BOB, [], 50, 2)];
/** Both accepted version 2: the trade is escrowing the sword and Bob's 50 gold. */
export const agreed: readonly TradeEvent[] = [...offers, accepted(ALICE, 2), accepted(BOB, 2)];
/** Both legs escrowed: the trade is settling. */
export const escrowed: readonly TradeEvent[] = [...agreed, confirmed(SWORD), confirmed(BOBS_GOLD)];
/** The sword was escrowed, Bob's gold failed: the trade is releasing the sword. */
export const unwinding: readonly TradeEvent[] = [
  ...agreed,
  confirmed(SWORD),
  { type: 'TradeEscrowFailed', data: { leg: BOBS_GOLD, reason: 'insufficient gold' } },
];

export const escrowSword: TradeStep = { kind: 'escrowItem', leg: SWORD, itemId: 's1', from: ALICE };
export const escrowBobsGold: TradeStep = { kind: 'escrowGold', leg: BOBS_GOLD, party: BOB, amount: 50, reference: 't1-escrow' };
export const settleSword: TradeStep = { kind: 'settleItem', leg: SWORD, itemId: 's1', to: BOB };
export const settleBobsGold: TradeStep = { kind: 'settleGold', leg: BOBS_GOLD, to: ALICE, amount: 50, reference: 't1-settle' };
export const releaseSword: TradeStep = { kind: 'releaseItem', leg: SWORD, itemId: 's1', to: ALICE };
export const refundBobsGold: TradeStep = { kind: 'releaseGold', leg: BOBS_GOLD, to: BOB, amount: 50, reference: 't1-refund' };

export const fold = (events: readonly TradeEvent[], from: TradeState = tradeDecider.initialState()): TradeState =>
  events.reduce((state, event) => tradeDecider.evolve(state, event), from);

/** The comparable part of a snapshot: which state, and the context. */
export const view = (state: TradeState): { readonly value: unknown; readonly context: unknown } => ({
  value: state.value,
  context: state.context,
});

export const eventsOf = (decision: Decision<TradeEvent>): readonly TradeEvent[] => {
  if (!decision.ok) throw new Error(`expected events, got ${decision.rejection.code}: ${decision.rejection.message}`);
  return decision.events;
};

/** Asserts that sending the same command again after it was applied appends nothing. */
export const expectRepeatIsNoop = (given: readonly TradeEvent[], repeated: TradeCommand, context: DecisionContext): void => {
  const first = eventsOf(tradeDecider.decide(repeated, fold(given), context));
  expect(first.length).toBeGreaterThan(0);
  expect(eventsOf(tradeDecider.decide(repeated, fold([...given, ...first]), context))).toEqual([]);
};
