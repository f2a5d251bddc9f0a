import type { RecordedEvent } from '../../events/catalog/index.js';
import type { GuildEvent } from '../../events/guild.js';
import type { ItemHolder } from '../../events/item.js';
import type { AuctionEvent } from '../../events/auction.js';
import type { CreditCause, DebitCause } from '../../events/player.js';
import type { TradeEvent, TradeLeg, TradeOutcome, TradeStep } from '../../events/trade.js';
import type { WorldEvent } from '../../events/world.js';
import type { TradeTerms } from '../support/world/trade-terms.js';

/**
 * A world log written by hand, as plain RecordedEvent objects: revisions per stream,
 * positions in append order, the correlation id the process managers would put in the
 * metadata, and balances the way the player actor records them (overridable, to write
 * a wrong one on purpose).
 */

const BASE_TIME = Date.UTC(2025, 0, 1, 21, 4);

export interface WorldLog {
  readonly events: RecordedEvent<WorldEvent>[];
  record(stream: string, event: WorldEvent, correlationId?: string): RecordedEvent<WorldEvent>;
  credit(player: string, amount: number, cause: CreditCause, reference: string, options?: GoldOptions): void;
  debit(player: string, amount: number, cause: DebitCause, reference: string, options?: GoldOptions): void;
  balanceOf(player: string): number;
  mint(itemId: string, owner: string): void;
  transfer(itemId: string, from: string, to: string): void;
  escrow(itemId: string, owner: string, holder: ItemHolder): void;
  release(itemId: string, holder: ItemHolder, to: string): void;
  consume(itemId: string, owner: string): void;
  trade(tradeId: string, event: TradeEvent): void;
  auction(auctionId: string, event: AuctionEvent): void;
  guild(guildId: string, event: GuildEvent, correlationId?: string): void;
}

export interface GoldOptions {
  readonly correlationId?: string;
  /** What the entry claims the balance is; by default the true one. */
  readonly balanceAfter?: number;
}

export const worldLog = (): WorldLog => {
  const events: RecordedEvent<WorldEvent>[] = [];
  const revisions = new Map<string, bigint>();
  const balances = new Map<string, number>();
  let sequence = 0n;

  const record = (stream: string, event: WorldEvent, correlationId = `cmd-${sequence.toString()}`): RecordedEvent<WorldEvent> => {
    const revision = revisions.get(stream) ?? 0n;
    revisions.set(stream, revision + 1n);
    const at = new Date(BASE_TIME + Number(sequence) * 1_000);
    const recorded: RecordedEvent<WorldEvent> = {
      ...event,
      stream,
      revision,
      position: { commit: sequence, prepare: sequence },
      storedType: `${event.type}.v1`,
      metadata: { eventId: `e-${sequence.toString()}`, correlationId, occurredAt: at },
      created: at,
    };
    sequence += 1n;
    events.push(recorded);
    return recorded;
  };

  const gold = (player: string, delta: number, event: (balanceAfter: number) => WorldEvent, options: GoldOptions): void => {
    const balance = (balances.get(player) ?? 0) + delta;
    balances.set(player, balance);
    record(`player-${player}`, event(options.balanceAfter ?? balance), options.correlationId);
  };

  return {
    events,
    record,
    credit: (player, amount, cause, reference, options = {}) =>
      gold(player, amount, (balanceAfter) => ({ type: 'GoldCredited', data: { amount, cause, reference, balanceAfter } }), options),
    debit: (player, amount, cause, reference, options = {}) =>
      gold(player, -amount, (balanceAfter) => ({ type: 'GoldDebited', data: { amount, cause, reference, balanceAfter } }), options),
    balanceOf: (player) => balances.get(player) ?? 0,
    mint: (itemId, owner) => void record(`item-${itemId}`, { type: 'ItemMinted', data: { templateId: 'sword', owner } }),
    transfer: (itemId, from, to) => void record(`item-${itemId}`, { type: 'ItemTransferred', data: { from, to } }),
    escrow: (itemId, owner, holder) => void record(`item-${itemId}`, { type: 'ItemEscrowed', data: { owner, holder } }, holder.id),
    release: (itemId, holder, to) => void record(`item-${itemId}`, { type: 'ItemReleased', data: { holder, to } }, holder.id),
    consume: (itemId, owner) => void record(`item-${itemId}`, { type: 'ItemConsumed', data: { owner } }),
    trade: (tradeId, event) => void record(`trade-${tradeId}`, event, tradeId),
    auction: (auctionId, event) => void record(`auction-${auctionId}`, event, auctionId),
    guild: (guildId, event, correlationId) => void record(`guild-${guildId}`, event, correlationId),
  };
};

