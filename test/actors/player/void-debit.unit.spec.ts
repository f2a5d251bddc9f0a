import { describe, expect, it } from 'vitest';
import type { DebitCommand, VoidDebitCommand } from '../../../actors/player/commands.js';
import type { PlayerEvent } from '../../../events/player.js';
import { credited, ctx, debited, registered, self, server, singleSession } from './fixtures.js';

/**
 * A trade or auction voids a hold it was refused, so that a late copy of the refused
 * debit can never take effect after the trade unwound.
 */

const voidDebit = (reference = 't1-escrow', cause: VoidDebitCommand['data']['cause'] = 'trade'): VoidDebitCommand => ({
  type: 'voidDebit',
  data: { cause, reference },
});
const hold = (amount: number, reference = 't1-escrow'): DebitCommand => ({ type: 'debit', data: { amount, cause: 'trade', reference } });
const voided = (reference = 't1-escrow'): PlayerEvent => ({ type: 'GoldDebitVoided', data: { cause: 'trade', reference } });

describe('player: voidDebit', () => {
  it('given no debit under the reference, when a server voids it, then GoldDebitVoided and the balance is untouched', () => {
    singleSession.given([registered, credited(100, 100)]).when(voidDebit(), ctx(server)).then([voided()]);
  });

  it('given a voided hold, when the same debit arrives late, then it is REJECTED as voided and no gold moves', () => {
    singleSession
      .given([registered, voided(), credited(100, 100)])
      .when(hold(40), ctx(server))
      .thenRejects('REJECTED', /voided ledger entry: debit trade t1-escrow was voided/);
  });

  it('given the debit took effect, when voided, then REJECTED as a duplicate ledger entry: the gold is held after all', () => {
    singleSession
      .given([registered, credited(100, 100), debited(40, 60, 't1-escrow', 'trade')])
      .when(voidDebit(), ctx(server))
      .thenRejects('REJECTED', /duplicate ledger entry: debit trade t1-escrow already applied/);
  });

  it('given a voided hold, when voided again, then nothing is appended', () => {
    singleSession.given([registered, voided()]).when(voidDebit(), ctx(server)).then([]);
  });

  it('voids one cause and reference only: another reference, or the refund credit of the same trade, still goes through', () => {
    singleSession.given([registered, credited(100, 100), voided()]).when(hold(40, 't2-escrow'), ctx(server)).then([debited(40, 60, 't2-escrow', 'trade')]);
    const { decision } = singleSession.given([registered, voided()]).when({ type: 'credit', data: { amount: 5, cause: 'refund', reference: 't1-escrow' } }, ctx(server));
    expect(decision.ok).toBe(true);
  });

  it('when a player voids a hold, then UNAUTHORIZED: only the trade queue, a server, may', () => {
    singleSession.given([registered]).when(voidDebit(), ctx(self)).thenRejects('UNAUTHORIZED', /voidDebit may only be issued by a server/);
  });
});
