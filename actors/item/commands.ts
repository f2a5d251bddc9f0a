import { z } from 'zod';
import { HOLDER_KINDS } from '../../events/item.js';
import type { Command } from '../runtime/decider.js';
import { ActorId, DisplayText } from '../shared/values.js';

/**
 * The data of each item command, validated by the host before the decider sees it.
 * Strict objects: an unknown field is a client bug or a probe, never something to ignore.
 * The item's own id is the actor id (the subject), never a field: a client cannot name
 * one item on the subject and another in the payload.
 */

/** The subject token and stream category: `mmo.cmd.*.*.item.<itemId>.*`, `item-<itemId>`. */
export const ITEM_CATEGORY = 'item';

export const DESTROY_REASON_MAX = 200;

export const Holder = z.strictObject({ kind: z.enum(HOLDER_KINDS), id: ActorId });

export const MintData = z.strictObject({ templateId: ActorId, owner: ActorId });
/** `from` is the owner the sender believes it is moving the item from (the seed's TransferItem). */
export const TransferData = z.strictObject({ from: ActorId, to: ActorId });
/**
 * `owner` is optional: a player consumes its own items; a server acting for a player
 * should name that player, so that an item which changed hands in the meantime is not
 * consumed on the wrong player's behalf.
 */
export const ConsumeData = z.strictObject({ owner: ActorId.optional() });
export const DestroyData = z.strictObject({ reason: DisplayText(DESTROY_REASON_MAX) });
/**
 * `from` is the player the holder takes the item from. Required: a trade must only ever
 * lock the item its proposer offered while that proposer still owns it, never whoever
 * owns the id now (forged or stale item ids in a trade).
 */
export const EscrowData = z.strictObject({ holder: Holder, from: ActorId });
export const ReleaseData = z.strictObject({ holder: Holder, to: ActorId });
/** The holder gives up on an escrow it was refused; see ItemEscrowVoided. */
export const VoidEscrowData = z.strictObject({ holder: Holder });

type DataOf<Schema extends z.ZodType> = Readonly<z.infer<Schema>>;

export type MintCommand = Command<'mint', DataOf<typeof MintData>>;
export type TransferCommand = Command<'transfer', DataOf<typeof TransferData>>;
export type ConsumeCommand = Command<'consume', DataOf<typeof ConsumeData>>;
export type DestroyCommand = Command<'destroy', DataOf<typeof DestroyData>>;
export type EscrowCommand = Command<'escrow', DataOf<typeof EscrowData>>;
export type ReleaseCommand = Command<'release', DataOf<typeof ReleaseData>>;
export type VoidEscrowCommand = Command<'voidEscrow', DataOf<typeof VoidEscrowData>>;

export type ItemCommand = MintCommand | TransferCommand | ConsumeCommand | DestroyCommand | EscrowCommand | ReleaseCommand | VoidEscrowCommand;

export type ItemCommandName = ItemCommand['type'];

/**
 * Commands only a trusted server may send: minting creates goods, destruction is an
 * operator's act, and escrow steps come from the trade and auction process managers.
 * The host refuses them from players at the subject; the decider checks again.
 */
export const SERVER_ONLY_COMMANDS: ReadonlySet<ItemCommandName> = new Set<ItemCommandName>(['mint', 'destroy', 'escrow', 'release', 'voidEscrow']);