const legsOf = (terms: TradeTerms): TradeLeg[] =>
  (
    [
      [terms.initiator, terms.initiatorItems ?? [], terms.initiatorGold ?? 0],
      [terms.counterparty, terms.counterpartyItems ?? [], terms.counterpartyGold ?? 0],
    ] as const
  ).flatMap(([party, items, gold]): TradeLeg[] => [
    ...items.map((itemId): TradeLeg => ({ kind: 'item', itemId, party })),
    ...(gold > 0 ? [{ kind: 'gold', party } as const] : []),
  ]);

const goldOf = (terms: TradeTerms, party: string): number =>
  (party === terms.initiator ? terms.initiatorGold : terms.counterpartyGold) ?? 0;

const otherParty = (terms: TradeTerms, party: string): string => (party === terms.initiator ? terms.counterparty : terms.initiator);

/** The negotiation, as two players conduct it: proposal, both offers, both acceptances. */
export const negotiate = (log: WorldLog, terms: TradeTerms): void => {
  const { tradeId, initiator, counterparty } = terms;
  log.trade(tradeId, { type: 'TradeProposed', data: { tradeId, initiator, counterparty, expiresAt: terms.expiresAt ?? BASE_TIME + 600_000 } });
  log.trade(tradeId, {
    type: 'TradeOfferChanged',
    data: { party: initiator, items: terms.initiatorItems ?? [], gold: terms.initiatorGold ?? 0, offerVersion: 1 },
  });
  log.trade(tradeId, {
    type: 'TradeOfferChanged',
    data: { party: counterparty, items: terms.counterpartyItems ?? [], gold: terms.counterpartyGold ?? 0, offerVersion: 2 },
  });
  log.trade(tradeId, { type: 'TradeOfferAccepted', data: { party: initiator, offerVersion: 2 } });
  log.trade(tradeId, { type: 'TradeOfferAccepted', data: { party: counterparty, offerVersion: 2 } });
};

const escrowStepOf = (terms: TradeTerms, leg: TradeLeg): TradeStep =>
  leg.kind === 'item'
    ? { kind: 'escrowItem', leg, itemId: leg.itemId, from: leg.party }
    : { kind: 'escrowGold', leg, party: leg.party, amount: goldOf(terms, leg.party), reference: `${terms.tradeId}-escrow` };

/** The escrow step of one leg on the item or wallet, as the trade's process manager carries it out. */
const escrowLeg = (log: WorldLog, terms: TradeTerms, leg: TradeLeg): void => {
  const holder: ItemHolder = { kind: 'trade', id: terms.tradeId };
  if (leg.kind === 'item') log.escrow(leg.itemId, leg.party, holder);
  else log.debit(leg.party, goldOf(terms, leg.party), 'trade', `${terms.tradeId}-escrow`, { correlationId: terms.tradeId });
  log.trade(terms.tradeId, { type: 'TradeEscrowConfirmed', data: { leg } });
};

