import { z } from 'zod';
import { pack, unpack } from '../shared/msgpack.js';
import type { InventoryDiff } from './inventory-diff.js';
import { INVENTORY_VERSION_FIELD, InventoryEntrySchema, VersionSchema, decodeEntry, decodeVersion, type InventoryEntry } from './inventory-values.js';

/**
 * A client's copy of one player's inventory, kept current with diffs. Pure: usable in a
 * game server, a gateway or a client written in TypeScript.
 */
export interface ClientInventory {
  readonly playerId: string;
  readonly version: number;
  /** Item id → entry. */
  readonly items: ReadonlyMap<string, InventoryEntry>;
}

export const emptyInventory = (playerId: string): ClientInventory => ({ playerId, version: 0, items: new Map() });

/** The inventory from the fields of `inventory:<playerId>` (one HGETALL); fields that do not decode are skipped. */
export const inventoryFromHash = (playerId: string, fields: ReadonlyMap<string, Uint8Array>): ClientInventory => {
  const items = new Map<string, InventoryEntry>();
  for (const [field, bytes] of fields) {
    if (field === INVENTORY_VERSION_FIELD) continue;
    const entry = decodeEntry(bytes);
    if (entry !== undefined) items.set(field, entry);
  }
  return { playerId, version: decodeVersion(fields.get(INVENTORY_VERSION_FIELD)), items };
};

export interface InventoryGap {
  readonly gap: true;
}

/**
 * The inventory after `diff`; `{ gap: true }` when the diff does not start at the
 * inventory's version (a diff was missed: refetch the whole inventory) or is for another
 * player. A diff the inventory already includes (`toVersion` ≤ its version: notifications
 * are delivered at least once) leaves it unchanged.
 */
export const applyInventoryDiff = (inventory: ClientInventory, diff: InventoryDiff): ClientInventory | InventoryGap => {
  if (diff.playerId !== inventory.playerId) return { gap: true };
  if (diff.toVersion <= inventory.version) return inventory;
  if (diff.fromVersion !== inventory.version) return { gap: true };
  const items = new Map(inventory.items);
  for (const itemId of diff.removed) items.delete(itemId);
  for (const item of diff.added) items.set(item.itemId, item);
  for (const item of diff.updated) items.set(item.itemId, item);
  return { playerId: inventory.playerId, version: diff.toVersion, items };
};

export const isInventoryGap = (outcome: ClientInventory | InventoryGap): outcome is InventoryGap => 'gap' in outcome;

/**
 * The whole inventory as one msgpack map `{ playerId, version, items: [{ itemId, templateId }] }`,
 * items in id order: what a full fetch sends a client.
 */
export const encodeInventorySnapshot = (inventory: ClientInventory): Uint8Array =>
  pack({
    playerId: inventory.playerId,
    version: inventory.version,
    items: [...inventory.items.values()]
      .sort((a, b) => (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0))
      .map((item) => ({ itemId: item.itemId, templateId: item.templateId })),
  });

const SnapshotSchema = z.object({ playerId: z.string(), version: VersionSchema, items: z.array(InventoryEntrySchema) });

export const decodeInventorySnapshot = (payload: Uint8Array): ClientInventory | undefined => {
  const parsed = SnapshotSchema.safeParse(unpack(payload));
  if (!parsed.success) return undefined;
  const { playerId, version, items } = parsed.data;
  return { playerId, version, items: new Map(items.map((item) => [item.itemId, item])) };
};
