import { ErrorType, isCommandError } from '@eventstore/db-client';
import { isShardkeepError } from '../../../events/errors.js';
import {
  ConcurrencyError,
  StoreRequestError,
  StoreUnavailableError,
  StreamDeletedError,
  type ExpectedRevision,
} from '../../../events/store/index.js';

/** What the adapter knows about the operation that failed; the client's errors are vaguer. */
export interface ErrorContext {
  readonly operation: string;
  readonly stream?: string;
  readonly expected?: ExpectedRevision;
}

/*
 * gRPC status codes are wire constants. They are spelled out here rather than imported
 * from @grpc/grpc-js, which is the client's dependency, not ours.
 */
const GRPC_INVALID_ARGUMENT = 3;
const GRPC_UNAVAILABLE = 14;

/** A raw gRPC failure: the client lets some through unconverted (the ServerFeatures probe). */
interface GrpcServiceError extends Error {
  readonly code: number;
  readonly details?: string;
}

const isGrpcServiceError = (error: unknown): error is GrpcServiceError =>
  error instanceof Error && typeof (error as { code?: unknown }).code === 'number';

const subjectOf = (context: ErrorContext): string =>
  context.stream === undefined ? context.operation : `${context.operation} ${context.stream}`;

/**
 * Turns whatever the client threw into the port's errors, so nothing above `infra/`
 * ever branches on an EventStoreDB class. Errors the port does not name (not leader,
 * access denied, deadline, unknown) are "unavailable": the caller can only retry or
 * give up, and `cause` keeps the original for the logs.
 */
export const toStoreError = (error: unknown, context: ErrorContext): Error => {
  if (isShardkeepError(error)) return error;
  if (error instanceof Error && isCommandError(error)) {
    // `if`s rather than a switch: only these few kinds mean anything to the port.
    if (error.type === ErrorType.WRONG_EXPECTED_VERSION) {
      return new ConcurrencyError(
        context.stream ?? error.streamName,
        // Ours is exact; the client reports ANY when the server's reply omits it.
        context.expected ?? fromClientExpected(error.expectedVersion),
        error.actualVersion,
        { cause: error },
      );
    }
    if (error.type === ErrorType.STREAM_DELETED) {
      return new StreamDeletedError(context.stream ?? error.streamName, { cause: error });
    }
    if (error.type === ErrorType.INVALID_ARGUMENT || error.type === ErrorType.MAXIMUM_APPEND_SIZE_EXCEEDED) {
      return new StoreRequestError(`EventStoreDB rejected ${subjectOf(context)}: ${error.message}`, { cause: error });
    }
    if (error.type === ErrorType.DEADLINE_EXCEEDED || error.type === ErrorType.TIMEOUT) {
      // An append may still have been written: retrying with the same ids is safe.
      return new StoreUnavailableError(`EventStoreDB timed out on ${subjectOf(context)}; outcome unknown`, {
        cause: error,
      });
    }
    if (error.type === ErrorType.UNAVAILABLE) {
      return new StoreUnavailableError(`EventStoreDB unreachable during ${subjectOf(context)}: ${error.message}`, {
        cause: error,
      });
    }
    return new StoreUnavailableError(`EventStoreDB failed ${subjectOf(context)}: ${error.type}: ${error.message}`, {
      cause: error,
    });
  }
  if (isGrpcServiceError(error)) {
    const detail = error.details ?? error.message;
    if (error.code === GRPC_INVALID_ARGUMENT) {
      return new StoreRequestError(`EventStoreDB rejected ${subjectOf(context)}: ${detail}`, { cause: error });
    }
    const what = error.code === GRPC_UNAVAILABLE ? 'unreachable during' : `failed (gRPC status ${error.code})`;
    return new StoreUnavailableError(`EventStoreDB ${what} ${subjectOf(context)}: ${detail}`, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`EventStoreDB client failed during ${subjectOf(context)}: ${message}`, {
    cause: error,
  });
};

const fromClientExpected = (expected: bigint | string): ExpectedRevision => {
  if (typeof expected === 'bigint') return expected;
  return expected === 'no_stream' || expected === 'stream_exists' ? expected : 'any';
};

/** The client's "stream not found" is how a read of a missing stream ends: an empty stream. */
export const isStreamNotFound = (error: unknown): boolean =>
  error instanceof Error && isCommandError(error) && error.type === ErrorType.STREAM_NOT_FOUND;
