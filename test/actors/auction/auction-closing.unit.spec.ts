import { describe, it } from 'vitest';
import { auctionDecider } from '../../../actors/auction/decider.js';
import { deciderSpec } from '../../support/decider-spec.js';
import {
  ENDS_AT,
  SELLER,
  afterEnd,
  asPlayer,
  asServer,
  at,
  beforeEnd,
  cancelled,
  close,
  confirmed,
  ended,
  escrowFailed,
  expired,
  listed,
  open,
  placed,
  returned,
  settled,
  won,
  withLead,
} from './fixtures.js';

const spec = deciderSpec(auctionDecider);

describe('close', () => {
  it('is refused before the deadline', () => {
    spec.given(withLead).when(close, asServer(beforeEnd)).thenRejects('REJECTED', /runs until/);
  });

  it('at the deadline settles to the highest bidder', () => {
    spec.given(withLead).when(close, asServer(afterEnd)).then([won('p1', 'b1', 200)]);
  });

  it('with no bid (or only failed ones) expires, and the item goes back', () => {
    spec.given(open).when(close, asServer(afterEnd)).then([expired]);
    spec.given(open).when(close, asServer(at(ENDS_AT + 1))).then([{ type: 'AuctionExpired', data: { endedAt: ENDS_AT + 1 } }]);
  });

  it('waits for a bid placed in time whose funds are not yet confirmed', () => {
    spec.given([...withLead, placed('b2', 'p2', 300)]).when(close, asServer(afterEnd)).thenRejects('REJECTED', /awaiting its funds/);
    spec.given([...withLead, placed('b2', 'p2', 300), confirmed('b2', 'p2', 300)]).when(close, asServer(afterEnd)).then([won('p2', 'b2', 300)]);
  });

  it('is a no-op once the auction is decided, so a rebuilt scheduler may fire twice', () => {
    spec.given([...withLead, won('p1', 'b1', 200)]).when(close, asServer(afterEnd)).then([]);
    spec.given([...withLead, won('p1', 'b1', 200), ended('settled')]).when(close, asServer(afterEnd)).then([]);
    spec.given([...open, expired]).when(close, asServer(afterEnd)).then([]);
    spec.given([...open, cancelled]).when(close, asServer(afterEnd)).then([]);
    spec.given([listed, escrowFailed]).when(close, asServer(afterEnd)).then([]);
  });

  it('is refused while the item is being escrowed, from players, and for unknown auctions', () => {
    spec.given([listed]).when(close, asServer(afterEnd)).thenRejects('REJECTED', /never opened/);
    spec.given(withLead).when(close, asPlayer(SELLER, afterEnd)).thenRejects('UNAUTHORIZED');
    spec.given([]).when(close, asServer(afterEnd)).thenRejects('NOT_FOUND');
  });
});

describe('settled and returned', () => {
  const sold = [...withLead, won('p1', 'b1', 200)];

  it('a sale ends settled once the item is delivered and the seller paid', () => {
    spec.given(sold).when(settled, asServer()).then([ended('settled')]);
    spec.given([...sold, ended('settled')]).when(settled, asServer()).then([]);
  });

  it('an unsold item ends returned; a cancelled one ends cancelled', () => {
    spec.given([...open, expired]).when(returned, asServer()).then([ended('returned')]);
    spec.given([...open, expired, ended('returned')]).when(returned, asServer()).then([]);
    spec.given([...open, cancelled]).when(returned, asServer()).then([ended('cancelled')]);
    spec.given([...open, cancelled, ended('cancelled')]).when(returned, asServer()).then([]);
  });

  it('never both: a sold item is not returned, a returned one not settled', () => {
    spec.given(sold).when(returned, asServer()).thenRejects('REJECTED', /no item to return/);
    spec.given([...sold, ended('settled')]).when(returned, asServer()).thenRejects('REJECTED');
    spec.given([...open, expired]).when(settled, asServer()).thenRejects('REJECTED', /no sale/);
    spec.given([...open, expired, ended('returned')]).when(settled, asServer()).thenRejects('REJECTED');
  });

  it('is refused before the auction is decided, after a failed escrow, and from players', () => {
    spec.given(withLead).when(settled, asServer()).thenRejects('REJECTED');
    spec.given(open).when(returned, asServer()).thenRejects('REJECTED');
    spec.given([listed, escrowFailed]).when(returned, asServer()).thenRejects('REJECTED', /no item to return/);
    spec.given(sold).when(settled, asPlayer(SELLER)).thenRejects('UNAUTHORIZED');
    spec.given([]).when(settled, asServer()).thenRejects('NOT_FOUND');
  });
});
