import { z } from 'zod';
import { pack, unpack } from '../shared/msgpack.js';

/**
 * Keys of the inventories projection, relative to its namespace.
 *
 * `inventory:<playerId>` is a hash: one field per item the player holds (field = item id,
 * value = msgpack InventoryEntry) and the field `$version` (msgpack integer). The version
 * lives in the same hash so that one HGETALL returns items and version from the same
 * instant: a reader can never pair a version with another version's items and then apply
 * diffs to the wrong base. Item ids are `[A-Za-z0-9_-]`, so `$version` never collides.
 *
 * `item:<itemId>` (msgpack ItemRecord) keeps each live item's template, which transfers
 * and releases do not carry; it is deleted when the item is consumed or destroyed.
 */
export const inventoryKey = (playerId: string): string => `inventory:${playerId}`;
export const itemKey = (itemId: string): string => `item:${itemId}`;
export const INVENTORY_VERSION_FIELD = '$version';

/** Where each player's inventory diffs are published. */
export const inventoryDiffSubject = (playerId: string): string => `mmo.inventory.${playerId}.diff`;

export interface InventoryEntry {
  readonly itemId: string;
  readonly templateId: string;
}

export interface ItemRecord {
  readonly templateId: string;
  /** The player whose inventory holds it; null while a trade or an auction holds it in escrow. */
  readonly owner: string | null;
}

export const InventoryEntrySchema = z.object({ itemId: z.string(), templateId: z.string() });
const ItemRecordSchema = z.object({ templateId: z.string(), owner: z.string().nullable() });
export const VersionSchema = z.number().int().nonnegative();

export const encodeEntry = (entry: InventoryEntry): Uint8Array => pack({ itemId: entry.itemId, templateId: entry.templateId });
export const decodeEntry = (bytes: Uint8Array): InventoryEntry | undefined => {
  const parsed = InventoryEntrySchema.safeParse(unpack(bytes));
  return parsed.success ? parsed.data : undefined;
};

export const encodeItemRecord = (item: ItemRecord): Uint8Array => pack({ templateId: item.templateId, owner: item.owner });
export const decodeItemRecord = (bytes: Uint8Array): ItemRecord | undefined => {
  const parsed = ItemRecordSchema.safeParse(unpack(bytes));
  return parsed.success ? parsed.data : undefined;
};

export const encodeVersion = (version: number): Uint8Array => pack(version);
/** 0 for an inventory never written (or a version that does not decode). */
export const decodeVersion = (bytes: Uint8Array | undefined): number => {
  if (bytes === undefined) return 0;
  const parsed = VersionSchema.safeParse(unpack(bytes));
  return parsed.success ? parsed.data : 0;
};
