import { transition } from 'xstate';
import { describe, expect, it } from 'vitest';
import { tradeDecider } from '../../../actors/trade/decider.js';
import { tradeMachine } from '../../../actors/trade/machine.js';
import { pendingSteps, statusOf } from '../../../actors/trade/state.js';
import { isTradeRequest, type TradeEvent } from '../../../events/trade.js';
import {
  ALICE,
  BOB,
  BOBS_GOLD,
  EXPIRES_AT,
  SWORD,
  agreed,
  by,
  closed,
  command,
  confirmed,
  escrowBobsGold,
  escrowSword,
  escrowed,
  eventsOf,
  expectRepeatIsNoop,
  fold,
  goldLeg,
  itemLeg,
  player,
  refundBobsGold,
  releaseSword,
  releasedLeg,
  server,
  settleBobsGold,
  settleSword,
  settledLeg,
  spec,
  unwinding,
  view,
} from './fixtures.js';

const confirm = (step = SWORD) => command('escrowConfirmed', { step });
const fail = (step = BOBS_GOLD) => command('escrowFailed', { step, reason: 'insufficient gold' });
const settle = (step = SWORD) => command('settled', { step });
const release = (step = SWORD) => command('released', { step });
const failedGold: TradeEvent = { type: 'TradeEscrowFailed', data: { leg: BOBS_GOLD, reason: 'insufficient gold' } };
const cancelledBy = (party: string): TradeEvent => ({ type: 'TradeCancelled', data: { party } });

describe('trade: escrowing', () => {
  it('records one confirmed leg and waits for the rest', () => {
    spec.given(agreed).when(confirm(), by(server)).then([confirmed(SWORD)]);
    expect(pendingSteps(fold([...agreed, confirmed(SWORD)]))).toEqual([escrowBobsGold]);
  });
  it('moves to settling when the last leg is escrowed and requests every settlement', () => {
    spec
      .given([...agreed, confirmed(SWORD)])
      .when(confirm(BOBS_GOLD), by(server))
      .then([confirmed(BOBS_GOLD), { type: 'TradeSettlementRequested', data: { steps: [settleSword, settleBobsGold] } }]);
    expect(statusOf(fold(escrowed))).toBe('settling');
  });
  it('treats a repeated confirmation as a no-op, also after settlement began', () => {
    expectRepeatIsNoop(agreed, confirm(), by(server));
    spec.given(escrowed).when(confirm(), by(server)).then([]);
  });
  it('answers NOT_FOUND for a leg the trade does not have', () => {
    spec.given(agreed).when(confirm(itemLeg('s9', ALICE)), by(server)).thenRejects('NOT_FOUND');
    spec.given(agreed).when(confirm(goldLeg(ALICE)), by(server)).thenRejects('NOT_FOUND');
  });
  it('takes process-manager steps only from a server', () => {
    for (const step of [confirm(), fail(), settle(), release()]) spec.given(agreed).when(step, by(player(ALICE))).thenRejects('UNAUTHORIZED');
  });
  it('refuses settlement and release reports before their phase', () => {
    spec.given(agreed).when(settle(), by(server)).thenRejects('REJECTED');
    spec.given([...agreed, confirmed(SWORD)]).when(settle(), by(server)).thenRejects('REJECTED');
    spec.given([...agreed, confirmed(SWORD)]).when(release(), by(server)).thenRejects('REJECTED');
  });
  it('unwinds on a failed escrow, releasing what is held', () => {
    spec
      .given([...agreed, confirmed(SWORD)])
      .when(fail(), by(server))
      .then([failedGold, { type: 'TradeReleaseRequested', data: { steps: [releaseSword] } }]);
    expect(statusOf(fold(unwinding))).toBe('releasing');
  });
  it('fails at once when nothing was held yet', () => {
    spec.given(agreed).when(fail(), by(server)).then([failedGold]);
    expect(statusOf(fold([...agreed, failedGold]))).toBe('releasing');
    spec.given([...agreed, failedGold]).when(command('escrowFailed', { step: SWORD, reason: 'not owner' }), by(server)).then([
      { type: 'TradeEscrowFailed', data: { leg: SWORD, reason: 'not owner' } },
      closed('failed'),
    ]);
  });
  it('treats a repeated failure as a no-op and refuses a confirmation after it', () => {
    expectRepeatIsNoop(agreed, fail(), by(server));
    spec.given([...agreed, failedGold]).when(confirm(BOBS_GOLD), by(server)).thenRejects('REJECTED');
  });
  it('refuses a failure report for a leg already escrowed', () => {
    spec.given([...agreed, confirmed(SWORD)]).when(fail(SWORD), by(server)).thenRejects('REJECTED');
  });
  it('unwinds on cancel or expiry before settlement', () => {
    spec
      .given([...agreed, confirmed(SWORD)])
      .when(command('cancel', {}), by(player(ALICE)))
      .then([cancelledBy(ALICE), { type: 'TradeReleaseRequested', data: { steps: [releaseSword] } }]);
    spec
      .given([...agreed, confirmed(SWORD)])
      .when(command('expire', {}), by(server, new Date(EXPIRES_AT)))
      .then([{ type: 'TradeExpired', data: { at: EXPIRES_AT } }, { type: 'TradeReleaseRequested', data: { steps: [releaseSword] } }]);
  });
});

