import { eventDefinitions, type DomainEvent, type EventDefinition } from './catalog/index.js';

/**
 * The item's events. One stream per item instance (`item-<itemId>`), so the stream
 * revision is the item's revision and every change of custody is one append with an
 * expected revision: two writers can never both move the same item.
 *
 * Each event names the player who loses the item (`from`/`owner`) as well as the one who
 * gains it, so a projection or an audit can compute inventory deltas from one event
 * alone, without the item's history.
 */

export const HOLDER_KINDS = ['trade', 'auction'] as const;
export type HolderKind = (typeof HOLDER_KINDS)[number];

/**
 * A process manager holding an item in escrow. Trade and auction ids are unique for
 * the life of the world, so a holder escrows a given item at most once: that is what
 * lets a repeated escrow or release step be recognised and answered as a no-op.
 */
export interface ItemHolder {
  readonly kind: HolderKind;
  readonly id: string;
}

export type ItemMinted = DomainEvent<'ItemMinted', { readonly templateId: string; readonly owner: string }>;
export type ItemTransferred = DomainEvent<'ItemTransferred', { readonly from: string; readonly to: string }>;
/** The item left its owner's inventory and is held by a trade or an auction. */
export type ItemEscrowed = DomainEvent<'ItemEscrowed', { readonly owner: string; readonly holder: ItemHolder }>;
/** The holder let go: back to the original owner (return) or to another player (settlement). */
export type ItemReleased = DomainEvent<'ItemReleased', { readonly holder: ItemHolder; readonly to: string }>;
/**
 * A holder that gave up on escrowing this item (its escrow was refused and its trade or
 * auction unwound) voided it: an escrow for that holder is refused from now on, so a late
 * copy of the refused request can never lock the item in a finished trade.
 */
export type ItemEscrowVoided = DomainEvent<'ItemEscrowVoided', { readonly holder: ItemHolder; readonly owner: string }>;
export type ItemConsumed = DomainEvent<'ItemConsumed', { readonly owner: string }>;
export type ItemDestroyed = DomainEvent<'ItemDestroyed', { readonly owner: string; readonly reason: string }>;

export type ItemEvent = ItemMinted | ItemTransferred | ItemEscrowed | ItemReleased | ItemEscrowVoided | ItemConsumed | ItemDestroyed;

/** Current version of every item event, stored as `<Type>.v<version>`; a later shape gets 2 and an upcaster from 1. */
const CURRENT_VERSIONS = {
  ItemMinted: 1,
  ItemTransferred: 1,
  ItemEscrowed: 1,
  ItemReleased: 1,
  ItemEscrowVoided: 1,
  ItemConsumed: 1,
  ItemDestroyed: 1,
} as const satisfies Record<ItemEvent['type'], number>;

export const itemEventDefinitions: readonly EventDefinition<ItemEvent>[] = eventDefinitions<ItemEvent>(CURRENT_VERSIONS);

export const sameHolder = (a: ItemHolder, b: ItemHolder): boolean => a.kind === b.kind && a.id === b.id;

/** `trade t-42`: how holders appear in rejection messages and audit reports. */
export const describeHolder = (holder: ItemHolder): string => `${holder.kind} ${holder.id}`;
