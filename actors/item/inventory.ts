import type { ItemEvent } from '../../events/item.js';
import { ITEM_CATEGORY } from './commands.js';

/** An item event with the stream it was read from (`item-<itemId>`), as `RecordedEvent` has it. */
export type StreamedItemEvent = ItemEvent & { readonly stream: string };

/** Player id -> the ids of the items that player owns. Players who own nothing are absent. */
export type Inventories = Map<string, Set<string>>;

const STREAM_PREFIX = `${ITEM_CATEGORY}-`;

/** The item id of an item stream; `undefined` for any other stream. */
export const itemIdOfStream = (stream: string): string | undefined =>
  stream.startsWith(STREAM_PREFIX) && stream.length > STREAM_PREFIX.length ? stream.slice(STREAM_PREFIX.length) : undefined;

/**
 * Which player's inventory an event takes the item out of, and which it puts it in.
 * An escrowed item is in nobody's inventory: it is held by the trade or auction, which is
 * what "exactly one owner or one escrow" means for a player looking at their bag.
 */
export interface InventoryChange {
  readonly removedFrom?: string;
  readonly addedTo?: string;
}

export const inventoryChange = (event: ItemEvent): InventoryChange => {
  switch (event.type) {
    case 'ItemMinted':
      return { addedTo: event.data.owner };
    case 'ItemTransferred':
      return { removedFrom: event.data.from, addedTo: event.data.to };
    case 'ItemEscrowed':
      return { removedFrom: event.data.owner };
    case 'ItemReleased':
      return { addedTo: event.data.to };
    case 'ItemEscrowVoided':
      return {};
    case 'ItemConsumed':
    case 'ItemDestroyed':
      return { removedFrom: event.data.owner };
  }
};

/**
 * Folds item events from any number of item streams, in log order, into inventories.
 * Works from the events alone (each names who loses and who gains the item), so a
 * projection can apply a batch of deltas without loading any item. Events of other
 * streams are skipped; `initial` is copied, never changed.
 */
export const foldInventories = (events: Iterable<StreamedItemEvent>, initial?: Inventories): Inventories => {
  const inventories: Inventories = new Map();
  for (const [player, items] of initial ?? []) inventories.set(player, new Set(items));
  for (const event of events) {
    const itemId = itemIdOfStream(event.stream);
    if (itemId === undefined) continue;
    const { removedFrom, addedTo } = inventoryChange(event);
    if (removedFrom !== undefined) {
      const items = inventories.get(removedFrom);
      items?.delete(itemId);
      if (items?.size === 0) inventories.delete(removedFrom);
    }
    if (addedTo !== undefined) {
      const items = inventories.get(addedTo);
      if (items === undefined) inventories.set(addedTo, new Set([itemId]));
      else items.add(itemId);
    }
  }
  return inventories;
};
