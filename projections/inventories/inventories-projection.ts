import { inventoryChange, itemIdOfStream } from '../../actors/item/inventory.js';
import { ITEM_CATEGORY } from '../../actors/item/commands.js';
import type { RecordedEvent } from '../../events/catalog/index.js';
import type { ItemEvent } from '../../events/item.js';
import type { WorldEvent } from '../../events/world.js';
import type { CacheRead, CacheView, CacheWrite, Notification, ProjectedBatch, Projection } from '../runner/projection.js';
import { HashOverlay, type HashChanges } from '../shared/hash-overlay.js';
import { isSubjectToken } from '../shared/streams.js';
import { ValueOverlay } from '../shared/value-overlay.js';
import { encodeInventoryDiff, type InventoryDiff } from './inventory-diff.js';
import { isItemEvent } from './item-events.js';
import {
  INVENTORY_VERSION_FIELD,
  decodeEntry,
  decodeItemRecord,
  decodeVersion,
  encodeEntry,
  encodeItemRecord,
  encodeVersion,
  inventoryDiffSubject,
  inventoryKey,
  itemKey,
  type InventoryEntry,
  type ItemRecord,
} from './inventory-values.js';

export const INVENTORIES_PROJECTION = 'inventories';

/** The players whose inventory an event touches: the one losing the item, then the one gaining it. */
const playersTouched = (event: ItemEvent): string[] => {
  const { removedFrom, addedTo } = inventoryChange(event);
  return [removedFrom, addedTo].filter((player): player is string => player !== undefined);
};

/** Transfers and releases do not carry the template, and escrow rewrites the record: these read `item:<id>`. */
const needsItemRecord = (event: ItemEvent): boolean =>
  event.type === 'ItemTransferred' || event.type === 'ItemEscrowed' || event.type === 'ItemReleased';

const nextRecord = (event: ItemEvent, templateId: string): ItemRecord | undefined => {
  switch (event.type) {
    case 'ItemMinted':
      return { templateId, owner: event.data.owner };
    case 'ItemTransferred':
    case 'ItemReleased':
      return { templateId, owner: event.data.to };
    case 'ItemEscrowed':
      return { templateId, owner: null };
    case 'ItemEscrowVoided':
    case 'ItemConsumed':
    case 'ItemDestroyed':
      return undefined;
  }
};

/** What a batch did to one player's inventory, from the hash before it and the fields it wrote. */
const diffOf = (playerId: string, before: ReadonlyMap<string, Uint8Array>, changes: HashChanges, events: number): InventoryDiff => {
  const added: InventoryEntry[] = [];
  const removed: string[] = [];
  const updated: InventoryEntry[] = [];
  for (const [itemId, after] of changes.fields) {
    const previous = before.get(itemId);
    const entry = after === undefined ? undefined : decodeEntry(after);
    if (entry === undefined) {
      if (previous !== undefined) removed.push(itemId);
    } else if (previous === undefined) added.push(entry);
    else if (!sameBytes(previous, after)) updated.push(entry);
  }
  const fromVersion = decodeVersion(before.get(INVENTORY_VERSION_FIELD));
  return { playerId, fromVersion, toVersion: fromVersion + events, added, removed, updated };
};

const sameBytes = (a: Uint8Array, b: Uint8Array | undefined): boolean =>
  b !== undefined && a.length === b.length && a.every((byte, index) => byte === b[index]);

/** Only what changed, and the new version: an item that came and went is not written. */
const inventoryWrites = (diff: InventoryDiff): CacheWrite[] => {
  const key = inventoryKey(diff.playerId);
  const fields = new Map<string, Uint8Array>();
  for (const entry of [...diff.added, ...diff.updated]) fields.set(entry.itemId, encodeEntry(entry));
  fields.set(INVENTORY_VERSION_FIELD, encodeVersion(diff.toVersion));
  const writes: CacheWrite[] = [{ op: 'hashSet', key, fields }];
  if (diff.removed.length > 0) writes.push({ op: 'hashDelete', key, fields: diff.removed });
  return writes;
};

/**
 * Each player's inventory as a hash with its version, each live item's template and
 * owner, and one diff per player whose inventory a batch touched. Follows
 * actors/item/inventory.ts: an escrowed item is in nobody's inventory until released.
 */
export const createInventoriesProjection = (): Projection => ({
  name: INVENTORIES_PROJECTION,
  filter: { on: 'streamName', prefixes: [`${ITEM_CATEGORY}-`] },
  reads(events: readonly RecordedEvent<WorldEvent>[]): readonly CacheRead[] {
    const reads: CacheRead[] = [];
    for (const recorded of events) {
      const itemId = itemIdOfStream(recorded.stream);
      if (itemId === undefined || !isItemEvent(recorded)) continue;
      const event: ItemEvent = recorded;
      if (needsItemRecord(event)) reads.push({ kind: 'value', key: itemKey(itemId) });
      for (const player of playersTouched(event)) reads.push({ kind: 'hash', key: inventoryKey(player) });
    }
    return reads;
  },
  project(events: readonly RecordedEvent<WorldEvent>[], current: CacheView): ProjectedBatch {
    const items = new ValueOverlay(current, { encode: encodeItemRecord, decode: decodeItemRecord });
    const inventories = new HashOverlay(current);
    /** Player → item events that touched its inventory in this batch, in order first touched. */
    const touches = new Map<string, number>();
    for (const recorded of events) {
      const itemId = itemIdOfStream(recorded.stream);
      if (itemId === undefined || !isItemEvent(recorded)) continue;
      const event: ItemEvent = recorded;
      const templateId = event.type === 'ItemMinted' ? event.data.templateId : items.get(itemKey(itemId))?.templateId;
      const { removedFrom, addedTo } = inventoryChange(event);
      if (removedFrom !== undefined) inventories.remove(inventoryKey(removedFrom), itemId);
      // Without its template (a record lost from the cache) the item cannot be listed; a rebuild restores it.
      if (addedTo !== undefined && templateId !== undefined) inventories.set(inventoryKey(addedTo), itemId, encodeEntry({ itemId, templateId }));
      for (const player of playersTouched(event)) touches.set(player, (touches.get(player) ?? 0) + 1);
      const record = templateId === undefined ? undefined : nextRecord(event, templateId);
      if (record !== undefined) items.set(itemKey(itemId), record);
      else if (event.type === 'ItemConsumed' || event.type === 'ItemDestroyed') items.delete(itemKey(itemId));
    }
    const writes: CacheWrite[] = [];
    const notifications: Notification[] = [];
    const touched = inventories.touched();
    for (const [playerId, count] of touches) {
      const key = inventoryKey(playerId);
      const diff = diffOf(playerId, current.hash(key), touched.get(key) ?? { cleared: false, fields: new Map() }, count);
      writes.push(...inventoryWrites(diff));
      if (isSubjectToken(playerId)) notifications.push({ subject: inventoryDiffSubject(playerId), payload: encodeInventoryDiff(diff) });
    }
    return { writes: [...writes, ...items.writes()], notifications };
  },
});
