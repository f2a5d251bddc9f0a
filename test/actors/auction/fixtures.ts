import type { AuctionCommand } from '../../../actors/auction/commands.js';
import type { DecisionContext } from '../../../actors/runtime/decider.js';
import type { AuctionEvent } from '../../../events/auction.js';
import { NOW, contextFor } from '../../support/decider-spec.js';

export const AUCTION = 'a-1';
export const SELLER = 'seller';
export const ITEM = 'sword-7';
export const LISTED_AT = NOW.getTime();
export const HOUR = 60 * 60 * 1000;
export const ENDS_AT = LISTED_AT + 24 * HOUR;

export const at = (epochMs: number): Partial<DecisionContext> => ({ now: new Date(epochMs) });
export const asServer = (overrides: Partial<DecisionContext> = {}): DecisionContext =>
  contextFor(AUCTION, { kind: 'server', id: 'gs1' }, overrides);
export const asPlayer = (id: string, overrides: Partial<DecisionContext> = {}): DecisionContext =>
  contextFor(AUCTION, { kind: 'player', id }, overrides);
/** Just before the deadline, when bids still count. */
export const beforeEnd = at(ENDS_AT - 1);
export const afterEnd = at(ENDS_AT);

/** Commands, as the host hands them over after validation. */
export const list = (overrides: Partial<Extract<AuctionCommand, { type: 'list' }>['data']> = {}): AuctionCommand => ({
  type: 'list',
  data: { seller: SELLER, itemId: ITEM, startingPrice: 100, buyoutPrice: 1_000, endsAt: ENDS_AT, ...overrides },
});
export const bid = (bidId: string, amount: number): AuctionCommand => ({ type: 'bid', data: { bidId, amount } });
export const buyout = (bidId: string): AuctionCommand => ({ type: 'buyout', data: { bidId } });
export const cancel: AuctionCommand = { type: 'cancel', data: {} };
export const close: AuctionCommand = { type: 'close', data: {} };
export const itemEscrowed: AuctionCommand = { type: 'itemEscrowed', data: {} };
export const itemEscrowFailed: AuctionCommand = { type: 'itemEscrowFailed', data: {} };
export const fundsHeld = (bidId: string): AuctionCommand => ({ type: 'bidFundsHeld', data: { bidId } });
export const fundsFailed = (bidId: string): AuctionCommand => ({ type: 'bidFundsFailed', data: { bidId } });
export const refunded = (bidId: string): AuctionCommand => ({ type: 'refunded', data: { bidId } });
export const settled: AuctionCommand = { type: 'settled', data: {} };
export const returned: AuctionCommand = { type: 'returned', data: {} };

/** Events, named as the log would hold them. */
type ListedData = Extract<AuctionEvent, { type: 'AuctionListed' }>['data'];
export const listing = (overrides: Partial<ListedData> = {}): AuctionEvent => ({
  type: 'AuctionListed',
  data: { seller: SELLER, itemId: ITEM, startingPrice: 100, buyoutPrice: 1_000, endsAt: ENDS_AT, listedAt: LISTED_AT, ...overrides },
});
export const listed: AuctionEvent = listing();
export const escrowConfirmed: AuctionEvent = { type: 'AuctionItemEscrowed', data: {} };
export const escrowFailed: AuctionEvent = { type: 'AuctionItemEscrowFailed', data: {} };
export const placed = (bidId: string, bidder: string, amount: number, isBuyout = false): AuctionEvent => ({
  type: 'AuctionBidPlaced',
  data: { bidId, bidder, amount, buyout: isBuyout },
});
export const confirmed = (bidId: string, bidder: string, amount: number): AuctionEvent => ({
  type: 'AuctionBidFundsHeld',
  data: { bidId, bidder, amount },
});
export const bidRejected = (bidId: string, bidder: string, amount: number): AuctionEvent => ({
  type: 'AuctionBidRejected',
  data: { bidId, bidder, amount, reason: 'insufficientFunds' },
});
export const refundRequested = (bidId: string, bidder: string, amount: number): AuctionEvent => ({
  type: 'AuctionRefundRequested',
  data: { bidId, bidder, amount },
});
export const refundConfirmed = (bidId: string): AuctionEvent => ({ type: 'AuctionRefundConfirmed', data: { bidId } });
export const cancelled: AuctionEvent = { type: 'AuctionCancelled', data: {} };
export const expired: AuctionEvent = { type: 'AuctionExpired', data: { endedAt: ENDS_AT } };
export const won = (winner: string, bidId: string, amount: number): AuctionEvent => ({
  type: 'AuctionWon',
  data: { winner, bidId, amount, seller: SELLER, itemId: ITEM },
});
export const ended = (outcome: 'settled' | 'returned' | 'cancelled'): AuctionEvent => ({ type: 'AuctionEnded', data: { outcome } });

/** An open auction with a held bid of 200 by p1. */
export const open: readonly AuctionEvent[] = [listed, escrowConfirmed];
export const withLead: readonly AuctionEvent[] = [...open, placed('b1', 'p1', 200), confirmed('b1', 'p1', 200)];
