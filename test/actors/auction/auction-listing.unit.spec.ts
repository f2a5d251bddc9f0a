import { describe, it } from 'vitest';
import { auctionDecider } from '../../../actors/auction/decider.js';
import { MAX_AUCTION_DURATION_MS, MIN_AUCTION_DURATION_MS } from '../../../actors/auction/commands.js';
import { deciderSpec } from '../../support/decider-spec.js';
import {
  ENDS_AT,
  ITEM,
  LISTED_AT,
  SELLER,
  asPlayer,
  asServer,
  bid,
  cancel,
  cancelled,
  ended,
  escrowConfirmed,
  escrowFailed,
  itemEscrowFailed,
  itemEscrowed,
  list,
  listed,
  open,
  placed,
  withLead,
} from './fixtures.js';

const spec = deciderSpec(auctionDecider);

describe('list', () => {
  it('records the listing; bidding waits for the escrow', () => {
    spec.given([]).when(list(), asPlayer(SELLER)).then([listed]);
  });

  it('lets a server list for a seller, without a buyout price', () => {
    spec
      .given([])
      .when(list({ buyoutPrice: undefined }), asServer())
      .then([{ type: 'AuctionListed', data: { seller: SELLER, itemId: ITEM, startingPrice: 100, endsAt: ENDS_AT, listedAt: LISTED_AT } }]);
  });

  it('refuses a player listing for someone else', () => {
    spec.given([]).when(list(), asPlayer('p2')).thenRejects('UNAUTHORIZED', /may not list for seller/);
  });

  it('refuses a deadline in the past, too soon or too far', () => {
    spec.given([]).when(list({ endsAt: LISTED_AT - 1 }), asServer()).thenRejects('VALIDATION', /endsAt/);
    spec.given([]).when(list({ endsAt: LISTED_AT + MIN_AUCTION_DURATION_MS - 1 }), asServer()).thenRejects('VALIDATION', /endsAt/);
    spec.given([]).when(list({ endsAt: LISTED_AT + MAX_AUCTION_DURATION_MS + 1 }), asServer()).thenRejects('VALIDATION', /endsAt/);
    spec.given([]).when(list({ endsAt: LISTED_AT + MAX_AUCTION_DURATION_MS }), asServer()).then([
      { type: 'AuctionListed', data: { seller: SELLER, itemId: ITEM, startingPrice: 100, buyoutPrice: 1_000, endsAt: LISTED_AT + MAX_AUCTION_DURATION_MS, listedAt: LISTED_AT } },
    ]);
  });

  it('refuses prices that are not gold or a buyout not above the start', () => {
    spec.given([]).when(list({ startingPrice: 0 }), asServer()).thenRejects('VALIDATION', /startingPrice/);
    spec.given([]).when(list({ startingPrice: 2 ** 53 }), asServer()).thenRejects('VALIDATION', /startingPrice/);
    spec.given([]).when(list({ buyoutPrice: 1.5 }), asServer()).thenRejects('VALIDATION', /buyoutPrice/);
    spec.given([]).when(list({ buyoutPrice: 100 }), asServer()).thenRejects('VALIDATION', /exceed startingPrice/);
  });

  it('never reuses an auction id', () => {
    spec.given([listed]).when(list(), asPlayer(SELLER)).thenRejects('REJECTED', /never reused/);
  });
});

describe('escrow reports', () => {
  it('opens the auction once the item is escrowed', () => {
    spec.given([listed]).when(itemEscrowed, asServer()).then([escrowConfirmed]);
  });

  it('ends the auction unopened when the escrow failed', () => {
    spec.given([listed]).when(itemEscrowFailed, asServer()).then([escrowFailed]);
  });

  it('accepts a repeated report and refuses a contradicting one', () => {
    spec.given(open).when(itemEscrowed, asServer()).then([]);
    spec.given(open).when(itemEscrowFailed, asServer()).thenRejects('REJECTED', /already reported done/);
    spec.given([listed, escrowFailed]).when(itemEscrowFailed, asServer()).then([]);
    spec.given([listed, escrowFailed]).when(itemEscrowed, asServer()).thenRejects('REJECTED', /already reported failed/);
  });

  it('takes reports only from servers, and only for auctions that exist', () => {
    spec.given([listed]).when(itemEscrowed, asPlayer(SELLER)).thenRejects('UNAUTHORIZED');
    spec.given([]).when(itemEscrowed, asServer()).thenRejects('NOT_FOUND');
  });

  it('keeps bids out until the auction is open', () => {
    spec.given([listed]).when(bid('b1', 200), asPlayer('p1')).thenRejects('REJECTED', /not open yet/);
  });
});

describe('cancel', () => {
  it('lets the seller or a server cancel an open auction without bids', () => {
    spec.given(open).when(cancel, asPlayer(SELLER)).then([cancelled]);
    spec.given(open).when(cancel, asServer()).then([cancelled]);
  });

  it('refuses anyone else', () => {
    spec.given(open).when(cancel, asPlayer('p1')).thenRejects('UNAUTHORIZED', /only the seller/);
  });

  it('refuses once there is a bid, held or awaiting its funds', () => {
    spec.given(withLead).when(cancel, asPlayer(SELLER)).thenRejects('REJECTED', /has bids/);
    spec.given([...open, placed('b1', 'p1', 200)]).when(cancel, asPlayer(SELLER)).thenRejects('REJECTED', /has bids/);
  });

  it('refuses while the item is being escrowed, and for unknown auctions', () => {
    spec.given([listed]).when(cancel, asPlayer(SELLER)).thenRejects('REJECTED', /being escrowed/);
    spec.given([]).when(cancel, asPlayer(SELLER)).thenRejects('NOT_FOUND');
  });

  it('is a no-op when repeated, before and after the item is back', () => {
    spec.given([...open, cancelled]).when(cancel, asPlayer(SELLER)).then([]);
    spec.given([...open, cancelled, ended('cancelled')]).when(cancel, asPlayer(SELLER)).then([]);
  });
});
