import type { AuctionEvent } from '../../events/auction.js';
import { accept, reject, type Decision, type DecisionContext } from '../runtime/decider.js';
import { MAX_GOLD_PER_OPERATION } from '../shared/values.js';
import { MAX_BIDS_PER_AUCTION, type BidCommand, type BuyoutCommand } from './commands.js';
import { leadingBid, type AuctionState, type ListedAuction } from './state.js';

type Verdict = Decision<AuctionEvent>;

/** A new bid must beat the lead by 5%, at least 1 gold: small enough to bid, large enough to end sniping wars. */
export const MIN_INCREMENT_PERCENT = 5;

/**
 * The lowest acceptable next bid. `Math.ceil(amount / 20)` is exact here: amounts are
 * integers ≤ 10^12, so a quotient that is not a whole number is at least 1/20 away from
 * one, far more than a double's error at that size.
 */
export const minimumBid = (state: ListedAuction): number => {
  const lead = leadingBid(state);
  if (lead === undefined) return state.startingPrice;
  return lead.amount + Math.max(1, Math.ceil((lead.amount * MIN_INCREMENT_PERCENT) / 100));
};

/** Checked again after the host's schema: gold is where dupes come from, and a decider may run without the host. */
const invalidAmount = (amount: number): Verdict | undefined =>
  Number.isSafeInteger(amount) && amount > 0 && amount <= MAX_GOLD_PER_OPERATION
    ? undefined
    : reject('VALIDATION', `amount must be a whole number in 1..${MAX_GOLD_PER_OPERATION}`);

const notOpen = (state: AuctionState, auctionId: string): Verdict => {
  if (state.status === 'unlisted') return reject('NOT_FOUND', `no auction ${auctionId}`);
  if (state.status === 'pending-escrow') return reject('REJECTED', `auction ${auctionId} is not open yet: its item is being escrowed`);
  return reject('REJECTED', `auction ${auctionId} is over`);
};

interface Offer {
  readonly bidId: string;
  readonly amount: number;
  readonly buyout: boolean;
}

type OpenAuction = Extract<AuctionState, { readonly status: 'open' }>;

/** What a bid and a buyout share: who may make it, when, and whether its id is fresh. */
/** `price` runs last, against an open auction and a new bid id, so a retried bid never fails on price. */
const place = (
  state: AuctionState,
  offer: Offer,
  context: DecisionContext,
  price?: (open: OpenAuction) => Verdict | undefined,
): Verdict => {
  const auctionId = context.actorId;
  if (state.status === 'unlisted') return notOpen(state, auctionId);
  const bidder = context.issuer.id;
  if (bidder === state.seller) return reject('UNAUTHORIZED', `${bidder} may not bid on its own auction`);
  // Repeats first: a retried bid is a no-op whatever happened since, even past the deadline.
  const earlier = state.bids.get(offer.bidId);
  if (earlier !== undefined) {
    const same = earlier.bidder === bidder && earlier.amount === offer.amount && earlier.buyout === offer.buyout;
    return same ? accept() : reject('REJECTED', `bid ${offer.bidId} was already used`);
  }
  if (state.status !== 'open') return notOpen(state, auctionId);
  if (context.now.getTime() >= state.endsAt) {
    return reject('REJECTED', `auction ${auctionId} ended at ${new Date(state.endsAt).toISOString()}`);
  }
  if (state.pending !== undefined) return reject('REJECTED', `another bid is awaiting its funds; retry shortly`);
  if (state.bids.size >= MAX_BIDS_PER_AUCTION) {
    return reject('REJECTED', `auction ${auctionId} takes no more than ${MAX_BIDS_PER_AUCTION} bids`);
  }
  const priced = price?.(state);
  if (priced !== undefined) return priced;
  return accept({ type: 'AuctionBidPlaced', data: { bidId: offer.bidId, bidder, amount: offer.amount, buyout: offer.buyout } });
};

export const decideBid = (command: BidCommand, state: AuctionState, context: DecisionContext): Verdict => {
  const { amount, bidId } = command.data;
  const invalid = invalidAmount(amount);
  if (invalid !== undefined) return invalid;
  return place(state, { bidId, amount, buyout: false }, context, (open) => {
    if (open.buyoutPrice !== undefined && amount >= open.buyoutPrice) {
      return reject('REJECTED', `a bid of ${amount} reaches the buyout price ${open.buyoutPrice}: buy out instead`);
    }
    const minimum = minimumBid(open);
    return amount < minimum ? reject('REJECTED', `bid must be at least ${minimum}`) : undefined;
  });
};

export const decideBuyout = (command: BuyoutCommand, state: AuctionState, context: DecisionContext): Verdict => {
  if (state.status === 'unlisted') return notOpen(state, context.actorId);
  if (state.buyoutPrice === undefined) return reject('REJECTED', `auction ${context.actorId} has no buyout price`);
  return place(state, { bidId: command.data.bidId, amount: state.buyoutPrice, buyout: true }, context);
};

const unknownBid = (bidId: string): Verdict => reject('NOT_FOUND', `no bid ${bidId}`);

/**
 * The bidder's gold is held. The bid leads; the bid it displaces is refunded (exactly
 * once: only a `held` bid can be refunded, and it leaves `held` doing so); a buyout wins.
 */
export const decideFundsHeld = (state: ListedAuction, bidId: string): Verdict => {
  const bid = state.bids.get(bidId);
  if (bid === undefined) return unknownBid(bidId);
  if (bid.status === 'failed') return reject('REJECTED', `bid ${bidId} was already rejected for lack of funds`);
  if (bid.status !== 'pending') return accept();
  const events: AuctionEvent[] = [{ type: 'AuctionBidFundsHeld', data: { bidId, bidder: bid.bidder, amount: bid.amount } }];
  const outbid = leadingBid(state);
  if (outbid !== undefined) {
    events.push({ type: 'AuctionRefundRequested', data: { bidId: outbid.bidId, bidder: outbid.bidder, amount: outbid.amount } });
  }
  if (bid.buyout) {
    events.push({
      type: 'AuctionWon',
      data: { winner: bid.bidder, bidId, amount: bid.amount, seller: state.seller, itemId: state.itemId },
    });
  }
  return accept(...events);
};

export const decideFundsFailed = (state: ListedAuction, bidId: string): Verdict => {
  const bid = state.bids.get(bidId);
  if (bid === undefined) return unknownBid(bidId);
  if (bid.status === 'failed') return accept();
  if (bid.status !== 'pending') return reject('REJECTED', `bid ${bidId}'s funds were already confirmed`);
  return accept({ type: 'AuctionBidRejected', data: { bidId, bidder: bid.bidder, amount: bid.amount, reason: 'insufficientFunds' } });
};

export const decideRefunded = (state: ListedAuction, bidId: string): Verdict => {
  const bid = state.bids.get(bidId);
  if (bid === undefined) return unknownBid(bidId);
  if (bid.status === 'refunded') return accept();
  if (bid.status !== 'refunding') return reject('REJECTED', `bid ${bidId} has no refund outstanding`);
  return accept({ type: 'AuctionRefundConfirmed', data: { bidId } });
};