describe('trade: settling', () => {
  it('records each settled leg and completes with the last', () => {
    spec.given(escrowed).when(settle(), by(server)).then([settledLeg(SWORD)]);
    spec.given([...escrowed, settledLeg(SWORD)]).when(settle(BOBS_GOLD), by(server)).then([settledLeg(BOBS_GOLD), closed('completed')]);
    const done = fold([...escrowed, settledLeg(SWORD), settledLeg(BOBS_GOLD)]);
    expect(statusOf(done)).toBe('completed');
    expect(pendingSteps(done)).toEqual([]);
  });
  it('lists the settlements still due', () => {
    expect(pendingSteps(fold([...escrowed, settledLeg(SWORD)]))).toEqual([settleBobsGold]);
  });
  it('treats a repeated settlement as a no-op, also after completion', () => {
    expectRepeatIsNoop(escrowed, settle(), by(server));
    spec.given([...escrowed, settledLeg(SWORD), settledLeg(BOBS_GOLD)]).when(settle(), by(server)).then([]);
  });
  it('can no longer be cancelled, expired, failed or released', () => {
    spec.given(escrowed).when(command('cancel', {}), by(player(BOB))).thenRejects('REJECTED', /no longer/);
    spec.given(escrowed).when(command('expire', {}), by(server, new Date(EXPIRES_AT))).thenRejects('REJECTED', /no longer/);
    spec.given(escrowed).when(fail(SWORD), by(server)).thenRejects('REJECTED');
    spec.given(escrowed).when(release(), by(server)).thenRejects('REJECTED');
  });
});

describe('trade: releasing', () => {
  it('lists the releases still due', () => {
    expect(pendingSteps(fold(unwinding))).toEqual([releaseSword]);
  });
  it('fails once everything held is released', () => {
    spec.given(unwinding).when(release(), by(server)).then([releasedLeg(SWORD), closed('failed')]);
    expectRepeatIsNoop(unwinding, release(), by(server));
  });
  it('ends cancelled when it unwinds because of a cancel, once no escrow is in doubt', () => {
    const cancelled = [...agreed, confirmed(SWORD), cancelledBy(BOB)];
    // Bob's gold escrow may still land: the trade waits for its outcome.
    spec.given(cancelled).when(release(), by(server)).then([releasedLeg(SWORD)]);
    spec.given([...cancelled, failedGold]).when(release(), by(server)).then([releasedLeg(SWORD), closed('cancelled')]);
  });
  it('asks again for an escrow whose outcome is unknown, and releases it once confirmed', () => {
    const given = [...agreed, cancelledBy(BOB)];
    expect(pendingSteps(fold(given))).toEqual([escrowSword, escrowBobsGold]);
    spec
      .given(given)
      .when(confirm(BOBS_GOLD), by(server))
      .then([confirmed(BOBS_GOLD), { type: 'TradeReleaseRequested', data: { steps: [refundBobsGold] } }]);
    spec.given(given).when(fail(), by(server)).then([failedGold]);
  });
  it('refuses a settlement report', () => {
    spec.given(unwinding).when(settle(), by(server)).thenRejects('REJECTED');
  });
});

