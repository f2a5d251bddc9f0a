import type { RecordedEvent } from '../../events/catalog/index.js';
import type { AllFilter } from '../../events/store/index.js';
import type { WorldEvent } from '../../events/world.js';

/**
 * A projection: a pure function from batches of the log's events to cache writes and
 * notifications. The runner (runner.ts) feeds it batches in log order, reads for it the
 * keys it needs, and commits its writes together with its checkpoint.
 *
 * Keys are relative to the projection's namespace: the runner stores `session:p1` of
 * the `sessions` projection at key version 3 as `sk:sessions:3:session:p1`, so that a
 * rebuild can fill version 4 while version 3 keeps serving.
 */

/** What the projection needs to know before projecting a batch: a string value or a hash. */
export type CacheRead = { readonly kind: 'value'; readonly key: string } | { readonly kind: 'hash'; readonly key: string };

/** The cache as it stands before the batch, for the keys the projection asked to read. */
export interface CacheView {
  /** A value key's bytes; undefined if absent (or not read). */
  value(key: string): Uint8Array | undefined;
  /** A hash key's fields; empty if absent (or not read). */
  hash(key: string): ReadonlyMap<string, Uint8Array>;
}

export type CacheWrite =
  /** SET, with PX when `ttlMs` is given (otherwise no expiry). */
  | { readonly op: 'set'; readonly key: string; readonly value: Uint8Array; readonly ttlMs?: number }
  /** PEXPIRE: refreshes the TTL of an existing key; no-op if the key is gone. */
  | { readonly op: 'expire'; readonly key: string; readonly ttlMs: number }
  | { readonly op: 'delete'; readonly key: string }
  /** HSET of several fields at once. */
  | { readonly op: 'hashSet'; readonly key: string; readonly fields: ReadonlyMap<string, Uint8Array> }
  | { readonly op: 'hashDelete'; readonly key: string; readonly fields: readonly string[] };

/** Published on the bus after the batch that produced it is committed (at least once). */
export interface Notification {
  readonly subject: string;
  readonly payload: Uint8Array;
}

export interface ProjectedBatch {
  readonly writes: readonly CacheWrite[];
  readonly notifications: readonly Notification[];
}

export interface Projection {
  /** Subject- and key-safe: `[a-z][a-z0-9-]*` (`sessions`, `inventories`, `rosters`). */
  readonly name: string;
  /** Which events of `$all` it reads; the runner still hands it only events it can decode. */
  readonly filter?: AllFilter;
  /** The keys whose current values `project` needs for this batch (duplicates allowed). */
  reads(events: readonly RecordedEvent<WorldEvent>[]): readonly CacheRead[];
  /**
   * Pure. Folds the batch in order (a later event sees an earlier one's effect within
   * the batch: the projection keeps that overlay itself) and returns the writes that
   * take the cache from `current` to after the batch, and what to publish.
   */
  project(events: readonly RecordedEvent<WorldEvent>[], current: CacheView): ProjectedBatch;
}
