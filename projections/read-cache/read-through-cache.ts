import type { ClientInventory } from '../inventories/client-inventory.js';
import { inventoryDiffSubject } from '../inventories/inventory-values.js';
import { rosterSubject, type Roster } from '../rosters/roster-values.js';
import type { Notification } from '../runner/projection.js';
import type { CachedSession } from '../sessions/session-value.js';
import { isSubjectToken } from '../shared/streams.js';
import { PROJECTION_ACTIVATED_PATTERN } from './activation-notice.js';
import { Flights, type Flight } from './flights.js';
import { applyNotifications, forgetEverything, type InvalidationTargets } from './invalidation.js';
import { L1Store, type L1Options } from './l1-store.js';
import type { NotificationSubscriber, ReadCacheL2, ReadCacheLog, Unsubscribe } from './ports.js';
import { ProjectionTracker } from './projection-tracker.js';
import { ReadCacheCounters, type ReadCacheStats, type ReadLevel } from './read-cache-stats.js';
import { INVENTORY_READS, ROSTER_READS, SESSION_READS, type ReadKind } from './read-kinds.js';

/**
 * The read-through cache game servers embed, for sessions, inventories and guild rosters:
 *
 * - L1, in process: lru-cache bounded by `l1.max` entries, each served for at most
 *   `l1.ttlMs` (sessions `l1.sessionTtlMs`) without a confirmation, kept current by the
 *   notification subjects (invalidation.ts), in batches;
 * - L2, the projection cache: the active key version, resolved once and switched by
 *   `mmo.projection.<name>.activated`, then one read per miss;
 * - L3, the log: only when L2 has no key and the projection is behind the log (its
 *   checkpoint before the newest event of its streams, measured at most once per
 *   `lagCheckMs`); a session or a roster folds the actor's stream, an inventory the item
 *   streams.
 *
 * Concurrent misses of one key share one read. Ids that cannot be a subject token are
 * never notified, so their values are read from L2 every time.
 */
export interface ReadThroughCacheOptions {
  readonly cache: ReadCacheL2;
  readonly log: ReadCacheLog;
  readonly subscriber: NotificationSubscriber;
  readonly l1: L1Options;
  /** TTLs and the lag check are measured on it; default the system clock. */
  readonly clock?: () => Date;
  /** How long the log's newest position, a checkpoint and "no active version" are trusted; default 250 ms. */
  readonly lagCheckMs?: number;
}

export interface ReadThroughCache {
  /** The player's newest live session, or undefined; check its expiry against your clock. */
  session(playerId: string): Promise<CachedSession | undefined>;
  /** The player's inventory with its version (empty at version 0 for a player who never held an item). */
  inventory(playerId: string): Promise<ClientInventory>;
  /** The guild's roster, or undefined for a guild never created or disbanded. */
  roster(guildId: string): Promise<Roster | undefined>;
  /** Resolves once every subscription is in place (reads below L1 wait for it). */
  ready(): Promise<void>;
  stats(): ReadCacheStats;
  /** Unsubscribes and empties L1; later reads fail. */
  close(): Promise<void>;
}

const DEFAULT_LAG_CHECK_MS = 250;

interface Answer<T> {
  readonly value: T;
  readonly level: ReadLevel;
  readonly found: boolean;
}

/** One kind of value's read path: how to read it, its flights, its projection. */
interface Lane<V> {
  readonly reads: ReadKind<V>;
  readonly flights: Flights<Answer<V>>;
  readonly tracker: ProjectionTracker;
}

