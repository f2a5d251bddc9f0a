import type { AuctionEvent } from '../../events/auction.js';
import type { TradeEvent } from '../../events/trade.js';

/**
 * What a process manager knows of every unfinished trade and auction, built from the
 * log: when each is due (a trade's expiry, an auction's end) and whether events arrived
 * since it was last driven. It is rebuilt from the log on every start, which is how
 * timers survive restarts and how unfinished work is found after a crash.
 */

export type ProcessKind = 'trade' | 'auction';

export interface TrackedProcess {
  readonly kind: ProcessKind;
  readonly id: string;
  /** Epoch ms at which the clock must act (expire the trade, close the auction); none once past that stage. */
  deadline: number | undefined;
  /** When the last deadline command was sent, so it is repeated only now and then. */
  deadlineSentAt: number | undefined;
  /** The latest revision seen in the log, and the latest a drive had read. */
  seenRevision: bigint;
  drivenRevision: bigint;
  /** Local time of the latest event seen: a process quiet for a while and not driven since is picked up. */
  seenAt: number;
  /** An auction's refunds asked and not yet confirmed: they may outlive its end. */
  readonly refundsOwed: Set<string>;
  ended: boolean;
}

export const processKey = (kind: ProcessKind, id: string): string => `${kind}:${id}`;

export const parseProcessKey = (key: string): { readonly kind: ProcessKind; readonly id: string } | undefined => {
  const colon = key.indexOf(':');
  const kind = key.slice(0, colon);
  if (kind !== 'trade' && kind !== 'auction') return undefined;
  return { kind, id: key.slice(colon + 1) };
};

export type IndexChange = 'tracked' | 'finished';

/** From settlement on a trade always finishes; an unwinding trade no longer expires. */
const TRADE_DEADLINE_OVER: ReadonlySet<TradeEvent['type']> = new Set<TradeEvent['type']>([
  'TradeSettlementRequested',
  'TradeCancelled',
  'TradeExpired',
  'TradeAborted',
  'TradeEscrowFailed',
]);

/** How one trade event changes what the index tracks. */
export const trackTrade = (entry: TrackedProcess, event: TradeEvent): IndexChange => {
  if (event.type === 'TradeClosed') return 'finished';
  if (event.type === 'TradeProposed') entry.deadline = event.data.expiresAt;
  else if (TRADE_DEADLINE_OVER.has(event.type)) entry.deadline = undefined;
  return 'tracked';
};

const AUCTION_DEADLINE_OVER: ReadonlySet<AuctionEvent['type']> = new Set<AuctionEvent['type']>(['AuctionWon', 'AuctionExpired', 'AuctionCancelled']);

/** How one auction event changes what the index tracks. An auction is done once it ended and owes no refund. */
export const trackAuction = (entry: TrackedProcess, event: AuctionEvent): IndexChange => {
  if (event.type === 'AuctionItemEscrowFailed') return 'finished';
  if (event.type === 'AuctionListed') entry.deadline = event.data.endsAt;
  else if (AUCTION_DEADLINE_OVER.has(event.type)) entry.deadline = undefined;
  else if (event.type === 'AuctionRefundRequested') entry.refundsOwed.add(event.data.bidId);
  else if (event.type === 'AuctionRefundConfirmed') entry.refundsOwed.delete(event.data.bidId);
  else if (event.type === 'AuctionEnded') entry.ended = true;
  return entry.ended && entry.refundsOwed.size === 0 ? 'finished' : 'tracked';
};
