import { describe, expect, it } from 'vitest';
import { auctionDecider } from '../../../actors/auction/decider.js';
import { minimumBid } from '../../../actors/auction/bidding.js';
import { MAX_BIDS_PER_AUCTION } from '../../../actors/auction/commands.js';
import type { AuctionEvent } from '../../../events/auction.js';
import { deciderSpec } from '../../support/decider-spec.js';
import {
  ENDS_AT,
  SELLER,
  afterEnd,
  asPlayer,
  asServer,
  beforeEnd,
  bid,
  bidRejected,
  buyout,
  confirmed,
  fundsFailed,
  fundsHeld,
  open,
  placed,
  refundConfirmed,
  refundRequested,
  refunded,
  won,
  withLead,
  escrowConfirmed,
} from './fixtures.js';

const spec = deciderSpec(auctionDecider);

describe('bid', () => {
  it('places a bid at the starting price for confirmation of its funds', () => {
    spec.given(open).when(bid('b1', 100), asPlayer('p1')).then([placed('b1', 'p1', 100)]);
  });

  it('refuses less than the starting price', () => {
    spec.given(open).when(bid('b1', 99), asPlayer('p1')).thenRejects('REJECTED', /at least 100/);
  });

  it('needs 5% (at least 1 gold) over the lead', () => {
    spec.given(withLead).when(bid('b2', 209), asPlayer('p2')).thenRejects('REJECTED', /at least 210/);
    spec.given(withLead).when(bid('b2', 210), asPlayer('p2')).then([placed('b2', 'p2', 210)]);
    const lowLead = [...open, placed('b1', 'p1', 100), confirmed('b1', 'p1', 100)];
    spec.given(lowLead).when(bid('b2', 105), asPlayer('p2')).then([placed('b2', 'p2', 105)]);
    const oneGold: AuctionEvent = { type: 'AuctionListed', data: { seller: SELLER, itemId: 'x', startingPrice: 1, endsAt: ENDS_AT, listedAt: 0 } };
    const tiny = spec.given([oneGold, escrowConfirmed, placed('b1', 'p1', 1), confirmed('b1', 'p1', 1)]);
    if (tiny.state.status !== 'open') throw new Error('expected open');
    expect(minimumBid(tiny.state)).toBe(2);
  });

  it('refuses the seller', () => {
    spec.given(open).when(bid('b1', 200), asPlayer(SELLER)).thenRejects('UNAUTHORIZED', /own auction/);
  });

  it('refuses servers: a bid names no bidder', () => {
    spec.given(open).when(bid('b1', 200), asServer()).thenRejects('UNAUTHORIZED');
  });

  it('refuses bids at or after the deadline, and accepts one just before', () => {
    spec.given(open).when(bid('b1', 200), asPlayer('p1', beforeEnd)).then([placed('b1', 'p1', 200)]);
    spec.given(open).when(bid('b1', 200), asPlayer('p1', afterEnd)).thenRejects('REJECTED', /ended at/);
  });

  it('refuses a bid that reaches the buyout price', () => {
    spec.given(open).when(bid('b1', 1_000), asPlayer('p1')).thenRejects('REJECTED', /buy out instead/);
  });

  it('takes one bid at a time while its funds are confirmed', () => {
    spec.given([...open, placed('b1', 'p1', 200)]).when(bid('b2', 300), asPlayer('p2')).thenRejects('REJECTED', /awaiting its funds/);
  });

  it('counts a bid id once: an identical retry is a no-op, anything else is refused', () => {
    spec.given(withLead).when(bid('b1', 200), asPlayer('p1')).then([]);
    spec.given(withLead).when(bid('b1', 200), asPlayer('p1', afterEnd)).then([]);
    spec.given(withLead).when(bid('b1', 300), asPlayer('p1')).thenRejects('REJECTED', /already used/);
    spec.given(withLead).when(bid('b1', 300), asPlayer('p2')).thenRejects('REJECTED', /already used/);
  });

  it('refuses bids past the per-auction bound', () => {
    const events: AuctionEvent[] = [...open];
    for (let n = 0; n < MAX_BIDS_PER_AUCTION; n += 1) events.push(placed(`f${n}`, 'p1', 100), bidRejected(`f${n}`, 'p1', 100));
    spec.given(events).when(bid('b-last', 100), asPlayer('p2')).thenRejects('REJECTED', /no more than/);
  });

  it('answers NOT_FOUND for an auction never listed', () => {
    spec.given([]).when(bid('b1', 200), asPlayer('p1')).thenRejects('NOT_FOUND');
  });

  describe('amounts at the edges of integer types stay exact or are refused', () => {
    const bigListing: AuctionEvent = {
      type: 'AuctionListed',
      data: { seller: SELLER, itemId: 'x', startingPrice: 1, endsAt: ENDS_AT, listedAt: 0 },
    };
    const bigOpen = [bigListing, escrowConfirmed];
    it.each([2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 1_000_000_000_000])('%d is placed exactly', (amount) => {
      spec.given(bigOpen).when(bid('b1', amount), asPlayer('p1')).then([placed('b1', 'p1', amount)]);
      const increment = spec.given([...bigOpen, placed('b1', 'p1', amount), confirmed('b1', 'p1', amount)]);
      if (increment.state.status !== 'open') throw new Error('expected open');
      expect(minimumBid(increment.state)).toBe(amount + Math.max(1, Math.ceil((amount * 5) / 100)));
    });
    it.each([2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, 1_000_000_000_001, 0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('%d is VALIDATION', (amount) => {
      spec.given(bigOpen).when(bid('b1', amount), asPlayer('p1')).thenRejects('VALIDATION');
    });
  });
});

describe('buyout', () => {
  it('places a bid at the buyout price', () => {
    spec.given(withLead).when(buyout('b2'), asPlayer('p2')).then([placed('b2', 'p2', 1_000, true)]);
  });

  it('wins once its funds are held, refunding the lead', () => {
    spec
      .given([...withLead, placed('b2', 'p2', 1_000, true)])
      .when(fundsHeld('b2'), asServer())
      .then([confirmed('b2', 'p2', 1_000), refundRequested('b1', 'p1', 200), won('p2', 'b2', 1_000)]);
  });

  it('refuses when the listing has no buyout price', () => {
    const noBuyout: AuctionEvent = { type: 'AuctionListed', data: { seller: SELLER, itemId: 'x', startingPrice: 1, endsAt: ENDS_AT, listedAt: 0 } };
    spec.given([noBuyout, escrowConfirmed]).when(buyout('b1'), asPlayer('p1')).thenRejects('REJECTED', /no buyout price/);
  });

  it('follows the bid rules: not the seller, not after the deadline, one at a time', () => {
    spec.given(open).when(buyout('b1'), asPlayer(SELLER)).thenRejects('UNAUTHORIZED');
    spec.given(open).when(buyout('b1'), asPlayer('p1', afterEnd)).thenRejects('REJECTED', /ended at/);
    spec.given([...open, placed('b1', 'p1', 200)]).when(buyout('b2'), asPlayer('p2')).thenRejects('REJECTED', /awaiting its funds/);
  });

  it('is refused once the auction is won', () => {
    const bought = [...open, placed('b1', 'p1', 1_000, true), confirmed('b1', 'p1', 1_000), won('p1', 'b1', 1_000)];
    spec.given(bought).when(buyout('b2'), asPlayer('p2')).thenRejects('REJECTED', /is over/);
  });
});

describe('bid funds', () => {
  it('a confirmed bid leads and the previous lead is refunded', () => {
    spec
      .given([...withLead, placed('b2', 'p2', 300)])
      .when(fundsHeld('b2'), asServer())
      .then([confirmed('b2', 'p2', 300), refundRequested('b1', 'p1', 200)]);
  });

  it('a first bid has nothing to refund', () => {
    spec.given([...open, placed('b1', 'p1', 200)]).when(fundsHeld('b1'), asServer()).then([confirmed('b1', 'p1', 200)]);
  });

  it('a bid without funds is rejected and the lead stays', () => {
    const given = spec.given([...withLead, placed('b2', 'p2', 300)]);
    given.when(fundsFailed('b2'), asServer()).then([bidRejected('b2', 'p2', 300)]);
    const after = spec.given([...withLead, placed('b2', 'p2', 300), bidRejected('b2', 'p2', 300)]);
    if (after.state.status !== 'open') throw new Error('expected open');
    expect(after.state.leading).toBe('b1');
    expect(after.state.pending).toBeUndefined();
  });

  it('confirmations arrive after the deadline for bids placed before it', () => {
    spec.given([...open, placed('b1', 'p1', 200)]).when(fundsHeld('b1'), asServer(afterEnd)).then([confirmed('b1', 'p1', 200)]);
  });

  it('is idempotent and refuses contradictions', () => {
    spec.given(withLead).when(fundsHeld('b1'), asServer()).then([]);
    spec.given(withLead).when(fundsFailed('b1'), asServer()).thenRejects('REJECTED', /already confirmed/);
    const failed = [...open, placed('b1', 'p1', 200), bidRejected('b1', 'p1', 200)];
    spec.given(failed).when(fundsFailed('b1'), asServer()).then([]);
    spec.given(failed).when(fundsHeld('b1'), asServer()).thenRejects('REJECTED', /lack of funds/);
    spec.given(open).when(fundsHeld('nope'), asServer()).thenRejects('NOT_FOUND');
    spec.given(open).when(fundsFailed('nope'), asServer()).thenRejects('NOT_FOUND');
  });

  it('comes only from servers', () => {
    spec.given([...open, placed('b1', 'p1', 200)]).when(fundsHeld('b1'), asPlayer('p1')).thenRejects('UNAUTHORIZED');
  });
});

describe('refunds', () => {
  const outbid = [...withLead, placed('b2', 'p2', 300), confirmed('b2', 'p2', 300), refundRequested('b1', 'p1', 200)];

  it('records the refund once', () => {
    spec.given(outbid).when(refunded('b1'), asServer()).then([refundConfirmed('b1')]);
    spec.given([...outbid, refundConfirmed('b1')]).when(refunded('b1'), asServer()).then([]);
  });

  it('refuses a refund never requested', () => {
    spec.given(outbid).when(refunded('b2'), asServer()).thenRejects('REJECTED', /no refund outstanding/);
    spec.given(outbid).when(refunded('nope'), asServer()).thenRejects('NOT_FOUND');
    spec.given(outbid).when(refunded('b1'), asPlayer('p1')).thenRejects('UNAUTHORIZED');
  });

  it('never refunds the same bid twice, even if the log repeats the request', () => {
    const state = spec.given([...outbid, refundRequested('b1', 'p1', 200)]).state;
    if (state.status !== 'open') throw new Error('expected open');
    expect(state.bids.get('b1')?.status).toBe('refunding');
    expect(state.leading).toBe('b2');
  });
});
