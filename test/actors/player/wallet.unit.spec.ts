import { describe, expect, it } from 'vitest';
import type { CreditCommand, DebitCommand } from '../../../actors/player/commands.js';
import { createPlayerDecider } from '../../../actors/player/decider.js';
import { RECENT_LEDGER_ENTRIES, evolvePlayer, initialPlayerState } from '../../../actors/player/state.js';
import { MAX_BALANCE, MAX_GOLD_PER_OPERATION } from '../../../actors/shared/values.js';
import { CREDIT_CAUSES, DEBIT_CAUSES, type PlayerEvent } from '../../../events/player.js';
import { credited, ctx, debited, otherPlayer, registered, self, server, singleSession } from './fixtures.js';

const credit = (amount: number, reference = 'loot-1', cause: CreditCommand['data']['cause'] = 'loot'): CreditCommand => ({
  type: 'credit',
  data: { amount, cause, reference },
});
const debit = (amount: number, reference = 'shop-1', cause: DebitCommand['data']['cause'] = 'purchase'): DebitCommand => ({
  type: 'debit',
  data: { amount, cause, reference },
});

/** `count` credits of MAX_GOLD_PER_OPERATION with distinct references. */
const bigCredits = (count: number): PlayerEvent[] =>
  Array.from({ length: count }, (_, index) => credited(MAX_GOLD_PER_OPERATION, (index + 1) * MAX_GOLD_PER_OPERATION, `grant-${index}`, 'adminGrant'));

describe('player: credit', () => {
  it.each(CREDIT_CAUSES)('when a server credits gold for %s, then GoldCredited with the new balance', (cause) => {
    const { decision, then } = singleSession.given([registered, credited(100, 100)]).when(credit(50, 'ref-9', cause), ctx(server));
    then([credited(50, 150, 'ref-9', cause)]);
    expect(decision.ok && decision.result).toEqual({ balance: 150 });
  });

  it('when the player credits itself, then UNAUTHORIZED: only servers mint or move gold in', () => {
    singleSession.given([registered]).when(credit(1), ctx(self)).thenRejects('UNAUTHORIZED', /credit may only be issued by a server/);
  });

  it('given a balance one credit below MAX_BALANCE, when credited up to it exactly, then accepted', () => {
    const given = [registered, ...bigCredits(999), credited(MAX_GOLD_PER_OPERATION - 1, MAX_BALANCE - 1, 'almost')];
    singleSession.given(given).when(credit(1, 'last'), ctx(server)).then([credited(1, MAX_BALANCE, 'last')]);
  });

  it('given a balance at MAX_BALANCE - 1, when credited 2, then REJECTED and nothing is minted', () => {
    const given = [registered, ...bigCredits(999), credited(MAX_GOLD_PER_OPERATION - 1, MAX_BALANCE - 1, 'almost')];
    singleSession
      .given(given)
      .when(credit(2, 'over'), ctx(server))
      .thenRejects('REJECTED', new RegExp(`balance limit: has ${MAX_BALANCE - 1}, credit of 2 would exceed ${MAX_BALANCE}`));
  });

  it('given a credit with reference loot-1, when credited again under the same cause and reference, then REJECTED', () => {
    singleSession
      .given([registered, credited(100, 100, 'loot-1')])
      .when(credit(100, 'loot-1'), ctx(server))
      .thenRejects('REJECTED', /duplicate ledger entry: credit loot loot-1 already applied/);
  });

  it('accepts the same reference under another cause, and as a debit', () => {
    singleSession.given([registered, credited(100, 100, 't1', 'trade')]).when(credit(5, 't1', 'refund'), ctx(server)).then([credited(5, 105, 't1', 'refund')]);
    singleSession.given([registered, credited(100, 100, 't1', 'trade')]).when(debit(40, 't1', 'trade'), ctx(server)).then([debited(40, 60, 't1', 'trade')]);
  });

  it(`remembers the last ${RECENT_LEDGER_ENTRIES} ledger entries: an older reference is accepted again (the bound, by design)`, () => {
    const newer = Array.from({ length: RECENT_LEDGER_ENTRIES }, (_, index) => credited(1, index + 2, `later-${index}`));
    singleSession
      .given([registered, credited(1, 1, 'first'), ...newer.slice(1)])
      .when(credit(1, 'first'), ctx(server))
      .thenRejects('REJECTED', /duplicate ledger entry/);
    singleSession
      .given([registered, credited(1, 1, 'first'), ...newer])
      .when(credit(1, 'first'), ctx(server))
      .then([credited(1, RECENT_LEDGER_ENTRIES + 2, 'first')]);
  });
});

