import { describe, it } from 'vitest';
import { itemDecider } from '../../../actors/item/decider.js';
import { deciderSpec } from '../../support/decider-spec.js';
import { asPlayer, asServer, escrow, escrowVoided, escrowed, minted, release, released, trade, transferred, voidEscrow } from './fixtures.js';

/**
 * A trade or auction voids an escrow it was refused, so that a late copy of the refused
 * request can never lock the item in a trade that already unwound.
 */
const spec = deciderSpec(itemDecider);
const t1 = trade('t1');

describe('item: voidEscrow', () => {
  it('given an item owned by another player than the trade expected, when t1 voids its escrow, then ItemEscrowVoided', () => {
    spec.given([minted('p1'), transferred('p1', 'p2')]).when(voidEscrow(t1), asServer).then([escrowVoided(t1, 'p2')]);
  });

  it('given t1 voided its escrow and the item came back to p1, when the late escrow from p1 arrives, then REJECTED as voided', () => {
    spec
      .given([minted('p1'), transferred('p1', 'p2'), escrowVoided(t1, 'p2'), transferred('p2', 'p1')])
      .when(escrow(t1, 'p1'), asServer)
      .thenRejects('REJECTED', /escrow voided: trade t1 voided its escrow of item/);
  });

  it('given t1 voided its escrow, when t1 releases the item, then REJECTED: it never held it', () => {
    spec.given([minted('p1'), escrowVoided(t1, 'p1')]).when(release(t1, 'p2'), asServer).thenRejects('REJECTED', /escrow voided/);
  });

  it('given the item is in escrow for t1, when t1 voids, then REJECTED: the escrow took effect', () => {
    spec.given([minted('p1'), escrowed('p1', t1)]).when(voidEscrow(t1), asServer).thenRejects('REJECTED', /escrow took effect: trade t1 holds or held/);
  });

  it('given t1 held and released the item, when t1 voids, then REJECTED: the escrow took effect', () => {
    spec.given([minted('p1'), escrowed('p1', t1), released(t1, 'p2')]).when(voidEscrow(t1), asServer).thenRejects('REJECTED', /escrow took effect/);
  });

  it('given a voided escrow, when voided again, then nothing is appended; an item that does not exist has nothing to void', () => {
    spec.given([minted('p1'), escrowVoided(t1, 'p1')]).when(voidEscrow(t1), asServer).then([]);
    spec.given([]).when(voidEscrow(t1), asServer).then([]);
  });

  it('voids one holder only: another trade still escrows the item', () => {
    spec.given([minted('p1'), escrowVoided(t1, 'p1')]).when(escrow(trade('t2'), 'p1'), asServer).then([escrowed('p1', trade('t2'))]);
  });

  it('when a player voids an escrow, then UNAUTHORIZED', () => {
    spec.given([minted('p1')]).when(voidEscrow(t1), asPlayer('p1')).thenRejects('UNAUTHORIZED', /voidEscrow may not be issued by a player/);
  });
});
