import { ITEM_CATEGORY } from '../../actors/item/commands.js';
import { inventoryChange, itemIdOfStream } from '../../actors/item/inventory.js';
import type { RecordedEvent } from '../../events/catalog/index.js';
import type { Position, StoredEvent } from '../../events/store/index.js';
import type { WorldEvent } from '../../events/world.js';
import type { ClientInventory } from '../inventories/client-inventory.js';
import type { InventoryEntry } from '../inventories/inventory-values.js';
import { isItemEvent } from '../inventories/item-events.js';
import { createRostersProjection, GUILD_STREAM_CATEGORY } from '../rosters/rosters-projection.js';
import { rosterFromHash, rosterKey, type Roster } from '../rosters/roster-values.js';
import { decodeBatch } from '../runner/decode-batch.js';
import type { CacheView, CacheWrite } from '../runner/projection.js';
import { createSessionsProjection, PLAYER_STREAM_CATEGORY } from '../sessions/sessions-projection.js';
import { decodeSession, sessionKey, type CachedSession } from '../sessions/session-value.js';
import type { ReadCacheLog } from './ports.js';

/**
 * L3: a value folded from the log, for when the projection has not caught up. Sessions
 * and rosters run the projection itself over the actor's one stream, from an empty cache,
 * so the answer is what the projection will write. An inventory is spread over item
 * streams, so it is folded from every item event (`readAll` filtered to `item-`) with the
 * inventories projection's rules: versions count the events that touched the player.
 */
const EMPTY_VIEW: CacheView = { value: () => undefined, hash: () => new Map() };
const sessions = createSessionsProjection();
const rosters = createRostersProjection();
const ITEM_STREAMS = { on: 'streamName', prefixes: [`${ITEM_CATEGORY}-`] } as const;

/** Events that do not decode are passed over, as the runner passes them over. */
const decoded = (stored: readonly StoredEvent[]): readonly RecordedEvent<WorldEvent>[] => decodeBatch(stored, () => undefined).events;

const readStream = async (log: ReadCacheLog, stream: string): Promise<readonly RecordedEvent<WorldEvent>[]> => {
  const stored: StoredEvent[] = [];
  for await (const event of log.read(stream)) stored.push(event);
  return decoded(stored);
};

/** A value key after the writes: the last SET, or nothing after a DEL. */
const finalValue = (writes: readonly CacheWrite[], key: string): Uint8Array | undefined => {
  let value: Uint8Array | undefined;
  for (const write of writes) {
    if (write.key !== key) continue;
    if (write.op === 'set') value = write.value;
    else if (write.op === 'delete') value = undefined;
  }
  return value;
};

/** A hash key after the writes, from nothing. */
const finalHash = (writes: readonly CacheWrite[], key: string): Map<string, Uint8Array> => {
  const fields = new Map<string, Uint8Array>();
  for (const write of writes) {
    if (write.key !== key) continue;
    if (write.op === 'delete') fields.clear();
    else if (write.op === 'hashSet') for (const [field, value] of write.fields) fields.set(field, value);
    else if (write.op === 'hashDelete') for (const field of write.fields) fields.delete(field);
  }
  return fields;
};

export const foldSession = async (log: ReadCacheLog, playerId: string): Promise<CachedSession | undefined> => {
  const events = await readStream(log, `${PLAYER_STREAM_CATEGORY}-${playerId}`);
  const bytes = finalValue(sessions.project(events, EMPTY_VIEW).writes, sessionKey(playerId));
  return bytes === undefined ? undefined : decodeSession(bytes);
};

export const foldRoster = async (log: ReadCacheLog, guildId: string): Promise<Roster | undefined> => {
  const events = await readStream(log, `${GUILD_STREAM_CATEGORY}-${guildId}`);
  const fields = finalHash(rosters.project(events, EMPTY_VIEW).writes, rosterKey(guildId));
  return fields.size === 0 ? undefined : rosterFromHash(guildId, fields);
};

/** Whether any item event from `after` (exclusive) on moves an item into or out of the player's inventory. */
const touchedSince = async (log: ReadCacheLog, playerId: string, after: Position): Promise<boolean> => {
  let first = true;
  for await (const stored of log.readAll({ from: after, filter: ITEM_STREAMS })) {
    // `from` is inclusive: the event at the checkpoint is already in the cache.
    if (first && stored.position.commit === after.commit && stored.position.prepare === after.prepare) {
      first = false;
      continue;
    }
    first = false;
    for (const event of decoded([stored])) {
      if (!isItemEvent(event)) continue;
      const { removedFrom, addedTo } = inventoryChange(event);
      if (removedFrom === playerId || addedTo === playerId) return true;
    }
  }
  return false;
};

/** The template of an item, from its first event (`ItemMinted`). */
const templateOf = async (log: ReadCacheLog, itemId: string): Promise<string | undefined> => {
  for await (const stored of log.read(`${ITEM_CATEGORY}-${itemId}`, { maxCount: 1 })) {
    const [event] = decoded([stored]);
    if (event?.type === 'ItemMinted') return event.data.templateId;
  }
  return undefined;
};

/**
 * The player's inventory from the whole item log. When `checkpoint` is given (what the
 * cache has applied) and no item event after it concerns the player, the cache's answer
 * (an inventory never written: empty, version 0) stands and the log is not scanned.
 */
export const foldInventory = async (log: ReadCacheLog, playerId: string, checkpoint: Position | undefined): Promise<ClientInventory> => {
  if (checkpoint !== undefined && !(await touchedSince(log, playerId, checkpoint))) {
    return { playerId, version: 0, items: new Map() };
  }
  let version = 0;
  /** Item id → its template when the scan saw it minted into this inventory. */
  const held = new Map<string, string | undefined>();
  for await (const stored of log.readAll({ filter: ITEM_STREAMS })) {
    const itemId = itemIdOfStream(stored.stream);
    if (itemId === undefined) continue;
    for (const event of decoded([stored])) {
      if (!isItemEvent(event)) continue;
      const { removedFrom, addedTo } = inventoryChange(event);
      if (removedFrom === playerId) {
        version += 1;
        held.delete(itemId);
      }
      if (addedTo === playerId) {
        version += 1;
        held.set(itemId, event.type === 'ItemMinted' ? event.data.templateId : undefined);
      }
    }
  }
  const items = new Map<string, InventoryEntry>();
  for (const [itemId, known] of held) {
    // Without its template the item cannot be listed: the projection leaves it out too.
    const templateId = known ?? (await templateOf(log, itemId));
    if (templateId !== undefined) items.set(itemId, { itemId, templateId });
  }
  return { playerId, version, items };
};
