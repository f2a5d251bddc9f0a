import type { ItemEvent } from '../../events/item.js';
import { eventKinds } from '../shared/event-kinds.js';

/**
 * Whether a recorded event is an item's. Every item event can move an item or change its
 * record, so the inventories projection and the fold from the log both read all of them.
 */
export const isItemEvent = eventKinds<ItemEvent>({
  ItemMinted: true,
  ItemTransferred: true,
  ItemEscrowed: true,
  ItemReleased: true,
  ItemEscrowVoided: true,
  ItemConsumed: true,
  ItemDestroyed: true,
});
