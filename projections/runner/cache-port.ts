import type { Position } from '../../events/store/index.js';
import type { CacheRead, CacheWrite, Notification } from './projection.js';

/**
 * The cache the projections write and game servers read: Redis in production
 * (infra/redis), an in-process map with the same semantics in the embedded default.
 * Declared here, where it is needed.
 *
 * Key layout (documented in the README): every key of projection `P` at key version `N`
 * lives under `sk:P:N:`; `sk:P:active` holds the version readers use; `sk:P:N:checkpoint`
 * the position up to which version N has applied the log.
 */
export type CacheReadResult =
  | { readonly kind: 'value'; readonly value: Uint8Array | undefined }
  | { readonly kind: 'hash'; readonly fields: ReadonlyMap<string, Uint8Array> };

export type CommitOutcome = 'committed' | 'fenced';

/** One key of a version as it stands, relative to the version (`session:p1`): what the rebuild compares. */
export type CacheEntry =
  | { readonly key: string; readonly kind: 'value'; readonly value: Uint8Array }
  | { readonly key: string; readonly kind: 'hash'; readonly fields: ReadonlyMap<string, Uint8Array> };

export interface ProjectionCache {
  /** The version readers use, or undefined before the first build was activated. */
  activeVersion(projection: string): Promise<number | undefined>;
  /** Where version `version` stands in the log; undefined before its first batch. */
  checkpoint(projection: string, version: number): Promise<Position | undefined>;
  read(projection: string, version: number, reads: readonly CacheRead[]): Promise<readonly CacheReadResult[]>;
  /**
   * Applies `writes` and moves the checkpoint from `expected` to `next` in one atomic
   * step (MULTI/EXEC with WATCH on the checkpoint). `fenced` when the checkpoint no longer
   * equals `expected` (another runner of the same version moved it): nothing was written.
   */
  commit(projection: string, version: number, expected: Position | undefined, next: Position, writes: readonly CacheWrite[]): Promise<CommitOutcome>;
  /** Makes `version` the one readers use, atomically. */
  activate(projection: string, version: number): Promise<void>;
  /**
   * Compare-and-switch: makes `next` the active version only if the active one is still
   * `expected` (undefined: none yet), in one atomic step. False, and nothing changed, if
   * another writer switched it first: two switches from the same version never both win.
   */
  switchActive(projection: string, expected: number | undefined, next: number): Promise<boolean>;
  /**
   * Deletes every key of `version` (in bounded steps, never blocking the server); returns
   * how many. The checkpoint goes first, so a runner still following that version is fenced
   * from then on and writes nothing the drop could miss.
   */
  dropVersion(projection: string, version: number): Promise<number>;
  /** The version a rebuild is filling (`sk:P:building`), kept so an interrupted rebuild resumes it. */
  buildingVersion(projection: string): Promise<number | undefined>;
  /** Records the version a rebuild is filling; undefined clears the record. */
  setBuildingVersion(projection: string, version: number | undefined): Promise<void>;
  /**
   * The key versions holding at least one key (a checkpoint counts), ascending. Walks all
   * of the projection's keys: for the rebuild tool, not for a hot path.
   */
  versions(projection: string): Promise<number[]>;
  /**
   * Every key of `version` but its checkpoint, with its content, a page at a time. Keys
   * written while the scan runs may be missed, and a key may come twice (Redis's SCAN).
   */
  scanVersion(projection: string, version: number): AsyncIterable<readonly CacheEntry[]>;
  close(): Promise<void>;
}

/** Publishes notifications (NATS, or the embedded bus). At least once; order per subject kept. */
export interface Notifier {
  publish(notifications: readonly Notification[]): Promise<void>;
}
