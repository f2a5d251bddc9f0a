import { z } from 'zod';
import type { Command } from '../runtime/decider.js';
import { ActorId, DisplayText, GoldAmount } from '../shared/values.js';

/**
 * The data of every trade command, validated by the host before the decider sees it.
 * Strict objects: an unknown field is a client bug or a probe. The trade's own id is
 * the actor id (the subject), never a field.
 *
 * Party commands (offer, accept, cancel) name no party when a player sends them: the
 * subject's issuer is the party. A game server acting for a party names it in `party`;
 * a player may repeat its own id there but never another's.
 */

/** The subject token and stream category: `mmo.cmd.*.*.trade.<tradeId>.*`, `trade-<tradeId>`. */
export const TRADE_CATEGORY = 'trade';

/** Bounded so one trade's legs, events and replies stay small. */
export const MAX_ITEMS_PER_OFFER = 16;
export const FAILURE_REASON_MAX = 200;

const Party = ActorId;
/** Epoch milliseconds, as the decider's `now` is written into events. */
const Instant = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const TradeLegData = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('item'), itemId: ActorId, party: Party }),
  z.strictObject({ kind: z.literal('gold'), party: Party }),
]);

export const TradeCommandSchemas = {
  propose: z.strictObject({ initiator: Party, counterparty: Party, expiresAt: Instant }),
  offer: z.strictObject({
    items: z
      .array(ActorId)
      .max(MAX_ITEMS_PER_OFFER)
      .refine((items) => new Set(items).size === items.length, 'items must be unique'),
    gold: z.union([z.literal(0), GoldAmount]),
    party: Party.optional(),
  }),
  accept: z.strictObject({ offerVersion: z.number().int().positive().max(Number.MAX_SAFE_INTEGER), party: Party.optional() }),
  cancel: z.strictObject({ party: Party.optional() }),
  expire: z.strictObject({}),
  abort: z.strictObject({ reason: DisplayText(FAILURE_REASON_MAX) }),
  escrowConfirmed: z.strictObject({ step: TradeLegData }),
  escrowFailed: z.strictObject({ step: TradeLegData, reason: DisplayText(FAILURE_REASON_MAX) }),
  settled: z.strictObject({ step: TradeLegData }),
  released: z.strictObject({ step: TradeLegData }),
} as const;

type Schemas = typeof TradeCommandSchemas;

/** One command per schema: `{ type: 'offer', data: { items, gold } }`, … */
export type TradeCommand = { [Name in keyof Schemas]: Command<Name, Readonly<z.infer<Schemas[Name]>>> }[keyof Schemas];

export type TradeCommandName = TradeCommand['type'];

/**
 * Sent by the trade process manager or the game's clock only. The host refuses them
 * from players at the subject; the decider checks again.
 */
export const SERVER_ONLY_COMMANDS: ReadonlySet<TradeCommandName> = new Set<TradeCommandName>([
  'expire',
  'abort',
  'escrowConfirmed',
  'escrowFailed',
  'settled',
  'released',
]);