/** A trade run to `outcome` as the real process manager would record it on every stream it touches. */
export const runTrade = (log: WorldLog, terms: TradeTerms, outcome: TradeOutcome = 'completed'): void => {
  const { tradeId } = terms;
  const holder: ItemHolder = { kind: 'trade', id: tradeId };
  negotiate(log, terms);
  if (outcome === 'cancelled') {
    log.trade(tradeId, { type: 'TradeCancelled', data: { party: terms.counterparty } });
    log.trade(tradeId, { type: 'TradeClosed', data: { outcome } });
    return;
  }
  const legs = legsOf(terms);
  if (legs.length > 0) log.trade(tradeId, { type: 'TradeEscrowRequested', data: { steps: legs.map((leg) => escrowStepOf(terms, leg)) } });
  if (outcome === 'completed') {
    for (const leg of legs) escrowLeg(log, terms, leg);
    if (legs.length > 0) log.trade(tradeId, { type: 'TradeSettlementRequested', data: { steps: [] } });
    for (const leg of legs) {
      const to = otherParty(terms, leg.party);
      if (leg.kind === 'item') log.release(leg.itemId, holder, to);
      else log.credit(to, goldOf(terms, leg.party), 'trade', `${tradeId}-settle`, { correlationId: tradeId });
      log.trade(tradeId, { type: 'TradeLegSettled', data: { leg } });
    }
    log.trade(tradeId, { type: 'TradeClosed', data: { outcome } });
    return;
  }
  // Failed: every leg but the last is escrowed, the last is refused, the rest handed back.
  const held = legs.slice(0, -1);
  const refused = legs.at(-1);
  for (const leg of held) escrowLeg(log, terms, leg);
  if (refused !== undefined) log.trade(tradeId, { type: 'TradeEscrowFailed', data: { leg: refused, reason: 'REJECTED: insufficient gold' } });
  if (held.length > 0) log.trade(tradeId, { type: 'TradeReleaseRequested', data: { steps: [] } });
  for (const leg of held) {
    if (leg.kind === 'item') log.release(leg.itemId, holder, leg.party);
    else log.credit(leg.party, goldOf(terms, leg.party), 'refund', `${tradeId}-refund`, { correlationId: tradeId });
    log.trade(tradeId, { type: 'TradeLegReleased', data: { leg } });
  }
  log.trade(tradeId, { type: 'TradeClosed', data: { outcome } });
};

export interface AuctionTerms {
  readonly auctionId: string;
  readonly seller: string;
  readonly itemId: string;
  /** In order; each must beat the one before. */
  readonly bids: readonly { readonly bidder: string; readonly amount: number }[];
}

export const bidReference = (auctionId: string, bidId: string): string => `bid-${auctionId}-${bidId}`;

/** Listing, escrow, and every bid held (refunding the one it beats); the auction is left open. */
export const openAuction = (log: WorldLog, terms: AuctionTerms): { readonly lead?: { bidId: string; bidder: string; amount: number } } => {
  const { auctionId, seller, itemId } = terms;
  const holder: ItemHolder = { kind: 'auction', id: auctionId };
  log.auction(auctionId, { type: 'AuctionListed', data: { seller, itemId, startingPrice: 1, endsAt: BASE_TIME + 3_600_000, listedAt: BASE_TIME } });
  log.escrow(itemId, seller, holder);
  log.auction(auctionId, { type: 'AuctionItemEscrowed', data: {} });
  let lead: { bidId: string; bidder: string; amount: number } | undefined;
  terms.bids.forEach(({ bidder, amount }, index) => {
    const bidId = `b${index}`;
    log.auction(auctionId, { type: 'AuctionBidPlaced', data: { bidId, bidder, amount, buyout: false } });
    log.debit(bidder, amount, 'auction', bidReference(auctionId, bidId), { correlationId: auctionId });
    log.auction(auctionId, { type: 'AuctionBidFundsHeld', data: { bidId, bidder, amount } });
    if (lead !== undefined) {
      log.auction(auctionId, { type: 'AuctionRefundRequested', data: lead });
      log.credit(lead.bidder, lead.amount, 'auction', bidReference(auctionId, lead.bidId), { correlationId: auctionId });
      log.auction(auctionId, { type: 'AuctionRefundConfirmed', data: { bidId: lead.bidId } });
    }
    lead = { bidId, bidder, amount };
  });
  return lead === undefined ? {} : { lead };
};

/** An auction run to its end: sold to the best bid (seller paid with the auction id as reference), or returned unsold. */
export const runAuction = (log: WorldLog, terms: AuctionTerms): void => {
  const { auctionId, seller, itemId } = terms;
  const holder: ItemHolder = { kind: 'auction', id: auctionId };
  const { lead } = openAuction(log, terms);
  if (lead === undefined) {
    log.auction(auctionId, { type: 'AuctionExpired', data: { endedAt: BASE_TIME + 3_600_000 } });
    log.release(itemId, holder, seller);
    log.auction(auctionId, { type: 'AuctionEnded', data: { outcome: 'returned' } });
    return;
  }
  log.auction(auctionId, { type: 'AuctionWon', data: { winner: lead.bidder, bidId: lead.bidId, amount: lead.amount, seller, itemId } });
  log.release(itemId, holder, lead.bidder);
  log.credit(seller, lead.amount, 'auction', auctionId, { correlationId: auctionId });
  log.auction(auctionId, { type: 'AuctionEnded', data: { outcome: 'settled' } });
};
