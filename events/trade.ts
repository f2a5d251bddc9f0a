import { eventDefinitions, type DomainEvent, type EventDefinition } from './catalog/index.js';

/**
 * The trade's events, one stream per trade (`trade-<tradeId>`). Two kinds share it:
 *
 * - facts (proposed, offered, accepted, a leg escrowed/failed/settled/released,
 *   cancelled, expired): what happened; the trade's state is the fold of these;
 * - requests (`TradeEscrowRequested`, `TradeSettlementRequested`, `TradeReleaseRequested`,
 *   `TradeClosed`): what the trade machine asked for in answer to a fact. They are
 *   recorded so a process manager (and an auditor) can read the plan from the stream;
 *   the fold ignores them, because replaying the facts asks for the same things again.
 *
 * Parties are player ids. Instants are epoch milliseconds of the decider's `now`.
 */

/** One thing the trade moves: an item a party offered, or a party's gold. */
export type TradeLeg =
  | { readonly kind: 'item'; readonly itemId: string; readonly party: string }
  | { readonly kind: 'gold'; readonly party: string };

/**
 * A command the process manager sends to an item or player actor. Each carries the
 * trade's holder or ledger reference, so a repeated step is a no-op on the other
 * side (the item remembers its holder; the wallet refuses a reference twice), and the
 * leg it belongs to, which the manager reports back to the trade.
 */
export type TradeStep =
  /** item actor: escrow { holder, from }. */
  | { readonly kind: 'escrowItem'; readonly leg: TradeLeg; readonly itemId: string; readonly from: string }
  /** player actor `party`: debit { amount, cause: 'trade', reference }. */
  | { readonly kind: 'escrowGold'; readonly leg: TradeLeg; readonly party: string; readonly amount: number; readonly reference: string }
  /** item actor: release { holder, to: the other party }. */
  | { readonly kind: 'settleItem'; readonly leg: TradeLeg; readonly itemId: string; readonly to: string }
  /** player actor `to` (the other party): credit { amount, cause: 'trade', reference }. */
  | { readonly kind: 'settleGold'; readonly leg: TradeLeg; readonly to: string; readonly amount: number; readonly reference: string }
  /** item actor: release { holder, to: the party that offered it }. */
  | { readonly kind: 'releaseItem'; readonly leg: TradeLeg; readonly itemId: string; readonly to: string }
  /** player actor `to` (the party that paid it): credit { amount, cause: 'refund', reference }. */
  | { readonly kind: 'releaseGold'; readonly leg: TradeLeg; readonly to: string; readonly amount: number; readonly reference: string };

export type TradeOutcome = 'completed' | 'failed' | 'cancelled';

export type TradeProposed = DomainEvent<
  'TradeProposed',
  { readonly tradeId: string; readonly initiator: string; readonly counterparty: string; readonly expiresAt: number }
>;
/** A party's whole offer, replacing its previous one; every change bumps `offerVersion` and voids acceptances. */
export type TradeOfferChanged = DomainEvent<
  'TradeOfferChanged',
  { readonly party: string; readonly items: readonly string[]; readonly gold: number; readonly offerVersion: number }
>;
export type TradeOfferAccepted = DomainEvent<'TradeOfferAccepted', { readonly party: string; readonly offerVersion: number }>;
export type TradeEscrowConfirmed = DomainEvent<'TradeEscrowConfirmed', { readonly leg: TradeLeg }>;
export type TradeEscrowFailed = DomainEvent<'TradeEscrowFailed', { readonly leg: TradeLeg; readonly reason: string }>;
export type TradeLegSettled = DomainEvent<'TradeLegSettled', { readonly leg: TradeLeg }>;
export type TradeLegReleased = DomainEvent<'TradeLegReleased', { readonly leg: TradeLeg }>;
export type TradeCancelled = DomainEvent<'TradeCancelled', { readonly party: string }>;
export type TradeExpired = DomainEvent<'TradeExpired', { readonly at: number }>;
/**
 * The process manager gave up on an escrow whose outcome it could not learn (the
 * item's or wallet's store kept failing): the trade unwinds as failed. A leg whose
 * outcome is still unknown is asked again while releasing, and released if it was held.
 */
export type TradeAborted = DomainEvent<'TradeAborted', { readonly reason: string }>;

export type TradeEscrowRequested = DomainEvent<'TradeEscrowRequested', { readonly steps: readonly TradeStep[] }>;
export type TradeSettlementRequested = DomainEvent<'TradeSettlementRequested', { readonly steps: readonly TradeStep[] }>;
export type TradeReleaseRequested = DomainEvent<'TradeReleaseRequested', { readonly steps: readonly TradeStep[] }>;
export type TradeClosed = DomainEvent<'TradeClosed', { readonly outcome: TradeOutcome }>;

export type TradeFact =
  | TradeProposed
  | TradeOfferChanged
  | TradeOfferAccepted
  | TradeEscrowConfirmed
  | TradeEscrowFailed
  | TradeLegSettled
  | TradeLegReleased
  | TradeCancelled
  | TradeExpired
  | TradeAborted;

export type TradeRequest = TradeEscrowRequested | TradeSettlementRequested | TradeReleaseRequested | TradeClosed;

export type TradeEvent = TradeFact | TradeRequest;

const CURRENT_VERSIONS = {
  TradeProposed: 1,
  TradeOfferChanged: 1,
  TradeOfferAccepted: 1,
  TradeEscrowConfirmed: 1,
  TradeEscrowFailed: 1,
  TradeLegSettled: 1,
  TradeLegReleased: 1,
  TradeCancelled: 1,
  TradeExpired: 1,
  TradeAborted: 1,
  TradeEscrowRequested: 1,
  TradeSettlementRequested: 1,
  TradeReleaseRequested: 1,
  TradeClosed: 1,
} as const satisfies Record<TradeEvent['type'], number>;

/** Stored as `<type>.v<version>`. */
export const tradeEventDefinitions: readonly EventDefinition<TradeEvent>[] = eventDefinitions<TradeEvent>(CURRENT_VERSIONS);

const REQUEST_TYPES: ReadonlySet<string> = new Set<TradeRequest['type']>([
  'TradeEscrowRequested',
  'TradeSettlementRequested',
  'TradeReleaseRequested',
  'TradeClosed',
]);

export const isTradeRequest = (event: TradeEvent): event is TradeRequest => REQUEST_TYPES.has(event.type);

export const sameLeg = (a: TradeLeg, b: TradeLeg): boolean =>
  a.party === b.party && (a.kind === 'gold' ? b.kind === 'gold' : b.kind === 'item' && a.itemId === b.itemId);

/** `item sword-7 of p1`, `gold of p2`: for rejection messages and audit reports. */
export const describeLeg = (leg: TradeLeg): string => (leg.kind === 'item' ? `item ${leg.itemId} of ${leg.party}` : `gold of ${leg.party}`);
