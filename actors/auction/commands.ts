import { z } from 'zod';
import type { Command } from '../runtime/decider.js';
import { ActorId, GoldAmount } from '../shared/values.js';

/**
 * The data of each auction command, validated by the host before the decider sees it.
 * Strict objects: an unknown field is a client bug or a probe. The auction's id is the
 * actor id (the subject), never a field. Bidders name no player: the issuer is the bidder.
 */

/** The subject token and stream category: `mmo.cmd.*.*.auction.<auctionId>.*`, `auction-<auctionId>`. */
export const AUCTION_CATEGORY = 'auction';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Longer auctions tie up the item and the held gold for longer than any player waits. */
export const MAX_AUCTION_DURATION_MS = 14 * DAY_MS;
/** Shorter ones would end before the escrow round trip; a listing this short is a client bug. */
export const MIN_AUCTION_DURATION_MS = 60 * 1000;
/**
 * Bids (confirmed or not) one auction accepts. Bounds the state and its snapshots: with a
 * 5% increment 600 confirmed bids already span 1 gold to 10^12; the rest of the room is
 * for bids whose funds failed.
 */
export const MAX_BIDS_PER_AUCTION = 2_000;

/** Epoch milliseconds; integers only, so the deadline compares exactly after a replay. */
export const EpochMs = z.number({ error: 'must be a number' }).int('must be a whole number').nonnegative().max(Number.MAX_SAFE_INTEGER);

export const ListData = z.strictObject({
  seller: ActorId,
  itemId: ActorId,
  startingPrice: GoldAmount,
  buyoutPrice: GoldAmount.optional(),
  endsAt: EpochMs,
});
/** `bidId` is the debit's reference on the bidder's wallet: unique per bidder, ideally a UUID-like token. */
export const BidData = z.strictObject({ amount: GoldAmount, bidId: ActorId });
export const BuyoutData = z.strictObject({ bidId: ActorId });
export const NoData = z.strictObject({});
export const BidRefData = z.strictObject({ bidId: ActorId });

type DataOf<Schema extends z.ZodType> = Readonly<z.infer<Schema>>;

export type ListCommand = Command<'list', DataOf<typeof ListData>>;
export type BidCommand = Command<'bid', DataOf<typeof BidData>>;
export type BuyoutCommand = Command<'buyout', DataOf<typeof BuyoutData>>;
export type CancelCommand = Command<'cancel', DataOf<typeof NoData>>;
export type CloseCommand = Command<'close', DataOf<typeof NoData>>;
export type ItemEscrowedCommand = Command<'itemEscrowed', DataOf<typeof NoData>>;
export type ItemEscrowFailedCommand = Command<'itemEscrowFailed', DataOf<typeof NoData>>;
export type BidFundsHeldCommand = Command<'bidFundsHeld', DataOf<typeof BidRefData>>;
export type BidFundsFailedCommand = Command<'bidFundsFailed', DataOf<typeof BidRefData>>;
export type RefundedCommand = Command<'refunded', DataOf<typeof BidRefData>>;
export type SettledCommand = Command<'settled', DataOf<typeof NoData>>;
export type ReturnedCommand = Command<'returned', DataOf<typeof NoData>>;

/** Reports from the process manager: what it did on the item and player actors. */
export type ConfirmationCommand =
  | ItemEscrowedCommand
  | ItemEscrowFailedCommand
  | BidFundsHeldCommand
  | BidFundsFailedCommand
  | RefundedCommand
  | SettledCommand
  | ReturnedCommand;

export type AuctionCommand = ListCommand | BidCommand | BuyoutCommand | CancelCommand | CloseCommand | ConfirmationCommand;

export type AuctionCommandName = AuctionCommand['type'];

/**
 * Who may send what. Bids name no bidder, so only players bid. Closing and every
 * confirmation come from the scheduler and the process manager, which are servers: a
 * player confirming its own funds would mint gold. The host refuses others at the
 * subject; the decider checks again.
 */
export const AUCTION_ISSUERS: { readonly [Name in AuctionCommandName]: readonly ('player' | 'server')[] } = {
  list: ['player', 'server'],
  bid: ['player'],
  buyout: ['player'],
  cancel: ['player', 'server'],
  close: ['server'],
  itemEscrowed: ['server'],
  itemEscrowFailed: ['server'],
  bidFundsHeld: ['server'],
  bidFundsFailed: ['server'],
  refunded: ['server'],
  settled: ['server'],
  returned: ['server'],
};
