import {
  StoreUnavailableError,
  type AppendResult,
  type ConcurrencyError,
  type StoreRequestError,
} from '../../../events/store/index.js';
import type { AppendLogic, AppendRequest } from './append.js';
import type { SqliteDatabase } from './database.js';

export type AppendOutcome =
  | { readonly ok: true; readonly result: AppendResult }
  | { readonly ok: false; readonly error: ConcurrencyError | StoreRequestError };

export type BatchResult =
  /** One outcome per request, in order; every successful one is durable. */
  | { readonly kind: 'committed'; readonly outcomes: readonly AppendOutcome[] }
  /** BEGIN or COMMIT failed: nothing of the batch was written. */
  | { readonly kind: 'failed'; readonly error: StoreUnavailableError }
  /**
   * The request at `index` failed in a way that is the store's, not the request's; the
   * whole transaction was rolled back (SQLite may already have done so), so nothing of
   * the batch was written and the other requests can simply be run again.
   */
  | { readonly kind: 'poisoned'; readonly index: number; readonly error: StoreUnavailableError };

/**
 * Runs appends in ONE write transaction, each under its own savepoint, as if they ran one
 * after another: each sees the ones before it, a refused one is rolled back alone, and
 * all successful ones share one commit (one fsync). IMMEDIATE takes the write lock before
 * the first check, so no other process can slip in between, and waits out (busy timeout)
 * a writer that holds it.
 */
export const createBatchTransaction = (db: SqliteDatabase, logic: AppendLogic) => {
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const rollback = db.prepare('ROLLBACK');
  const savepoint = db.prepare('SAVEPOINT append');
  const rollbackToSavepoint = db.prepare('ROLLBACK TO append');
  const releaseSavepoint = db.prepare('RELEASE append');

  const rollbackAll = (): void => {
    try {
      // A failed COMMIT (busy, deferred constraint) leaves the transaction open; an I/O error may have ended it.
      if (db.inTransaction) rollback.run();
    } catch {
      // Nothing more can be done here: the next BEGIN fails and reports it.
    }
  };

  /** Runs one append under its own savepoint; says why the batch must be abandoned, if it must. */
  const runOne = (request: AppendRequest, outcomes: AppendOutcome[]): { readonly cause: unknown } | undefined => {
    savepoint.run();
    let result: AppendResult;
    try {
      result = logic.decide(request);
    } catch (error) {
      // Without a transaction there is no savepoint to go back to: SQLite rolled everything back.
      if (!db.inTransaction) return { cause: error };
      rollbackToSavepoint.run();
      releaseSavepoint.run();
      const refusal = logic.explain(error, request);
      if (refusal === undefined) return { cause: error };
      outcomes.push({ ok: false, error: refusal });
      return undefined;
    }
    releaseSavepoint.run();
    outcomes.push({ ok: true, result });
    return undefined;
  };

  return (batch: readonly AppendRequest[]): BatchResult => {
    const size = `${batch.length} append${batch.length === 1 ? '' : 's'}`;
    try {
      begin.run();
    } catch (cause) {
      rollbackAll();
      return { kind: 'failed', error: new StoreUnavailableError(`cannot start a transaction for ${size}`, { cause }) };
    }
    const outcomes: AppendOutcome[] = [];
    try {
      for (const [index, request] of batch.entries()) {
        const abandoned = runOne(request, outcomes);
        if (abandoned !== undefined) {
          rollbackAll();
          const error = new StoreUnavailableError(`append to ${request.stream} failed`, { cause: abandoned.cause });
          return { kind: 'poisoned', index, error };
        }
      }
      commit.run();
      return { kind: 'committed', outcomes };
    } catch (cause) {
      rollbackAll();
      return { kind: 'failed', error: new StoreUnavailableError(`commit of ${size} failed`, { cause }) };
    }
  };
};