describe('trade: state rebuilt from events', () => {
  it('equals the snapshot the machine produced while deciding', () => {
    const history: readonly TradeEvent[] = [...escrowed, settledLeg(SWORD)];
    let state = tradeDecider.initialState();
    for (const event of history) {
      if (isTradeRequest(event)) continue;
      const [seen] = transition(tradeMachine, state, event);
      state = tradeDecider.evolve(state, event);
      expect(view(state)).toEqual(view(seen));
    }
  });
  it('ignores the requests: folding them changes nothing', () => {
    const decided = eventsOf(tradeDecider.decide(command('accept', { offerVersion: 2 }), fold(agreed.slice(0, -1)), by(player(BOB))));
    const facts = decided.filter((event) => event.type === 'TradeOfferAccepted');
    expect(view(fold([...agreed.slice(0, -1), ...decided]))).toEqual(view(fold([...agreed.slice(0, -1), ...facts])));
  });
  it('ignores facts that do not fit the state', () => {
    expect(view(fold([...agreed, settledLeg(SWORD)]))).toEqual(view(fold(agreed)));
    expect(view(fold([confirmed(SWORD)]))).toEqual(view(fold([])));
  });
});

describe('trade: aborted by the trade queue', () => {
  const abort = command('abort', { reason: 'escrow outcome unknown: INTERNAL: event store failed' });
  const aborted: TradeEvent = { type: 'TradeAborted', data: { reason: 'escrow outcome unknown: INTERNAL: event store failed' } };

  it('unwinds an escrowing trade as failed, releasing what is held and asking again about what is not known', () => {
    spec
      .given([...agreed, confirmed(SWORD)])
      .when(abort, by(server))
      .then([aborted, { type: 'TradeReleaseRequested', data: { steps: [releaseSword] } }]);
    const state = fold([...agreed, confirmed(SWORD), aborted]);
    expect(statusOf(state)).toBe('releasing');
    expect(pendingSteps(state)).toEqual([releaseSword, escrowBobsGold]);
  });
  it('ends failed once the late escrow is confirmed and released', () => {
    const late = [...agreed, confirmed(SWORD), aborted, releasedLeg(SWORD)];
    spec
      .given(late)
      .when(confirm(BOBS_GOLD), by(server))
      .then([confirmed(BOBS_GOLD), { type: 'TradeReleaseRequested', data: { steps: [refundBobsGold] } }]);
    spec.given([...late, confirmed(BOBS_GOLD)]).when(release(BOBS_GOLD), by(server)).then([releasedLeg(BOBS_GOLD), closed('failed')]);
  });
  it('is a no-op once the trade is unwinding or over, and refused before escrow or during settlement', () => {
    spec.given([...agreed, aborted]).when(abort, by(server)).then([]);
    spec.given([...unwinding]).when(abort, by(server)).then([]);
    spec.given(agreed.slice(0, 3)).when(abort, by(server)).thenRejects('REJECTED');
    spec.given(escrowed).when(abort, by(server)).thenRejects('REJECTED');
  });
  it('may come from the trade queue only', () => {
    spec.given(agreed).when(abort, by(player(ALICE))).thenRejects('UNAUTHORIZED');
  });
});
