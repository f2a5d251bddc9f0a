import { describe, expect, it } from 'vitest';
import { dueAuctions, nextDeadline } from '../../../actors/auction/schedule.js';
import { bidReference, pendingSteps } from '../../../actors/auction/steps.js';
import { evolveAuction, initialAuctionState, type AuctionState } from '../../../actors/auction/state.js';
import type { AuctionEvent } from '../../../events/auction.js';
import {
  AUCTION,
  ENDS_AT,
  ITEM,
  SELLER,
  cancelled,
  confirmed,
  ended,
  escrowFailed,
  expired,
  listed,
  listing,
  open,
  placed,
  refundConfirmed,
  refundRequested,
  won,
  withLead,
} from './fixtures.js';

const fold = (events: readonly AuctionEvent[]): AuctionState => events.reduce(evolveAuction, initialAuctionState());
const holder = { kind: 'auction', id: AUCTION } as const;

describe('deadline rebuilt from the log', () => {
  it('an open auction is due at its endsAt; nothing else has a deadline', () => {
    expect(nextDeadline(fold(open))).toBe(ENDS_AT);
    expect(nextDeadline(fold(withLead))).toBe(ENDS_AT);
    expect(nextDeadline(fold([]))).toBeUndefined();
    expect(nextDeadline(fold([listed]))).toBeUndefined();
    expect(nextDeadline(fold([...withLead, won('p1', 'b1', 200)]))).toBeUndefined();
    expect(nextDeadline(fold([...open, cancelled]))).toBeUndefined();
  });

  it('after a restart, the auctions past their deadline are found from the folded streams, earliest first', () => {
    const later = listing({ endsAt: ENDS_AT + 10 });
    const states = new Map<string, AuctionState>([
      ['a-late', fold([later, ...open.slice(1)])],
      ['a-on-time', fold(withLead)],
      ['a-done', fold([...open, expired])],
      ['a-escrowing', fold([listed])],
    ]);
    expect(dueAuctions(states, ENDS_AT - 1)).toEqual([]);
    expect(dueAuctions(states, ENDS_AT)).toEqual([{ auctionId: 'a-on-time', endsAt: ENDS_AT }]);
    expect(dueAuctions(states, ENDS_AT + 10)).toEqual([
      { auctionId: 'a-on-time', endsAt: ENDS_AT },
      { auctionId: 'a-late', endsAt: ENDS_AT + 10 },
    ]);
  });
});

describe('pending steps for the process manager', () => {
  it('escrow first', () => {
    expect(pendingSteps(fold([listed]), AUCTION)).toEqual([{ kind: 'escrowItem', itemId: ITEM, holder, from: SELLER }]);
    expect(pendingSteps(fold([]), AUCTION)).toEqual([]);
    expect(pendingSteps(fold([listed, escrowFailed]), AUCTION)).toEqual([]);
  });

  it('the debit of a bid awaiting its funds, then the refund of the bid it outbid', () => {
    expect(pendingSteps(fold([...withLead, placed('b2', 'p2', 300)]), AUCTION)).toEqual([
      { kind: 'holdBidFunds', bidId: 'b2', bidder: 'p2', amount: 300, reference: bidReference(AUCTION, 'b2') },
    ]);
    const outbid = [...withLead, placed('b2', 'p2', 300), confirmed('b2', 'p2', 300), refundRequested('b1', 'p1', 200)];
    expect(pendingSteps(fold(outbid), AUCTION)).toEqual([{ kind: 'refundBid', bidId: 'b1', bidder: 'p1', amount: 200, reference: bidReference(AUCTION, 'b1') }]);
    expect(pendingSteps(fold([...outbid, refundConfirmed('b1')]), AUCTION)).toEqual([]);
  });

  it('a sale delivers the item to the winner and pays the seller exactly the winning amount', () => {
    expect(pendingSteps(fold([...withLead, won('p1', 'b1', 200)]), AUCTION)).toEqual([
      { kind: 'deliverItem', itemId: ITEM, holder, to: 'p1' },
      { kind: 'paySeller', seller: SELLER, amount: 200, reference: AUCTION },
    ]);
    expect(pendingSteps(fold([...withLead, won('p1', 'b1', 200), ended('settled')]), AUCTION)).toEqual([]);
  });

  it('an unsold or cancelled auction returns the item to the seller', () => {
    const back = [{ kind: 'returnItem', itemId: ITEM, holder, to: SELLER }];
    expect(pendingSteps(fold([...open, expired]), AUCTION)).toEqual(back);
    expect(pendingSteps(fold([...open, cancelled]), AUCTION)).toEqual(back);
    expect(pendingSteps(fold([...open, cancelled, ended('cancelled')]), AUCTION)).toEqual([]);
  });

  it('a bid reference is unique per auction and bid, and subject-safe', () => {
    expect(bidReference('a1', 'b1')).not.toBe(bidReference('a2', 'b1'));
    expect(bidReference('a1-b', '1')).not.toBe(bidReference('a1', 'b-1'));
    expect(bidReference('a1', 'b1')).toMatch(/^bid-[A-Za-z0-9_-]{22}$/);
  });

  it('refunds outlive the end of the auction', () => {
    const bought = [...withLead, placed('b2', 'p2', 1_000, true), confirmed('b2', 'p2', 1_000), refundRequested('b1', 'p1', 200), won('p2', 'b2', 1_000), ended('settled')];
    expect(pendingSteps(fold(bought), AUCTION)).toEqual([{ kind: 'refundBid', bidId: 'b1', bidder: 'p1', amount: 200, reference: bidReference(AUCTION, 'b1') }]);
  });
});
