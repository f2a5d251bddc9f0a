import type { AllFilter, Position } from '../../events/store/index.js';
import { applyInventoryDiff, emptyInventory, inventoryFromHash, isInventoryGap, type ClientInventory } from '../inventories/client-inventory.js';
import type { InventoryDiff } from '../inventories/inventory-diff.js';
import { createInventoriesProjection } from '../inventories/inventories-projection.js';
import { inventoryKey } from '../inventories/inventory-values.js';
import { createRostersProjection } from '../rosters/rosters-projection.js';
import { rosterFromHash, rosterKey, type Roster } from '../rosters/roster-values.js';
import type { CacheReadResult } from '../runner/cache-port.js';
import type { CacheRead } from '../runner/projection.js';
import { createSessionsProjection } from '../sessions/sessions-projection.js';
import { decodeSession, sessionKey, type CachedSession } from '../sessions/session-value.js';
import type { L1Entry, L1Kind } from './l1-store.js';
import { foldInventory, foldRoster, foldSession } from './log-folds.js';
import type { ReadCacheLog } from './ports.js';

/** A value found, as opposed to none (a value may itself be `undefined`: no session). */
export interface Found<V> {
  readonly value: V;
}

/** How one kind of value is read at each level, with the projection's own key names and decoders. */
export interface ReadKind<V> {
  readonly kind: L1Kind;
  readonly projection: string;
  readonly filter: AllFilter | undefined;
  l2Read(id: string): CacheRead;
  /** The value L2 holds; undefined when the key is absent (or does not decode). */
  fromL2(id: string, result: CacheReadResult | undefined): Found<V> | undefined;
  /** What an authoritative miss means: no session, an empty inventory, no roster. */
  absent(id: string): V;
  found(value: V): boolean;
  fold(log: ReadCacheLog, id: string, checkpoint: Position | undefined): Promise<V>;
  entry(value: V): L1Entry;
  /** The value of an L1 entry of this kind. */
  unwrap(entry: L1Entry | undefined): Found<V> | undefined;
  /** The value after diffs that arrived while it was read; undefined when they cannot be applied. */
  catchUp(value: V, diffs: readonly InventoryDiff[]): Found<V> | undefined;
}

/** Sessions and rosters get no diffs. */
const noDiffs = <V>(value: V, diffs: readonly InventoryDiff[]): Found<V> | undefined => (diffs.length === 0 ? { value } : undefined);

const applyDiffs = (inventory: ClientInventory, diffs: readonly InventoryDiff[]): Found<ClientInventory> | undefined => {
  let current = inventory;
  for (const diff of diffs) {
    const next = applyInventoryDiff(current, diff);
    if (isInventoryGap(next)) return undefined;
    current = next;
  }
  return { value: current };
};

const valueBytes = (result: CacheReadResult | undefined): Uint8Array | undefined => (result?.kind === 'value' ? result.value : undefined);
const hashFields = (result: CacheReadResult | undefined): ReadonlyMap<string, Uint8Array> | undefined =>
  result?.kind === 'hash' && result.fields.size > 0 ? result.fields : undefined;

const sessionsProjection = createSessionsProjection();
const inventoriesProjection = createInventoriesProjection();
const rostersProjection = createRostersProjection();

export const SESSION_READS: ReadKind<CachedSession | undefined> = {
  kind: 'session',
  projection: sessionsProjection.name,
  filter: sessionsProjection.filter,
  l2Read: (playerId) => ({ kind: 'value', key: sessionKey(playerId) }),
  fromL2: (_playerId, result) => {
    const bytes = valueBytes(result);
    const session = bytes === undefined ? undefined : decodeSession(bytes);
    return session === undefined ? undefined : { value: session };
  },
  absent: () => undefined,
  found: (session) => session !== undefined,
  fold: (log, playerId) => foldSession(log, playerId),
  entry: (value) => ({ kind: 'session', value }),
  unwrap: (entry) => (entry?.kind === 'session' ? { value: entry.value } : undefined),
  catchUp: noDiffs,
};

export const INVENTORY_READS: ReadKind<ClientInventory> = {
  kind: 'inventory',
  projection: inventoriesProjection.name,
  filter: inventoriesProjection.filter,
  l2Read: (playerId) => ({ kind: 'hash', key: inventoryKey(playerId) }),
  fromL2: (playerId, result) => {
    const fields = hashFields(result);
    return fields === undefined ? undefined : { value: inventoryFromHash(playerId, fields) };
  },
  absent: (playerId) => emptyInventory(playerId),
  found: (inventory) => inventory.version > 0,
  fold: (log, playerId, checkpoint) => foldInventory(log, playerId, checkpoint),
  entry: (value) => ({ kind: 'inventory', value }),
  unwrap: (entry) => (entry?.kind === 'inventory' ? { value: entry.value } : undefined),
  catchUp: applyDiffs,
};

export const ROSTER_READS: ReadKind<Roster | undefined> = {
  kind: 'roster',
  projection: rostersProjection.name,
  filter: rostersProjection.filter,
  l2Read: (guildId) => ({ kind: 'hash', key: rosterKey(guildId) }),
  fromL2: (guildId, result) => {
    const fields = hashFields(result);
    return fields === undefined ? undefined : { value: rosterFromHash(guildId, fields) };
  },
  absent: () => undefined,
  found: (roster) => roster !== undefined,
  fold: (log, guildId) => foldRoster(log, guildId),
  entry: (value) => ({ kind: 'roster', value }),
  unwrap: (entry) => (entry?.kind === 'roster' ? { value: entry.value } : undefined),
  catchUp: noDiffs,
};

export const READ_KINDS = [SESSION_READS, INVENTORY_READS, ROSTER_READS] as const;

/** The kind whose values a projection holds. */
export const kindOfProjection = (projection: string): L1Kind | undefined => READ_KINDS.find((kind) => kind.projection === projection)?.kind;
