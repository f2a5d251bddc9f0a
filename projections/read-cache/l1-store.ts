import { LRUCache } from 'lru-cache';
import type { ClientInventory } from '../inventories/client-inventory.js';
import type { Roster } from '../rosters/roster-values.js';
import type { CachedSession } from '../sessions/session-value.js';

/** What L1 holds: decoded values, absence included (a player with no session, a guild gone). */
export type L1Entry =
  | { readonly kind: 'session'; readonly value: CachedSession | undefined }
  | { readonly kind: 'inventory'; readonly value: ClientInventory }
  | { readonly kind: 'roster'; readonly value: Roster | undefined };

export type L1Kind = L1Entry['kind'];
export type L1EntryOf<K extends L1Kind> = Extract<L1Entry, { readonly kind: K }>;

export interface L1Options {
  /** Most entries held, all kinds together; 0 turns L1 off (every read goes to L2). */
  readonly max: number;
  /** How long an entry is served without a confirmation; diffs applied to it start it again. */
  readonly ttlMs: number;
  /**
   * Sessions have no notification subject, so a session is served from L1 at most this
   * long after it was read from L2 (it may be that stale); default min(ttlMs, 1 000 ms),
   * 0 keeps sessions out of L1.
   */
  readonly sessionTtlMs?: number;
}

const DEFAULT_SESSION_TTL_MS = 1_000;

const isKind = <K extends L1Kind>(entry: L1Entry, kind: K): entry is L1EntryOf<K> => entry.kind === kind;
const keyOf = (kind: L1Kind, id: string): string => `${kind}:${id}`;

/** L1: lru-cache, bounded by count, with a TTL per entry measured on the given clock. */
export class L1Store {
  private readonly lru: LRUCache<string, L1Entry> | undefined;
  private readonly sessionTtlMs: number;

  constructor(options: L1Options, now: () => number, exactClock: boolean) {
    const { max, ttlMs } = options;
    if (!Number.isSafeInteger(max) || max < 0) throw new RangeError(`l1.max must be a whole number ≥ 0, got ${max}`);
    if (!Number.isSafeInteger(ttlMs) || ttlMs < 1) throw new RangeError(`l1.ttlMs must be a positive whole number, got ${ttlMs}`);
    this.sessionTtlMs = options.sessionTtlMs ?? Math.min(ttlMs, DEFAULT_SESSION_TTL_MS);
    if (!Number.isSafeInteger(this.sessionTtlMs) || this.sessionTtlMs < 0) {
      throw new RangeError(`l1.sessionTtlMs must be a whole number ≥ 0, got ${this.sessionTtlMs}`);
    }
    this.lru =
      max === 0
        ? undefined
        : new LRUCache<string, L1Entry>({
            max,
            ttl: ttlMs,
            perf: { now },
            // lru-cache reads the clock at most once per millisecond unless told otherwise;
            // an injected clock (tests) is read every time so that time moves when it says.
            ttlResolution: exactClock ? 0 : 1,
          });
  }

  get enabled(): boolean {
    return this.lru !== undefined;
  }

  get size(): number {
    return this.lru?.size ?? 0;
  }

  get<K extends L1Kind>(kind: K, id: string): L1EntryOf<K> | undefined {
    const entry = this.lru?.get(keyOf(kind, id));
    return entry !== undefined && isKind(entry, kind) ? entry : undefined;
  }

  /** As `get`, without counting as a use (invalidation is not a read). */
  peek<K extends L1Kind>(kind: K, id: string): L1EntryOf<K> | undefined {
    const entry = this.lru?.peek(keyOf(kind, id));
    return entry !== undefined && isKind(entry, kind) ? entry : undefined;
  }

  set(entry: L1Entry, id: string): void {
    if (entry.kind === 'session') {
      if (this.sessionTtlMs > 0) this.lru?.set(keyOf(entry.kind, id), entry, { ttl: this.sessionTtlMs });
      return;
    }
    this.lru?.set(keyOf(entry.kind, id), entry);
  }

  /** Whether an entry was there. */
  delete(kind: L1Kind, id: string): boolean {
    return this.lru?.delete(keyOf(kind, id)) ?? false;
  }

  /** Drops every entry of `kind` (every entry when no kind is given); returns how many. */
  clear(kind?: L1Kind): number {
    const lru = this.lru;
    if (lru === undefined) return 0;
    if (kind === undefined) {
      const count = lru.size;
      lru.clear();
      return count;
    }
    const prefix = `${kind}:`;
    const doomed = [...lru.keys()].filter((key) => key.startsWith(prefix));
    for (const key of doomed) lru.delete(key);
    return doomed.length;
  }
}
