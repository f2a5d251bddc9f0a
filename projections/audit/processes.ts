import type { AuctionEvent } from '../../events/auction.js';
import type { TradeEvent, TradeOutcome } from '../../events/trade.js';
import type { ProblemLog, Where } from './problems.js';

/**
 * How far each trade and auction got, from its own stream: enough to tell whether the
 * gold and items it holds at the end of the log are still legitimately held (the trade
 * or auction is unfinished) or should have been handed on (it is over).
 */

export interface TradeProgress {
  readonly proposed: boolean;
  /** Past negotiation: the trade asked for its escrow. */
  readonly escrowRequested: boolean;
  readonly outcome: TradeOutcome | undefined;
  /** The TradeClosed event, once there is one. */
  readonly closedAt: Where | undefined;
}

export type AuctionEnding = 'settled' | 'returned' | 'cancelled' | 'escrowFailed';

export interface AuctionProgress {
  readonly listed: boolean;
  /** AuctionEnded, or an escrow that failed (the auction ends unopened). */
  readonly ending: AuctionEnding | undefined;
  readonly endedAt: Where | undefined;
  /** Refunds asked for and not yet confirmed, by bid id: their gold is still held, on its way back. */
  readonly refundsOutstanding: ReadonlyMap<string, number>;
}

export interface ProcessLedger {
  applyTrade(tradeId: string, event: TradeEvent, where: Where): void;
  applyAuction(auctionId: string, event: AuctionEvent, where: Where): void;
  /** undefined: no stream of that trade was seen. */
  trade(tradeId: string): TradeProgress | undefined;
  auction(auctionId: string): AuctionProgress | undefined;
  trades(): Iterable<TradeProgress>;
  auctions(): Iterable<AuctionProgress>;
}

interface MutableTrade {
  proposed: boolean;
  escrowRequested: boolean;
  outcome: TradeOutcome | undefined;
  closedAt: Where | undefined;
}

interface MutableAuction {
  listed: boolean;
  ending: AuctionEnding | undefined;
  endedAt: Where | undefined;
  refundsOutstanding: Map<string, number>;
}

export const createProcessLedger = (problems: ProblemLog): ProcessLedger => {
  const trades = new Map<string, MutableTrade>();
  const auctions = new Map<string, MutableAuction>();

  const tradeOf = (tradeId: string): MutableTrade => {
    const known = trades.get(tradeId);
    if (known !== undefined) return known;
    const created: MutableTrade = { proposed: false, escrowRequested: false, outcome: undefined, closedAt: undefined };
    trades.set(tradeId, created);
    return created;
  };

  const auctionOf = (auctionId: string): MutableAuction => {
    const known = auctions.get(auctionId);
    if (known !== undefined) return known;
    const created: MutableAuction = { listed: false, ending: undefined, endedAt: undefined, refundsOutstanding: new Map() };
    auctions.set(auctionId, created);
    return created;
  };

  return {
    applyTrade(tradeId, event, where) {
      const trade = tradeOf(tradeId);
      // A closed trade takes no more facts and asks for nothing more.
      if (trade.outcome !== undefined) problems.note(where, `trade ${tradeId} recorded ${event.type} after it closed (${trade.outcome})`, 'process');
      switch (event.type) {
        case 'TradeProposed':
          if (trade.proposed) problems.note(where, `trade ${tradeId} proposed twice`, 'process');
          trade.proposed = true;
          return;
        case 'TradeEscrowRequested':
          trade.escrowRequested = true;
          return;
        case 'TradeClosed':
          if (trade.outcome === undefined) {
            trade.outcome = event.data.outcome;
            trade.closedAt = where;
          }
          return;
        case 'TradeOfferChanged':
        case 'TradeOfferAccepted':
        case 'TradeEscrowConfirmed':
        case 'TradeEscrowFailed':
        case 'TradeLegSettled':
        case 'TradeLegReleased':
        case 'TradeCancelled':
        case 'TradeExpired':
        case 'TradeAborted':
        case 'TradeSettlementRequested':
        case 'TradeReleaseRequested':
          if (!trade.proposed) problems.note(where, `trade ${tradeId} recorded ${event.type} before it was proposed`, 'process');
          return;
      }
    },

    applyAuction(auctionId, event, where) {
      const auction = auctionOf(auctionId);
      // Only refund confirmations may follow the end.
      if (auction.ending !== undefined && event.type !== 'AuctionRefundConfirmed') {
        problems.note(where, `auction ${auctionId} recorded ${event.type} after it ended (${auction.ending})`, 'process');
      }
      const end = (ending: AuctionEnding): void => {
        if (auction.ending !== undefined) return;
        auction.ending = ending;
        auction.endedAt = where;
      };
      switch (event.type) {
        case 'AuctionListed':
          if (auction.listed) problems.note(where, `auction ${auctionId} listed twice`, 'process');
          auction.listed = true;
          return;
        case 'AuctionItemEscrowFailed':
          end('escrowFailed');
          return;
        case 'AuctionEnded':
          end(event.data.outcome);
          return;
        case 'AuctionRefundRequested':
          auction.refundsOutstanding.set(event.data.bidId, event.data.amount);
          return;
        case 'AuctionRefundConfirmed':
          auction.refundsOutstanding.delete(event.data.bidId);
          return;
        case 'AuctionItemEscrowed':
        case 'AuctionBidPlaced':
        case 'AuctionBidFundsHeld':
        case 'AuctionBidRejected':
        case 'AuctionCancelled':
        case 'AuctionExpired':
        case 'AuctionWon':
          if (!auction.listed) problems.note(where, `auction ${auctionId} recorded ${event.type} before it was listed`, 'process');
          return;
      }
    },

    trade: (tradeId) => trades.get(tradeId),
    auction: (auctionId) => auctions.get(auctionId),
    trades: () => trades.values(),
    auctions: () => auctions.values(),
  };
};
