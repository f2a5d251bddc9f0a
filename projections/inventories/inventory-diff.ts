import { z } from 'zod';
import { pack, unpack } from '../shared/msgpack.js';
import { InventoryEntrySchema, VersionSchema, type InventoryEntry } from './inventory-values.js';

/**
 * What one batch changed in one player's inventory, published (msgpack) on
 * `mmo.inventory.<playerId>.diff` after the batch is committed. An item added and
 * removed again within the batch appears in neither list. `updated` lists items still
 * held whose entry changed (none today: an item's template never changes).
 *
 * Versions count the item events that touched the player's inventory, so a version is
 * a function of the log alone (the same in every rebuild, however the log was batched);
 * `toVersion - fromVersion` is the number of such events in the batch, at least 1, and a
 * batch whose changes cancel out still publishes its (empty) diff so the chain stays
 * unbroken.
 */
export interface InventoryDiff {
  readonly playerId: string;
  readonly fromVersion: number;
  readonly toVersion: number;
  readonly added: readonly InventoryEntry[];
  readonly removed: readonly string[];
  readonly updated: readonly InventoryEntry[];
}

const InventoryDiffSchema = z
  .object({
    playerId: z.string(),
    fromVersion: VersionSchema,
    toVersion: VersionSchema,
    added: z.array(InventoryEntrySchema),
    removed: z.array(z.string()),
    updated: z.array(InventoryEntrySchema),
  })
  .refine((diff) => diff.toVersion > diff.fromVersion, 'toVersion must be above fromVersion');

const entry = (item: InventoryEntry): InventoryEntry => ({ itemId: item.itemId, templateId: item.templateId });

export const encodeInventoryDiff = (diff: InventoryDiff): Uint8Array =>
  pack({
    playerId: diff.playerId,
    fromVersion: diff.fromVersion,
    toVersion: diff.toVersion,
    added: diff.added.map(entry),
    removed: [...diff.removed],
    updated: diff.updated.map(entry),
  });

/** The diff, or undefined for a payload that is not one. */
export const decodeInventoryDiff = (payload: Uint8Array): InventoryDiff | undefined => {
  const parsed = InventoryDiffSchema.safeParse(unpack(payload));
  return parsed.success ? parsed.data : undefined;
};
