import {
  ConcurrencyError,
  StoreRequestError,
  satisfiesExpectedRevision,
  type ActualRevision,
  type AppendResult,
  type ExpectedRevision,
  type ProposedEvent,
  type StoredEvent,
} from '../../../events/store/index.js';
import { findIdempotentRetry } from '../shared/idempotent-retry.js';
import { validateAppend } from '../shared/validate.js';
import { positionAt } from './rows.js';
import type { Statements } from './statements.js';

export interface AppendRequest {
  readonly stream: string;
  readonly events: readonly ProposedEvent[];
  readonly expectedRevision: ExpectedRevision;
}

/** What no state of the store could accept: refused before the append is queued. */
export const validateRequest = ({ stream, events, expectedRevision }: AppendRequest): void => {
  validateAppend(stream, events);
  if (typeof expectedRevision === 'bigint' && expectedRevision < 0n) {
    throw new StoreRequestError(`expected revision ${expectedRevision.toString()} is negative`);
  }
};

export interface AppendLogic {
  /**
   * Decides and writes one append. Runs inside the caller's write transaction (so the
   * check and the write see the same stream) and under a savepoint of its own: whatever
   * it throws, the caller rolls back to that savepoint before asking `explain`.
   */
  decide(request: AppendRequest): AppendResult;
  /**
   * The port's error for a failed `decide`, read after the rollback; `undefined` when the
   * store itself failed (I/O, disk full, …) rather than the request.
   */
  explain(error: unknown, request: AppendRequest): ConcurrencyError | StoreRequestError | undefined;
}

/**
 * EventStoreDB's append decision. The hot path, an exact expectation that names the
 * stream's head, looks up no ids: the UNIQUE index on ids guards them. Every other case
 * asks the shared retry rule (`findIdempotentRetry`) first, so a retried append returns
 * its original result and writes nothing, and a partial match is a ConcurrencyError.
 *
 * Ids are unique across the store, whereas EventStoreDB only remembers recent ones in a
 * cache and would store a second copy: an id already stored (in any stream) where the
 * expectation holds and the append is no retry is refused by the index and reported as
 * StoreRequestError. Reusing an id is a caller bug that no reload-and-retry can mend,
 * so it must not look like a concurrency conflict.
 */
export const createAppendLogic = (statements: Statements): AppendLogic => {
  const { lastOfStream, eventById, head, insert } = statements;

  // Ids are stored lower-case: EventStoreDB's ids are GUIDs, which ignore case.
  const findById = (id: string): Pick<StoredEvent, 'stream' | 'revision' | 'position'> | undefined => {
    const row = eventById.get(id.toLowerCase());
    return row && { stream: row.stream, revision: row.revision, position: positionAt(row.position) };
  };

  const write = (stream: string, events: readonly ProposedEvent[], after: bigint): AppendResult => {
    const created = Date.now();
    let revision = after;
    let position = 0n;
    for (const event of events) {
      revision += 1n;
      const inserted = insert.run(stream, revision, event.id.toLowerCase(), event.type, event.data, event.metadata, created);
      position = BigInt(inserted.lastInsertRowid);
    }
    return { nextExpectedRevision: revision, position: positionAt(position) };
  };

  const decide = ({ stream, events, expectedRevision: expected }: AppendRequest): AppendResult => {
    const last = lastOfStream.get(stream);
    const actual: ActualRevision = last === undefined ? 'no_stream' : last.revision;
    const exact = typeof expected === 'bigint' || expected === 'no_stream';
    if (!exact || !satisfiesExpectedRevision(expected, actual)) {
      const retry = findIdempotentRetry(events, expected, findById, stream);
      if (retry !== undefined && retry !== 'conflict') return retry;
      if (retry === 'conflict' || !satisfiesExpectedRevision(expected, actual)) {
        throw new ConcurrencyError(stream, expected, actual);
      }
    }
    if (events.length > 0) return write(stream, events, last?.revision ?? -1n);
    // As EventStoreDB: an empty append writes nothing but still checks the expectation.
    // A missing stream reports the log's head, as the memory store does.
    const position = last?.position ?? head.get()?.position ?? 0n;
    return { nextExpectedRevision: last?.revision ?? -1n, position: positionAt(position) };
  };

  /** Names the reused id; only meaningful once this append's own inserts are rolled back. */
  const duplicateIdError = (events: readonly ProposedEvent[], cause: unknown): StoreRequestError => {
    for (const event of events) {
      const owner = findById(event.id);
      if (owner !== undefined) {
        return new StoreRequestError(
          `event id ${event.id} is already stored in ${owner.stream} at revision ${owner.revision.toString()}`,
          { cause },
        );
      }
    }
    return new StoreRequestError('an event id of this append is already stored', { cause });
  };

  const explain: AppendLogic['explain'] = (error, { events }) => {
    if (error instanceof ConcurrencyError || error instanceof StoreRequestError) return error;
    if (sqliteCode(error) === 'SQLITE_CONSTRAINT_UNIQUE') return duplicateIdError(events, error);
    return undefined;
  };

  return { decide, explain };
};

const sqliteCode = (error: unknown): string | undefined =>
  error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
