import { describe, expect, it } from 'vitest';
import { pendingSteps, statusOf } from '../../../actors/trade/state.js';
import { NOW } from '../../support/decider-spec.js';
import {
  ALICE,
  BOB,
  EXPIRES_AT,
  accepted,
  agreed,
  by,
  closed,
  command,
  escrowBobsGold,
  escrowSword,
  expectRepeatIsNoop,
  fold,
  offered,
  offers,
  player,
  proposed,
  server,
  spec,
} from './fixtures.js';

const propose = command('propose', { initiator: ALICE, counterparty: BOB, expiresAt: EXPIRES_AT });
const after = (ms: number): Date => new Date(EXPIRES_AT + ms);

describe('trade: propose', () => {
  it('opens the trade in negotiation', () => {
    spec.given([]).when(propose, by(player(ALICE))).then([proposed]);
    expect(statusOf(fold([proposed]))).toBe('negotiating');
  });
  it('may be proposed by a server for any player', () => {
    spec.given([]).when(propose, by(server)).then([proposed]);
  });
  it('refuses a player proposing for another', () => {
    spec.given([]).when(propose, by(player(BOB))).thenRejects('UNAUTHORIZED');
  });
  it('refuses a trade with oneself', () => {
    spec.given([]).when(command('propose', { initiator: ALICE, counterparty: ALICE, expiresAt: EXPIRES_AT }), by(server)).thenRejects('REJECTED', /itself/);
  });
  it('refuses an expiry that is not in the future', () => {
    spec.given([]).when(command('propose', { initiator: ALICE, counterparty: BOB, expiresAt: NOW.getTime() }), by(server)).thenRejects('REJECTED', /expire/);
  });
  it('never reuses a trade id', () => {
    spec.given([proposed]).when(propose, by(server)).thenRejects('REJECTED', /already exists/);
  });
  it('refuses trade ids too long for the ledger references', () => {
    const context = { ...by(server), actorId: 'x'.repeat(58) };
    spec.given([]).when(propose, context).thenRejects('VALIDATION');
  });
  it('answers NOT_FOUND to every other command before the proposal', () => {
    spec.given([]).when(command('offer', { items: [], gold: 5 }), by(player(ALICE))).thenRejects('NOT_FOUND');
    spec.given([]).when(command('expire', {}), by(server)).thenRejects('NOT_FOUND');
  });
});

describe('trade: offer', () => {
  it('records the whole offer with the next version', () => {
    spec.given([proposed]).when(command('offer', { items: ['s1', 's2'], gold: 10 }), by(player(ALICE))).then([offered(ALICE, ['s1', 's2'], 10, 1)]);
  });
  it('lets a server offer for a named party', () => {
    spec.given([proposed]).when(command('offer', { items: [], gold: 10, party: BOB }), by(server)).then([offered(BOB, [], 10, 1)]);
  });
  it('refuses a server that names no party', () => {
    spec.given([proposed]).when(command('offer', { items: [], gold: 10 }), by(server)).thenRejects('VALIDATION');
  });
  it('refuses players outside the trade and players naming another party', () => {
    spec.given([proposed]).when(command('offer', { items: [], gold: 10 }), by(player('eve'))).thenRejects('UNAUTHORIZED');
    spec.given([proposed]).when(command('offer', { items: [], gold: 10, party: BOB }), by(player(ALICE))).thenRejects('UNAUTHORIZED');
  });
  it('refuses an item the other party already offers', () => {
    spec.given(offers).when(command('offer', { items: ['s1'], gold: 0 }), by(player(BOB))).thenRejects('REJECTED', /s1/);
  });
  it('voids both acceptances when an offer changes', () => {
    const given = [...offers, accepted(ALICE, 2)];
    spec.given(given).when(command('offer', { items: [], gold: 60 }), by(player(BOB))).then([offered(BOB, [], 60, 3)]);
    expect(fold([...given, offered(BOB, [], 60, 3)]).context.accepted).toEqual({});
  });
  it('treats re-sending the current offer as a no-op', () => {
    spec.given(offers).when(command('offer', { items: [], gold: 50 }), by(player(BOB))).then([]);
  });
  it('closes offers once both accepted', () => {
    spec.given(agreed).when(command('offer', { items: [], gold: 1 }), by(player(BOB))).thenRejects('REJECTED', /closed/);
  });
});