describe('player: debit', () => {
  it.each(DEBIT_CAUSES)('when the player spends its own gold for %s, then GoldDebited with the new balance', (cause) => {
    const { decision, then } = singleSession.given([registered, credited(100, 100)]).when(debit(30, 'ref-3', cause), ctx(self));
    then([debited(30, 70, 'ref-3', cause)]);
    expect(decision.ok && decision.result).toEqual({ balance: 70 });
  });

  it('when a server debits the player, then GoldDebited', () => {
    singleSession.given([registered, credited(100, 100)]).when(debit(100), ctx(server)).then([debited(100, 0)]);
  });

  it('when the player spends more than it has, then REJECTED with both amounts', () => {
    singleSession
      .given([registered, credited(100, 100)])
      .when(debit(101), ctx(self))
      .thenRejects('REJECTED', /^insufficient gold: has 100, needs 101$/);
    singleSession.given([registered]).when(debit(1), ctx(self)).thenRejects('REJECTED', /^insufficient gold: has 0, needs 1$/);
  });

  it("when another player spends p1's gold, then UNAUTHORIZED", () => {
    singleSession.given([registered, credited(100, 100)]).when(debit(1), ctx(otherPlayer)).thenRejects('UNAUTHORIZED', /player p2 may not debit for player p1/);
  });

  it('given a debit with reference shop-1, when debited again with it, then REJECTED as a duplicate before the balance check', () => {
    singleSession
      .given([registered, credited(100, 100), debited(100, 0, 'shop-1')])
      .when(debit(100, 'shop-1'), ctx(self))
      .thenRejects('REJECTED', /duplicate ledger entry: debit purchase shop-1/);
  });
});

describe('player: exact amounts', () => {
  const edges = [2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, 2 ** 32, 2 ** 32 + 1, MAX_GOLD_PER_OPERATION];

  it.each(edges)('credits and debits %d exactly', (amount) => {
    singleSession.given([registered, credited(7, 7)]).when(credit(amount, 'edge'), ctx(server)).then([credited(amount, amount + 7, 'edge')]);
    singleSession
      .given([registered, credited(7, 7), credited(amount, amount + 7, 'edge')])
      .when(debit(amount, 'edge'), ctx(self))
      .then([debited(amount, 7, 'edge')]);
  });

  it('keeps a balance that passes 2^32 and 2^33 exact', () => {
    singleSession
      .given([registered, credited(2 ** 32 + 1, 2 ** 32 + 1, 'a'), credited(2 ** 32 - 1, 2 ** 33, 'b')])
      .when(debit(1, 'c'), ctx(self))
      .then([debited(1, 2 ** 33 - 1, 'c')]);
  });

  // The host validates data with the zod schemas first (see schemas.unit.spec.ts); the
  // decider refuses bad amounts again for callers that bypass the host.
  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 53, 2 ** 53 + 2, MAX_GOLD_PER_OPERATION + 1])(
    'refuses amount %d with VALIDATION even when the host is bypassed',
    (amount) => {
      const decider = createPlayerDecider();
      const state = [registered, credited(MAX_GOLD_PER_OPERATION, MAX_GOLD_PER_OPERATION)].reduce(evolvePlayer, initialPlayerState());
      for (const command of [credit(amount, 'x'), debit(amount, 'x')]) {
        const decision = decider.decide(command, state, ctx(server));
        expect(decision.ok ? 'accepted' : decision.rejection.code).toBe('VALIDATION');
      }
    },
  );
});
