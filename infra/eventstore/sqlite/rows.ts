import type { Position, StoredEvent } from '../../../events/store/index.js';

/** An `events` row as better-sqlite3 returns it with safe integers on. */
export interface EventRow {
  readonly position: bigint;
  readonly stream: string;
  readonly revision: bigint;
  readonly id: string;
  readonly type: string;
  readonly data: Buffer;
  readonly metadata: Buffer;
  readonly created: bigint;
}

/** Embedded stores use one global sequence for both halves of a position. */
export const positionAt = (sequence: bigint): Position => ({ commit: sequence, prepare: sequence });

/**
 * better-sqlite3 hands out one freshly allocated Buffer per blob; a plain Uint8Array view
 * over it keeps Node's Buffer type out of the port without copying.
 */
const bytes = (buffer: Buffer): Uint8Array => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);

export const toStoredEvent = (row: EventRow): StoredEvent => ({
  stream: row.stream,
  revision: row.revision,
  position: positionAt(row.position),
  id: row.id,
  type: row.type,
  data: bytes(row.data),
  metadata: bytes(row.metadata),
  created: new Date(Number(row.created)),
});
