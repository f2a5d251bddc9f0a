import type { SqliteDatabase } from './database.js';
import type { EventRow } from './rows.js';

const COLUMNS = 'position, stream, revision, id, type, data, metadata, created';

/** Every query the store runs, prepared once per connection. */
export const prepareStatements = (db: SqliteDatabase) => ({
  // Answered from the (stream, revision) index alone: position is the rowid it carries.
  lastOfStream: db.prepare<[stream: string], { revision: bigint; position: bigint }>(
    'SELECT revision, position FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1',
  ),
  eventById: db.prepare<[id: string], { stream: string; revision: bigint; position: bigint }>(
    'SELECT stream, revision, position FROM events WHERE id = ?',
  ),
  insert: db.prepare<[stream: string, revision: bigint, id: string, type: string, data: Uint8Array, metadata: Uint8Array, created: number]>(
    'INSERT INTO events (stream, revision, id, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ),
  streamForwards: db.prepare<[stream: string, from: bigint, limit: number], EventRow>(
    `SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`,
  ),
  streamBackwards: db.prepare<[stream: string, from: bigint, limit: number], EventRow>(
    `SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`,
  ),
  allForwards: db.prepare<[from: bigint, limit: number], EventRow>(
    `SELECT ${COLUMNS} FROM events WHERE position >= ? ORDER BY position LIMIT ?`,
  ),
  allBackwards: db.prepare<[from: bigint, limit: number], EventRow>(
    `SELECT ${COLUMNS} FROM events WHERE position <= ? ORDER BY position DESC LIMIT ?`,
  ),
  head: db.prepare<[], { position: bigint }>('SELECT position FROM events ORDER BY position DESC LIMIT 1'),
});

export type Statements = ReturnType<typeof prepareStatements>;
