import { resolve } from 'node:path';
import { StoreRequestError, StoreUnavailableError, type EventStore } from '../../../events/store/index.js';
import { createAppend } from './append.js';
import { openDatabase } from './database.js';
import { readAll, readStream } from './read.js';
import { prepareStatements } from './statements.js';
import { openSubscription } from './subscription.js';
import { announceAppend } from './wake.js';

export interface SqliteEventStoreOptions {
  /** The database file; its folder is created if missing (unless read-only). */
  readonly path: string;
  /** `full` (default) fsyncs every commit; `normal` survives a killed process but not power loss. */
  readonly synchronous?: 'full' | 'normal';
  /** How often a live subscription looks for appends made by other processes. Default 50 ms. */
  readonly pollIntervalMs?: number;
  /** Read and subscribe only: no folder or schema is created and appends are refused. */
  readonly readonly?: boolean;
}

const DEFAULT_POLL_INTERVAL_MS = 50;

/**
 * The embedded, durable event store: one SQLite file in WAL mode. One process writes,
 * any number read and subscribe. better-sqlite3 is synchronous, so an append holds the
 * event loop for its fsync: callers get throughput by appending batches (group commit).
 */
export const openSqliteEventStore = (options: SqliteEventStoreOptions): EventStore => {
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  if (!Number.isFinite(pollIntervalMs) || pollIntervalMs <= 0) {
    throw new StoreRequestError(`pollIntervalMs must be a positive number, got ${String(pollIntervalMs)}`);
  }
  const file = resolve(options.path);
  const readonly = options.readonly ?? false;
  const db = openDatabase(file, { synchronous: options.synchronous ?? 'full', readonly });
  const statements = prepareStatements(db);
  const appendNow = createAppend(db, statements);
  const subscriptions = new Set<() => void>();
  let closed = false;

  const ensureOpen = (): void => {
    if (closed) throw new StoreUnavailableError(`sqlite event store ${file} is closed`);
  };

  return {
    append: async (stream, events, { expectedRevision }) => {
      ensureOpen();
      if (readonly) throw new StoreRequestError(`sqlite event store ${file} is open read-only`);
      const result = appendNow(stream, events, expectedRevision);
      // A replayed (idempotent) append wakes subscribers too; they just find nothing new.
      if (events.length > 0) announceAppend(file);
      return result;
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
      // Subscriptions first: their next query would otherwise hit a closed connection.
      for (const closeNow of [...subscriptions]) closeNow();
      db.close();
    },
  };
};
