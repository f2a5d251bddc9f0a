import type { AuctionEvent } from '../../events/auction.js';

/**
 * Where one bid stands. `pending`: placed, the bidder's debit not yet reported.
 * `held`: the auction holds the gold. `failed`: the debit was refused, nothing held.
 * `refunding` → `refunded`: outbid or bought out, the gold is on its way back.
 * `won`: the gold goes to the seller.
 */
export type BidStatus = 'pending' | 'held' | 'failed' | 'refunding' | 'refunded' | 'won';

export interface Bid {
  readonly bidId: string;
  readonly bidder: string;
  readonly amount: number;
  readonly buyout: boolean;
  readonly status: BidStatus;
}

/** What the listing fixed; never changes afterwards. */
export interface Listing {
  readonly seller: string;
  readonly itemId: string;
  readonly startingPrice: number;
  readonly buyoutPrice: number | undefined;
  /** Epoch ms. In the state, so a scheduler rebuilt from the log finds the deadline again. */
  readonly endsAt: number;
  readonly listedAt: number;
}

export interface Bidding {
  /** Every bid by id, in placing order; a bid id counts once. At most MAX_BIDS_PER_AUCTION. */
  readonly bids: ReadonlyMap<string, Bid>;
  /** The held bid that leads, if any; its status is `held` (or `won` once the auction is won). */
  readonly leading: string | undefined;
  /** The one bid awaiting its debit; others wait, so the lead never depends on unconfirmed gold. */
  readonly pending: string | undefined;
}

export interface Sale {
  readonly winner: string;
  readonly bidId: string;
  readonly amount: number;
}

type Listed = Listing & Bidding;

/**
 * `closing` is decided but not yet carried out: the process manager still has to move
 * the item (and pay the seller on a sale). Refunds run alongside in every status, so
 * they live on the bids, not in the status.
 */
export type AuctionState =
  | { readonly status: 'unlisted' }
  | ({ readonly status: 'pending-escrow' } & Listed)
  | ({ readonly status: 'open' } & Listed)
  | ({ readonly status: 'closing'; readonly closing: Closing } & Listed)
  | ({ readonly status: 'settled'; readonly sale: Sale } & Listed)
  | ({ readonly status: 'returned' } & Listed)
  | ({ readonly status: 'cancelled'; readonly reason: 'seller' | 'escrowFailed' } & Listed);

export type Closing =
  | { readonly outcome: 'sold'; readonly sale: Sale }
  | { readonly outcome: 'unsold' }
  | { readonly outcome: 'cancelled' };

export type AuctionStatus = AuctionState['status'];
export type ListedAuction = Exclude<AuctionState, { readonly status: 'unlisted' }>;

export const initialAuctionState = (): AuctionState => ({ status: 'unlisted' });

const withBid = (state: ListedAuction, bid: Bid): ReadonlyMap<string, Bid> => new Map(state.bids).set(bid.bidId, bid);

/** The bid `bidId` if it is in `status`; the events that change a bid apply only from their own status. */
const bidIn = (state: ListedAuction, bidId: string, ...statuses: BidStatus[]): Bid | undefined => {
  const bid = state.bids.get(bidId);
  return bid !== undefined && statuses.includes(bid.status) ? bid : undefined;
};

type BidEvent = Extract<
  AuctionEvent,
  { readonly type: 'AuctionBidPlaced' | 'AuctionBidFundsHeld' | 'AuctionBidRejected' | 'AuctionRefundRequested' | 'AuctionRefundConfirmed' }
>;

