import { eventDefinitions, type DomainEvent, type EventDefinition } from './catalog/index.js';

/**
 * The auction's history, one stream per auction (`auction-<auctionId>`). The auction
 * never moves items or gold itself: it records what was decided, and a process manager
 * carries the steps out on the item and player actors and reports back (the
 * `…Confirmed`/`…Failed` events). Each event carries everything the process manager and
 * the audit need, so neither has to replay earlier events to act on one.
 *
 * Amounts are whole gold within MAX_GOLD_PER_OPERATION; times are epoch milliseconds.
 */

/** The seller offers an item; nothing is open for bids until the item is in escrow. */
export type AuctionListed = DomainEvent<
  'AuctionListed',
  {
    readonly seller: string;
    readonly itemId: string;
    readonly startingPrice: number;
    /** Absent: no buyout. */
    readonly buyoutPrice?: number;
    readonly endsAt: number;
    readonly listedAt: number;
  }
>;

/** The item actor holds the item for this auction: bidding opens. */
export type AuctionItemEscrowed = DomainEvent<'AuctionItemEscrowed', Readonly<Record<string, never>>>;
/** The item could not be escrowed (sold, consumed, not the seller's): the auction ends unopened. */
export type AuctionItemEscrowFailed = DomainEvent<'AuctionItemEscrowFailed', Readonly<Record<string, never>>>;

/**
 * A bid (or a buyout, at the buyout price) was accepted for confirmation: the bidder's
 * gold is debited next (cause `auction`, reference `bidId`). It leads only once the
 * funds are confirmed, so a bidder without the gold can never push out a real bid.
 */
export type AuctionBidPlaced = DomainEvent<
  'AuctionBidPlaced',
  { readonly bidId: string; readonly bidder: string; readonly amount: number; readonly buyout: boolean }
>;

/** The bidder's gold is held by the auction; the bid now leads. */
export type AuctionBidFundsHeld = DomainEvent<
  'AuctionBidFundsHeld',
  { readonly bidId: string; readonly bidder: string; readonly amount: number }
>;

/** The debit was refused (not enough gold); nothing was taken, so nothing is refunded. */
export type AuctionBidRejected = DomainEvent<
  'AuctionBidRejected',
  { readonly bidId: string; readonly bidder: string; readonly amount: number; readonly reason: 'insufficientFunds' }
>;

/** A held bid lost the lead (outbid, bought out): its gold goes back to the bidder, exactly once. */
export type AuctionRefundRequested = DomainEvent<'AuctionRefundRequested', { readonly bidId: string; readonly bidder: string; readonly amount: number }>;
export type AuctionRefundConfirmed = DomainEvent<'AuctionRefundConfirmed', { readonly bidId: string }>;

/** The seller withdrew the auction before any bid; the item goes back. */
export type AuctionCancelled = DomainEvent<'AuctionCancelled', Readonly<Record<string, never>>>;
/** The deadline passed with no bid; the item goes back. */
export type AuctionExpired = DomainEvent<'AuctionExpired', { readonly endedAt: number }>;

/**
 * The one winner: the item goes to `winner`, the seller is credited `amount` (the gold
 * already held from the winning bid), never more.
 */
export type AuctionWon = DomainEvent<
  'AuctionWon',
  { readonly winner: string; readonly bidId: string; readonly amount: number; readonly seller: string; readonly itemId: string }
>;

/** The process manager finished the item and seller steps; nothing follows but refund confirmations. */
export type AuctionEnded = DomainEvent<'AuctionEnded', { readonly outcome: 'settled' | 'returned' | 'cancelled' }>;

export type AuctionEvent =
  | AuctionListed
  | AuctionItemEscrowed
  | AuctionItemEscrowFailed
  | AuctionBidPlaced
  | AuctionBidFundsHeld
  | AuctionBidRejected
  | AuctionRefundRequested
  | AuctionRefundConfirmed
  | AuctionCancelled
  | AuctionExpired
  | AuctionWon
  | AuctionEnded;

/** Current version of every auction event; stored as `<type>.v<version>`. */
const CURRENT_VERSIONS = {
  AuctionListed: 1,
  AuctionItemEscrowed: 1,
  AuctionItemEscrowFailed: 1,
  AuctionBidPlaced: 1,
  AuctionBidFundsHeld: 1,
  AuctionBidRejected: 1,
  AuctionRefundRequested: 1,
  AuctionRefundConfirmed: 1,
  AuctionCancelled: 1,
  AuctionExpired: 1,
  AuctionWon: 1,
  AuctionEnded: 1,
} as const satisfies Record<AuctionEvent['type'], number>;

export const auctionEventDefinitions: readonly EventDefinition<AuctionEvent>[] = eventDefinitions<AuctionEvent>(CURRENT_VERSIONS);
