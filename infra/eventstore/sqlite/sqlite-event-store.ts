import { resolve } from 'node:path';
import { StoreRequestError, StoreUnavailableError, type EventStore } from '../../../events/store/index.js';
import { createAppendLogic, validateRequest } from './append.js';
import { createBatchTransaction } from './batch-transaction.js';
import { openDatabase } from './database.js';
import { createAppendQueue } from './group-commit.js';
import { readAll, readStream } from './read.js';
import { prepareStatements } from './statements.js';
import { openSubscription } from './subscription.js';
import { announceAppend } from './wake.js';

export interface SqliteEventStoreOptions {
  /** The database file; its folder is created if missing (unless read-only). */
  readonly path: string;
  /** `full` (default) fsyncs every commit; `normal` survives a killed process but not power loss. */
  readonly synchronous?: 'full' | 'normal';
  /**
   * `true` (default): appends made during one turn of the event loop, to any streams,
   * share one transaction and one fsync, with the semantics of running them one by one.
   * `false`: every append is its own transaction (for comparison).
   */
  readonly groupCommit?: boolean;
  /** How long a write waits for another process holding the write lock. Default 5 000 ms. */
  readonly busyTimeoutMs?: number;
  /** How often a live subscription looks for appends made by other processes. Default 50 ms. */
  readonly pollIntervalMs?: number;
  /** Read and subscribe only: no folder or schema is created and appends are refused. */
  readonly readonly?: boolean;
  /**
   * Called after each committed transaction that wrote events: one durable write (one
   * fsync under `synchronous=full`), however many appends group commit put in it. For
   * metrics and benchmarks; it must not throw.
   */
  readonly onCommit?: () => void;
}

const DEFAULT_POLL_INTERVAL_MS = 50;
const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

const positive = (name: string, value: number): number => {
  if (!Number.isFinite(value) || value <= 0) {
    throw new StoreRequestError(`${name} must be a positive number, got ${String(value)}`);
  }
  return value;
};

/**
 * The embedded, durable event store: one SQLite file in WAL mode. One process writes,
 * any number read and subscribe. better-sqlite3 is synchronous, so a commit holds the
 * event loop for its fsync: group commit makes that one fsync per turn of the event loop
 * rather than one per append.
 */
export const openSqliteEventStore = (options: SqliteEventStoreOptions): EventStore => {
  const pollIntervalMs = positive('pollIntervalMs', options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
  const busyTimeoutMs = positive('busyTimeoutMs', options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS);
  const file = resolve(options.path);
  const readonly = options.readonly ?? false;
  const db = openDatabase(file, { synchronous: options.synchronous ?? 'full', readonly, busyTimeoutMs });
  const statements = prepareStatements(db);
  const appends = readonly
    ? undefined
    : createAppendQueue({
        run: createBatchTransaction(db, createAppendLogic(statements)),
        onCommitted: () => {
          announceAppend(file);
          options.onCommit?.();
        },
        grouped: options.groupCommit ?? true,
      });
  const subscriptions = new Set<() => void>();
  let closed = false;

  const ensureOpen = (): void => {
    if (closed) throw new StoreUnavailableError(`sqlite event store ${file} is closed`);
  };

  return {
    append: async (stream, events, { expectedRevision }) => {
      ensureOpen();
      if (appends === undefined) throw new StoreRequestError(`sqlite event store ${file} is open read-only`);
      // The write may wait for the next turn: a caller reusing its array or event objects
      // must not change what was validated. (The bytes themselves are not copied.)
      const snapshot = events.map(({ id, type, data, metadata }) => ({ id, type, data, metadata }));
      const request = { stream, events: snapshot, expectedRevision };
      validateRequest(request);
      return appends.append(request);
    },
    read: (stream, readOptions) => readStream(statements, ensureOpen, stream, readOptions),
    readAll: (readOptions) => readAll(statements, ensureOpen, readOptions),
    subscribeAll: (subscribeOptions) => {
      ensureOpen();
      const subscription = openSubscription(
        { statements, key: file, pollIntervalMs, onClosed: (closeNow) => subscriptions.delete(closeNow) },
        subscribeOptions,
      );
      subscriptions.add(subscription.closeNow);
      return subscription;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      // Appends already accepted are written (or fail) before the connection goes.
      appends?.drain();
      // Subscriptions first: their next query would otherwise hit a closed connection.
      for (const closeNow of [...subscriptions]) closeNow();
      db.close();
    },
  };
};