const evolveBid = (state: ListedAuction, event: BidEvent): AuctionState => {
  switch (event.type) {
    case 'AuctionBidPlaced': {
      if (state.status !== 'open' || state.bids.has(event.data.bidId)) return state;
      const bid: Bid = { ...event.data, status: 'pending' };
      return { ...state, bids: withBid(state, bid), pending: bid.bidId };
    }
    case 'AuctionBidFundsHeld': {
      const bid = bidIn(state, event.data.bidId, 'pending');
      if (bid === undefined) return state;
      return { ...state, bids: withBid(state, { ...bid, status: 'held' }), pending: undefined, leading: bid.bidId };
    }
    case 'AuctionBidRejected': {
      const bid = bidIn(state, event.data.bidId, 'pending');
      if (bid === undefined) return state;
      return { ...state, bids: withBid(state, { ...bid, status: 'failed' }), pending: undefined };
    }
    case 'AuctionRefundRequested': {
      const bid = bidIn(state, event.data.bidId, 'held');
      if (bid === undefined) return state;
      const leading = state.leading === bid.bidId ? undefined : state.leading;
      return { ...state, bids: withBid(state, { ...bid, status: 'refunding' }), leading };
    }
    case 'AuctionRefundConfirmed': {
      const bid = bidIn(state, event.data.bidId, 'refunding');
      if (bid === undefined) return state;
      return { ...state, bids: withBid(state, { ...bid, status: 'refunded' }) };
    }
  }
};

const evolveListed = (state: ListedAuction, event: AuctionEvent): AuctionState => {
  switch (event.type) {
    case 'AuctionItemEscrowed':
      return state.status === 'pending-escrow' ? { ...state, status: 'open' } : state;
    case 'AuctionItemEscrowFailed':
      return state.status === 'pending-escrow' ? { ...state, status: 'cancelled', reason: 'escrowFailed' } : state;
    case 'AuctionCancelled':
      return state.status === 'open' ? { ...state, status: 'closing', closing: { outcome: 'cancelled' } } : state;
    case 'AuctionExpired':
      return state.status === 'open' ? { ...state, status: 'closing', closing: { outcome: 'unsold' } } : state;
    case 'AuctionWon': {
      const bid = bidIn(state, event.data.bidId, 'held');
      if (state.status !== 'open' || bid === undefined) return state;
      const sale: Sale = { winner: bid.bidder, bidId: bid.bidId, amount: bid.amount };
      return { ...state, status: 'closing', closing: { outcome: 'sold', sale }, bids: withBid(state, { ...bid, status: 'won' }) };
    }
    case 'AuctionEnded':
      return evolveEnded(state, event.data.outcome);
    case 'AuctionListed':
      // Ids are never reused: a second listing on one stream is not applied.
      return state;
    case 'AuctionBidPlaced':
    case 'AuctionBidFundsHeld':
    case 'AuctionBidRejected':
    case 'AuctionRefundRequested':
    case 'AuctionRefundConfirmed':
      return evolveBid(state, event);
  }
};

const evolveEnded = (state: ListedAuction, outcome: 'settled' | 'returned' | 'cancelled'): AuctionState => {
  if (state.status !== 'closing') return state;
  const { closing, ...rest } = state;
  if (outcome === 'settled' && closing.outcome === 'sold') return { ...rest, status: 'settled', sale: closing.sale };
  if (outcome === 'returned' && closing.outcome === 'unsold') return { ...rest, status: 'returned' };
  if (outcome === 'cancelled' && closing.outcome === 'cancelled') return { ...rest, status: 'cancelled', reason: 'seller' };
  return state;
};

/** Never throws; an event that does not fit the state is ignored. */
export const evolveAuction = (state: AuctionState, event: AuctionEvent): AuctionState => {
  if (state.status === 'unlisted') {
    if (event.type !== 'AuctionListed') return state;
    const { buyoutPrice, ...listing } = event.data;
    return {
      status: 'pending-escrow',
      ...listing,
      buyoutPrice,
      bids: new Map(),
      leading: undefined,
      pending: undefined,
    };
  }
  return evolveListed(state, event);
};

/** The bid that leads, if any. */
export const leadingBid = (state: ListedAuction): Bid | undefined =>
  state.leading === undefined ? undefined : state.bids.get(state.leading);