describe('trade: accept', () => {
  it('records one acceptance of the current version', () => {
    spec.given(offers).when(command('accept', { offerVersion: 2 }), by(player(ALICE))).then([accepted(ALICE, 2)]);
  });
  it('rejects a stale offer version', () => {
    spec.given(offers).when(command('accept', { offerVersion: 1 }), by(player(ALICE))).thenRejects('REJECTED', /stale/);
  });
  it('rejects an acceptance from outside the trade', () => {
    spec.given(offers).when(command('accept', { offerVersion: 2 }), by(player('eve'))).thenRejects('UNAUTHORIZED');
  });
  it('rejects accepting when nothing is offered', () => {
    spec.given([proposed]).when(command('accept', { offerVersion: 0 }), by(player(ALICE))).thenRejects('REJECTED', /nothing/);
  });
  it('treats a repeated acceptance as a no-op', () => {
    expectRepeatIsNoop(offers, command('accept', { offerVersion: 2 }), by(player(ALICE)));
  });
  it('moves to escrowing on the second acceptance and requests every leg', () => {
    spec
      .given([...offers, accepted(ALICE, 2)])
      .when(command('accept', { offerVersion: 2 }), by(player(BOB)))
      .then([accepted(BOB, 2), { type: 'TradeEscrowRequested', data: { steps: [escrowSword, escrowBobsGold] } }]);
    expect(statusOf(fold(agreed))).toBe('escrowing');
    expect(pendingSteps(fold(agreed))).toEqual([escrowSword, escrowBobsGold]);
  });
  it('does not move on acceptances of different versions', () => {
    const given = [...offers, accepted(ALICE, 2), offered(ALICE, ['s1'], 5, 3)];
    spec.given(given).when(command('accept', { offerVersion: 3 }), by(player(BOB))).then([accepted(BOB, 3)]);
    expect(statusOf(fold([...given, accepted(BOB, 3)]))).toBe('negotiating');
  });
});

describe('trade: cancel and expire while negotiating', () => {
  it('cancels with nothing to release', () => {
    spec.given(offers).when(command('cancel', {}), by(player(BOB))).then([{ type: 'TradeCancelled', data: { party: BOB } }, closed('cancelled')]);
  });
  it('refuses a cancel from outside the trade', () => {
    spec.given(offers).when(command('cancel', {}), by(player('eve'))).thenRejects('UNAUTHORIZED');
  });
  it('expires at the expiry, not before', () => {
    spec.given(offers).when(command('expire', {}), by(server, after(-1))).thenRejects('REJECTED', /expires at/);
    spec.given(offers).when(command('expire', {}), by(server, after(0))).then([{ type: 'TradeExpired', data: { at: EXPIRES_AT } }, closed('cancelled')]);
  });
  it('takes expiry only from a server', () => {
    spec.given(offers).when(command('expire', {}), by(player(ALICE), after(0))).thenRejects('UNAUTHORIZED');
  });
  it('refuses everything once cancelled', () => {
    const given = [...offers, { type: 'TradeCancelled', data: { party: BOB } } as const];
    expect(statusOf(fold(given))).toBe('cancelled');
    spec.given(given).when(command('cancel', {}), by(player(ALICE))).thenRejects('REJECTED');
    spec.given(given).when(command('accept', { offerVersion: 2 }), by(player(ALICE))).thenRejects('REJECTED');
    spec.given(given).when(command('expire', {}), by(server, after(0))).thenRejects('REJECTED');
  });
});
