import { z } from 'zod';
import type { SnapshotCodec } from '../runtime/actor-definition.js';
import { MAX_BIDS_PER_AUCTION } from './commands.js';
import type { AuctionState, Bid } from './state.js';

/**
 * Snapshots write the bids as an array (msgpack has no Map) and are validated on the
 * way back: a snapshot that does not parse throws, and the host rebuilds the auction
 * from its events. Bump `version` when the state changes shape.
 */
const BidSnapshot = z.strictObject({
  bidId: z.string(),
  bidder: z.string(),
  amount: z.number(),
  buyout: z.boolean(),
  status: z.enum(['pending', 'held', 'failed', 'refunding', 'refunded', 'won']),
});
const Sale = z.strictObject({ winner: z.string(), bidId: z.string(), amount: z.number() });
const listed = {
  seller: z.string(),
  itemId: z.string(),
  startingPrice: z.number(),
  buyoutPrice: z.number().optional(),
  endsAt: z.number(),
  listedAt: z.number(),
  bids: z.array(BidSnapshot).max(MAX_BIDS_PER_AUCTION),
  leading: z.string().optional(),
  pending: z.string().optional(),
};
const Closing = z.discriminatedUnion('outcome', [
  z.strictObject({ outcome: z.literal('sold'), sale: Sale }),
  z.strictObject({ outcome: z.literal('unsold') }),
  z.strictObject({ outcome: z.literal('cancelled') }),
]);
const AuctionSnapshot = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('unlisted') }),
  z.strictObject({ status: z.literal('pending-escrow'), ...listed }),
  z.strictObject({ status: z.literal('open'), ...listed }),
  z.strictObject({ status: z.literal('closing'), closing: Closing, ...listed }),
  z.strictObject({ status: z.literal('settled'), sale: Sale, ...listed }),
  z.strictObject({ status: z.literal('returned'), ...listed }),
  z.strictObject({ status: z.literal('cancelled'), reason: z.enum(['seller', 'escrowFailed']), ...listed }),
]);

/** Drops `undefined` fields: msgpack would write them as nil, which the strict schema then refuses. */
const defined = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;

export const auctionSnapshotCodec: SnapshotCodec<AuctionState> = {
  version: 1,
  encode: (state) => (state.status === 'unlisted' ? state : defined({ ...state, bids: [...state.bids.values()] })),
  decode: (payload) => {
    const snapshot = AuctionSnapshot.parse(payload);
    if (snapshot.status === 'unlisted') return snapshot;
    const bids = new Map<string, Bid>(snapshot.bids.map((bid) => [bid.bidId, bid]));
    return { ...snapshot, buyoutPrice: snapshot.buyoutPrice, leading: snapshot.leading, pending: snapshot.pending, bids };
  },
};
