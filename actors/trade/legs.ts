import { sameLeg, type TradeLeg, type TradeStep } from '../../events/trade.js';

/**
 * The trade's context and the arithmetic on its legs. Plain data (strings, numbers,
 * arrays, records) so that a state rebuilt from events compares equal to the state the
 * decider produced, and so a future snapshot codec has nothing to convert.
 */

export interface Offer {
  readonly items: readonly string[];
  readonly gold: number;
}

/**
 * Where a leg is. `requested`: escrow asked, outcome unknown. `failed`: the escrow was
 * refused, nothing is held. `escrowed`: held by the trade. `settled`/`released`: handed
 * to the other party / back to its owner; terminal.
 */
export type LegStatus = 'requested' | 'failed' | 'escrowed' | 'settled' | 'released';

export interface LegProgress {
  readonly leg: TradeLeg;
  readonly status: LegStatus;
}

export interface TradeContext {
  readonly tradeId: string;
  readonly initiator: string;
  readonly counterparty: string;
  readonly expiresAt: number;
  /** Keyed by party; each party starts with an empty offer. */
  readonly offers: Readonly<Record<string, Offer>>;
  /** 0 before any offer; every offer change bumps it. */
  readonly offerVersion: number;
  /** Party → the offerVersion it accepted; emptied by every offer change. */
  readonly accepted: Readonly<Record<string, number>>;
  /** Empty until both accept; then frozen in membership, only statuses change. */
  readonly legs: readonly LegProgress[];
  /** Why the trade is releasing: how it ends once everything is handed back. */
  readonly unwinding: 'failed' | 'cancelled' | null;
}

export const EMPTY_OFFER: Offer = { items: [], gold: 0 };

export const emptyContext = (): TradeContext => ({
  tradeId: '',
  initiator: '',
  counterparty: '',
  expiresAt: 0,
  offers: {},
  offerVersion: 0,
  accepted: {},
  legs: [],
  unwinding: null,
});

export const offerOf = (context: TradeContext, party: string): Offer => context.offers[party] ?? EMPTY_OFFER;

export const otherParty = (context: TradeContext, party: string): string =>
  party === context.initiator ? context.counterparty : context.initiator;

/** Every leg of the accepted offers: each party's items, then its gold if any. */
export const legsOf = (context: TradeContext): readonly TradeLeg[] =>
  [context.initiator, context.counterparty].flatMap((party): TradeLeg[] => {
    const offer = offerOf(context, party);
    const items = offer.items.map((itemId): TradeLeg => ({ kind: 'item', itemId, party }));
    return offer.gold > 0 ? [...items, { kind: 'gold', party }] : items;
  });

export const progressOf = (context: TradeContext, leg: TradeLeg): LegProgress | undefined =>
  context.legs.find((progress) => sameLeg(progress.leg, leg));

export const withStatus = (context: TradeContext, leg: TradeLeg, status: LegStatus): readonly LegProgress[] =>
  context.legs.map((progress) => (sameLeg(progress.leg, leg) ? { leg: progress.leg, status } : progress));

export const legsIn = (context: TradeContext, status: LegStatus): readonly TradeLeg[] =>
  context.legs.filter((progress) => progress.status === status).map((progress) => progress.leg);

/**
 * Ledger references of the gold legs. Each wallet sees at most one of each per trade
 * (its own escrow, the other party's gold, its own refund), so the trade id and the
 * movement are enough; the party is the wallet itself. They must pass the protocol's
 * id rule (`[A-Za-z0-9_-]{1,64}`), which is why trade ids are bounded by TRADE_ID_MAX.
 */
export const goldReference = (tradeId: string, movement: 'escrow' | 'settle' | 'refund'): string => `${tradeId}-${movement}`;

/** Leaves room for the longest reference suffix (`-escrow`, `-settle`, `-refund`). */
export const TRADE_ID_MAX = 64 - '-escrow'.length;

export const escrowStep = (context: TradeContext, leg: TradeLeg): TradeStep =>
  leg.kind === 'item'
    ? { kind: 'escrowItem', leg, itemId: leg.itemId, from: leg.party }
    : {
        kind: 'escrowGold',
        leg,
        party: leg.party,
        amount: offerOf(context, leg.party).gold,
        reference: goldReference(context.tradeId, 'escrow'),
      };

export const settleStep = (context: TradeContext, leg: TradeLeg): TradeStep => {
  const to = otherParty(context, leg.party);
  return leg.kind === 'item'
    ? { kind: 'settleItem', leg, itemId: leg.itemId, to }
    : { kind: 'settleGold', leg, to, amount: offerOf(context, leg.party).gold, reference: goldReference(context.tradeId, 'settle') };
};

export const releaseStep = (context: TradeContext, leg: TradeLeg): TradeStep =>
  leg.kind === 'item'
    ? { kind: 'releaseItem', leg, itemId: leg.itemId, to: leg.party }
    : {
        kind: 'releaseGold',
        leg,
        to: leg.party,
        amount: offerOf(context, leg.party).gold,
        reference: goldReference(context.tradeId, 'refund'),
      };
