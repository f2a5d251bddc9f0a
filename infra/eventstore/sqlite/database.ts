import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StoreUnavailableError } from '../../../events/store/index.js';

export type SqliteDatabase = Database.Database;

/** Bumped whenever the tables below change shape; a newer file is refused, never guessed at. */
const SCHEMA_VERSION = 1n;

/**
 * `position` is the rowid, so the global log is the table's own order. Rows are never
 * deleted, so rowids only grow (no AUTOINCREMENT needed). The (stream, revision) index
 * also answers "last revision of a stream", so no separate streams table is kept: one
 * fewer write per append. STRICT keeps blobs blobs and integers integers.
 */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position INTEGER PRIMARY KEY,
    stream   TEXT    NOT NULL,
    revision INTEGER NOT NULL,
    id       TEXT    NOT NULL UNIQUE,
    type     TEXT    NOT NULL,
    data     BLOB    NOT NULL,
    metadata BLOB    NOT NULL,
    created  INTEGER NOT NULL,
    UNIQUE (stream, revision)
  ) STRICT;
  PRAGMA user_version = ${SCHEMA_VERSION.toString()};
`;

export interface DatabaseOptions {
  readonly synchronous: 'full' | 'normal';
  readonly readonly: boolean;
  readonly busyTimeoutMs: number;
}

/** Opens (and for writers, creates) the store's file with the pragmas durability depends on. */
export const openDatabase = (file: string, options: DatabaseOptions): SqliteDatabase => {
  let db: SqliteDatabase;
  try {
    if (!options.readonly) mkdirSync(dirname(file), { recursive: true });
    // The busy timeout covers a second writer process holding the write lock.
    db = new Database(file, {
      readonly: options.readonly,
      fileMustExist: options.readonly,
      timeout: options.busyTimeoutMs,
    });
  } catch (cause) {
    throw new StoreUnavailableError(`cannot open sqlite event store ${file}`, { cause });
  }
  try {
    // Revisions and positions are bigints in the port; reading them as numbers would lose bits past 2^53.
    db.defaultSafeIntegers(true);
    if (!options.readonly) {
      // WAL lets other processes read while this one writes; the mode is stored in the file.
      db.pragma('journal_mode = WAL');
      ensureSchema(db);
    }
    // FULL fsyncs the WAL on every commit (survives power loss); NORMAL only at checkpoints
    // (survives a killed process, may lose the last commits on power loss).
    db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    checkSchemaVersion(db, file);
    return db;
  } catch (cause) {
    db.close();
    if (cause instanceof StoreUnavailableError) throw cause;
    throw new StoreUnavailableError(`cannot prepare sqlite event store ${file}`, { cause });
  }
};

const schemaVersion = (db: SqliteDatabase): bigint => {
  const version = db.pragma('user_version', { simple: true });
  return typeof version === 'bigint' ? version : BigInt(Number(version));
};

const ensureSchema = (db: SqliteDatabase): void => {
  // IMMEDIATE: two processes opening a fresh file at once must not both try to create it.
  db.transaction(() => {
    if (schemaVersion(db) === 0n) db.exec(SCHEMA);
  }).immediate();
};

const checkSchemaVersion = (db: SqliteDatabase, file: string): void => {
  const version = schemaVersion(db);
  if (version !== SCHEMA_VERSION) {
    throw new StoreUnavailableError(
      `${file} holds event store schema ${version.toString()}, this build reads ${SCHEMA_VERSION.toString()}`,
    );
  }
};
