import { applyInventoryDiff, isInventoryGap } from '../inventories/client-inventory.js';
import { decodeInventoryDiff, type InventoryDiff } from '../inventories/inventory-diff.js';
import { decodeRosterNotice } from '../rosters/roster-notice.js';
import type { Notification } from '../runner/projection.js';
import { decodeActivationNotice } from './activation-notice.js';
import type { Flights } from './flights.js';
import type { L1Kind, L1Store } from './l1-store.js';
import type { ProjectionTracker } from './projection-tracker.js';
import type { ReadCacheCounters } from './read-cache-stats.js';
import { kindOfProjection } from './read-kinds.js';

/** Only what a flight was told matters here, not what it reads. */
export type KindFlights = { readonly [K in L1Kind]: Flights<unknown> };

export interface InvalidationTargets {
  readonly l1: L1Store;
  readonly flights: KindFlights;
  readonly trackers: ReadonlyMap<string, ProjectionTracker>;
  readonly counters: ReadCacheCounters;
}

/**
 * What one batch of notifications does to L1, in the order they were published:
 *
 * - a diff on `mmo.inventory.<playerId>.diff` that starts at the entry's version is
 *   applied to it (one the entry already includes changes nothing); a gap, a diff for
 *   another player or a payload that does not decode evicts the entry;
 * - any notice on `mmo.guild.<guildId>.roster` evicts the roster (a `joined` notice lacks
 *   the member's `joinedAt`, so the roster cannot be patched from notices);
 * - `mmo.projection.<name>.activated` switches the projection's version and drops every
 *   entry of its kind.
 */
export const applyNotifications = (batch: readonly Notification[], targets: InvalidationTargets): void => {
  targets.counters.batches += 1;
  for (const notification of batch) applyNotification(notification, targets);
};

const applyNotification = (notification: Notification, targets: InvalidationTargets): void => {
  const [root, category, id, kind, ...rest] = notification.subject.split('.');
  if (root !== 'mmo' || id === undefined || rest.length > 0) return;
  if (category === 'inventory' && kind === 'diff') inventoryDiff(id, notification.payload, targets);
  else if (category === 'guild' && kind === 'roster') rosterNotice(id, notification.payload, targets);
  else if (category === 'projection' && kind === 'activated') activation(id, notification.payload, targets);
};

const evict = (kind: L1Kind, id: string, targets: InvalidationTargets): void => {
  if (targets.l1.delete(kind, id)) targets.counters.evictions += 1;
  const flight = targets.flights[kind].get(id);
  if (flight !== undefined) flight.invalidated = true;
};

const inventoryDiff = (playerId: string, payload: Uint8Array, targets: InvalidationTargets): void => {
  const diff: InventoryDiff | undefined = decodeInventoryDiff(payload);
  if (diff === undefined) targets.counters.undecodable += 1;
  if (diff === undefined || diff.playerId !== playerId) {
    evict('inventory', playerId, targets);
    return;
  }
  targets.flights.inventory.get(playerId)?.diffs.push(diff);
  const entry = targets.l1.peek('inventory', playerId);
  if (entry === undefined) return;
  const next = applyInventoryDiff(entry.value, diff);
  if (isInventoryGap(next)) {
    evict('inventory', playerId, targets);
  } else if (next !== entry.value) {
    targets.l1.set({ kind: 'inventory', value: next }, playerId);
    targets.counters.diffsApplied += 1;
  }
};

const rosterNotice = (guildId: string, payload: Uint8Array, targets: InvalidationTargets): void => {
  if (decodeRosterNotice(payload) === undefined) targets.counters.undecodable += 1;
  evict('roster', guildId, targets);
};

const activation = (projection: string, payload: Uint8Array, targets: InvalidationTargets): void => {
  const tracker = targets.trackers.get(projection);
  const kind = kindOfProjection(projection);
  if (tracker === undefined || kind === undefined) return;
  const notice = decodeActivationNotice(payload);
  if (notice === undefined || notice.projection !== projection) {
    targets.counters.undecodable += 1;
    tracker.forget();
  } else {
    tracker.switchTo(notice.version);
  }
  targets.counters.versionSwitches += 1;
  targets.counters.evictions += targets.l1.clear(kind);
  targets.flights[kind].invalidateAll();
};

/** Notifications may have been lost: nothing held can be trusted. */
export const forgetEverything = (targets: InvalidationTargets): void => {
  targets.counters.interruptions += 1;
  targets.counters.evictions += targets.l1.clear();
  for (const tracker of targets.trackers.values()) tracker.forget();
  targets.flights.session.invalidateAll();
  targets.flights.inventory.invalidateAll();
  targets.flights.roster.invalidateAll();
};