export const createReadThroughCache = (options: ReadThroughCacheOptions): ReadThroughCache => {
  const { cache, log, subscriber } = options;
  const clock = options.clock ?? (() => new Date());
  const now = (): number => clock().getTime();
  const lagCheckMs = options.lagCheckMs ?? DEFAULT_LAG_CHECK_MS;
  const l1 = new L1Store(options.l1, now, options.clock !== undefined);
  const counters = new ReadCacheCounters();
  const lane = <V>(reads: ReadKind<V>): Lane<V> => ({
    reads,
    flights: new Flights(),
    tracker: new ProjectionTracker(reads.projection, reads.filter, cache, log, now, lagCheckMs),
  });
  const sessions = lane(SESSION_READS);
  const inventories = lane(INVENTORY_READS);
  const rosters = lane(ROSTER_READS);
  const targets: InvalidationTargets = {
    l1,
    counters,
    flights: { session: sessions.flights, inventory: inventories.flights, roster: rosters.flights },
    trackers: new Map([sessions, inventories, rosters].map(({ tracker }) => [tracker.projection, tracker])),
  };
  let closed = false;

  const pending: Notification[] = [];
  let flushScheduled = false;
  const flush = (): void => {
    flushScheduled = false;
    if (pending.length > 0) applyNotifications(pending.splice(0), targets);
  };
  const onNotification = (notification: Notification): void => {
    counters.received += 1;
    pending.push(notification);
    if (!flushScheduled) {
      flushScheduled = true;
      queueMicrotask(flush);
    }
  };

  const stopInterruptions = subscriber.onInterrupted?.(() => {
    pending.length = 0;
    forgetEverything(targets);
  });
  const subscribed: Promise<Unsubscribe[]> = Promise.all(
    [inventoryDiffSubject('*'), rosterSubject('*'), PROJECTION_ACTIVATED_PATTERN].map(async (pattern) => subscriber.subscribe(pattern, onNotification)),
  );
  // A failed subscription surfaces in the reads that wait for it.
  subscribed.catch(() => undefined);

  /** L2, then L3 when L2 has nothing and the projection is behind. */
  const fetchBelow = async <V>({ reads, tracker }: Lane<V>, id: string): Promise<Answer<V>> => {
    await subscribed;
    const version = await tracker.activeVersion();
    if (version !== undefined) {
      const [result] = await cache.read(reads.projection, version, [reads.l2Read(id)]);
      const found = reads.fromL2(id, result);
      if (found !== undefined) return { value: found.value, level: 'l2', found: true };
    }
    const lag = await tracker.measureLag();
    if (!lag.behind) return { value: reads.absent(id), level: 'l2', found: false };
    if (version !== undefined) counters.passed('l2');
    const value = await reads.fold(log, id, lag.checkpoint);
    return { value, level: 'l3', found: reads.found(value) };
  };

  /**
   * A flight's answer enters L1 only if nothing invalidated it meanwhile: no eviction, no
   * version switch, no lost notifications; diffs that arrived are applied first.
   */
  const startFlight = <V>(current: Lane<V>, id: string): Flight<Answer<V>> =>
    current.flights.start(id, async (flight) => {
      const generation = current.tracker.generation;
      const answer = await fetchBelow(current, id);
      if (flight.invalidated || generation !== current.tracker.generation || closed) return answer;
      const caughtUp = current.reads.catchUp(answer.value, flight.diffs);
      if (caughtUp === undefined) return answer;
      if (isSubjectToken(id)) l1.set(current.reads.entry(caughtUp.value), id);
      return { ...answer, value: caughtUp.value };
    });

  const read = async <V>(current: Lane<V>, id: string): Promise<V> => {
    if (closed) throw new Error('the read-through cache is closed');
    const startedAt = performance.now();
    // Notifications already delivered count before this read, even within the same turn.
    flush();
    const entry = current.reads.unwrap(l1.get(current.reads.kind, id));
    if (entry !== undefined) {
      counters.answered('l1', current.reads.found(entry.value), startedAt);
      return entry.value;
    }
    if (l1.enabled) counters.passed('l1');
    const flight = current.flights.get(id) ?? startFlight(current, id);
    const answer = await flight.result;
    counters.answered(answer.level, answer.found, startedAt);
    return answer.value;
  };

  return {
    session: (playerId) => read(sessions, playerId),
    inventory: (playerId) => read(inventories, playerId),
    roster: (guildId) => read(rosters, guildId),
    ready: async () => {
      await subscribed;
    },
    stats: () => counters.snapshot(l1.size),
    close: async () => {
      if (closed) return;
      closed = true;
      stopInterruptions?.();
      l1.clear();
      const unsubscribes = await subscribed.catch((): Unsubscribe[] => []);
      await Promise.all(unsubscribes.map(async (unsubscribe) => unsubscribe()));
    },
  };
};
