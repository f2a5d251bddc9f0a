import { ShardkeepError } from '../errors.js';
import { describeRevision, type ActualRevision, type ExpectedRevision } from './expected-revision.js';

/** An append whose expected revision did not match the stream. Nothing was written. */
export class ConcurrencyError extends ShardkeepError {
  readonly code = 'CONCURRENCY';

  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    readonly actual: ActualRevision,
    options?: { cause?: unknown },
  ) {
    super(
      `stream ${stream}: expected revision ${describeRevision(expected)}, actual ${describeRevision(actual)}`,
      options,
    );
  }
}

/** The stream was tombstoned: it can never be written or read again. */
export class StreamDeletedError extends ShardkeepError {
  readonly code = 'STREAM_DELETED';

  constructor(
    readonly stream: string,
    options?: { cause?: unknown },
  ) {
    super(`stream ${stream} is deleted`, options);
  }
}

/** The store could not be reached or refused the operation for a reason of its own. */
export class StoreUnavailableError extends ShardkeepError {
  readonly code = 'STORE_UNAVAILABLE';
}

/** The caller broke the port's contract (bad stream name, empty event type, …). */
export class StoreRequestError extends ShardkeepError {
  readonly code = 'STORE_REQUEST';
}

export const isConcurrencyError = (error: unknown): error is ConcurrencyError =>
  error instanceof ConcurrencyError;
export const isStreamDeletedError = (error: unknown): error is StreamDeletedError =>
  error instanceof StreamDeletedError;
export const isStoreUnavailableError = (error: unknown): error is StoreUnavailableError =>
  error instanceof StoreUnavailableError;
