import type { ItemHolder } from '../../events/item.js';
import { derivedCommandId } from '../process/step-ids.js';
import type { AuctionState } from './state.js';

/**
 * What the process manager still has to carry out for one auction, as data. Each step
 * maps to one idempotent command on another actor and one confirmation back here:
 *
 * - escrowItem   → item `escrow { holder, from: seller }`        → `itemEscrowed` / `itemEscrowFailed`
 * - holdBidFunds → player `debit { amount, cause: 'auction', reference: bidId }` → `bidFundsHeld` / `bidFundsFailed`
 * - refundBid    → player `credit { amount, cause: 'auction', reference: bidId }` → `refunded { bidId }`
 * - deliverItem + paySeller → item `release { holder, to: winner }` and player
 *                  `credit { amount, cause: 'auction', reference: auctionId }` → `settled`
 * - returnItem   → item `release { holder, to: seller }`          → `returned`
 *
 * The references are those the player ledger deduplicates on (unique per cause and
 * direction), so a step repeated after a crash is refused there, never applied twice.
 * A bid's reference is derived from the auction and the bid id together: a bidder
 * chooses its bid ids, and the same id in two auctions must be two ledger entries.
 */
export type AuctionStep =
  | { readonly kind: 'escrowItem'; readonly itemId: string; readonly holder: ItemHolder; readonly from: string }
  | { readonly kind: 'holdBidFunds'; readonly bidId: string; readonly bidder: string; readonly amount: number; readonly reference: string }
  | { readonly kind: 'refundBid'; readonly bidId: string; readonly bidder: string; readonly amount: number; readonly reference: string }
  | { readonly kind: 'deliverItem'; readonly itemId: string; readonly holder: ItemHolder; readonly to: string }
  | { readonly kind: 'paySeller'; readonly seller: string; readonly amount: number; readonly reference: string }
  | { readonly kind: 'returnItem'; readonly itemId: string; readonly holder: ItemHolder; readonly to: string };

/** `bid-` and 128 bits of SHA-256 over (auction, bid): unique per bid, subject-safe. */
export const bidReference = (auctionId: string, bidId: string): string => `bid-${derivedCommandId('auction-bid', auctionId, bidId)}`;

/** Steps in the order they should run: gold owed to bidders first, then the item and the seller. */
export const pendingSteps = (state: AuctionState, auctionId: string): readonly AuctionStep[] => {
  if (state.status === 'unlisted') return [];
  const holder: ItemHolder = { kind: 'auction', id: auctionId };
  const steps: AuctionStep[] = [];
  if (state.status === 'pending-escrow') steps.push({ kind: 'escrowItem', itemId: state.itemId, holder, from: state.seller });
  for (const bid of state.bids.values()) {
    const { bidId, bidder, amount } = bid;
    if (bid.status === 'pending') steps.push({ kind: 'holdBidFunds', bidId, bidder, amount, reference: bidReference(auctionId, bidId) });
    if (bid.status === 'refunding') {
      steps.push({ kind: 'refundBid', bidId, bidder, amount, reference: bidReference(auctionId, bidId) });
    }
  }
  if (state.status === 'closing') {
    if (state.closing.outcome === 'sold') {
      const { winner, amount } = state.closing.sale;
      steps.push({ kind: 'deliverItem', itemId: state.itemId, holder, to: winner });
      steps.push({ kind: 'paySeller', seller: state.seller, amount, reference: auctionId });
    } else {
      steps.push({ kind: 'returnItem', itemId: state.itemId, holder, to: state.seller });
    }
  }
  return steps;
};
