import { Metadata, status } from '@grpc/grpc-js';
import type { ExpectedVersion } from './commit-check.js';
import { streamIdentifier } from './messages.js';
import { codes, protobufAny, protobufEmpty, rpcStatus, shared, type CodeModule, type StatusModule } from './proto.js';

/**
 * A gRPC status with trailers, shaped like the server's RpcExceptions: the client picks
 * its error class from the `exception` trailer and reads details from the others.
 */
export class RpcError extends Error {
  readonly metadata: Metadata;

  constructor(
    readonly code: status,
    readonly details: string,
    trailers: Readonly<Record<string, string>> = {},
  ) {
    super(details);
    this.name = 'RpcError';
    this.metadata = new Metadata();
    for (const [key, value] of Object.entries(trailers)) this.metadata.set(key, value);
  }
}

export const streamDeleted = (stream: string): RpcError =>
  new RpcError(status.FAILED_PRECONDITION, `Event stream '${stream}' is deleted.`, {
    exception: 'stream-deleted',
    'stream-name': stream,
  });

/** Used by Delete and Tombstone; Append reports a wrong expected version in its reply instead. */
export const wrongExpectedVersion = (
  operation: string,
  stream: string,
  expectedVersion: bigint,
  actualVersion: bigint,
): RpcError =>
  new RpcError(
    status.FAILED_PRECONDITION,
    `${operation} failed due to WrongExpectedVersion. Stream: ${stream}, Expected version: ${expectedVersion}, Actual version: ${actualVersion}`,
    {
      exception: 'wrong-expected-version',
      'stream-name': stream,
      'expected-version': expectedVersion.toString(),
      'actual-version': actualVersion.toString(),
    },
  );

export const maximumAppendSizeExceeded = (maxAppendSize: number): RpcError =>
  new RpcError(status.INVALID_ARGUMENT, `Maximum Append Size of ${maxAppendSize} Exceeded.`, {
    exception: 'maximum-append-size-exceeded',
    'maximum-append-size': String(maxAppendSize),
  });

export const requiredMetadataPropertyMissing = (property: string): RpcError =>
  new RpcError(status.INVALID_ARGUMENT, `Required Metadata Property '${property}' is missing`, {
    exception: 'missing-required-metadata-property',
    'required-metadata-properties': 'type,content-type',
  });

export const invalidPosition = (): RpcError =>
  new RpcError(status.INVALID_ARGUMENT, 'Trying to read from an invalid position.');

export const invalidArgument = (details: string): RpcError => new RpcError(status.INVALID_ARGUMENT, details);

/** What ASP.NET answers when a handler throws something that is not an RpcException. */
export const handlerThrew = (cause: string): RpcError =>
  new RpcError(status.UNKNOWN, `Exception was thrown by handler. ${cause}`);

export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export const asRpcError = (error: unknown): RpcError => (error instanceof RpcError ? error : handlerThrew(messageOf(error)));

/*
 * BatchAppend answers each request with a google.rpc.Status whose details pack a typed
 * message; the client chooses its error class by the packed type name.
 */
const packed = (
  code: CodeModule.Code,
  message: string,
  typeName: string,
  detail: Uint8Array,
): StatusModule.Status => {
  const details = new protobufAny.Any();
  details.pack(detail, typeName);
  return new rpcStatus.Status().setCode(code).setMessage(message).setDetails(details);
};

export const batchWrongExpectedVersion = (currentRevision: bigint, expected: ExpectedVersion): StatusModule.Status => {
  const detail = new shared.WrongExpectedVersion();
  if (currentRevision < 0n) detail.setCurrentNoStream(new protobufEmpty.Empty());
  else detail.setCurrentStreamRevision(currentRevision.toString());
  if (expected === 'any') detail.setExpectedAny(new protobufEmpty.Empty());
  else if (expected === 'no_stream') detail.setExpectedNoStream(new protobufEmpty.Empty());
  else if (expected === 'stream_exists') detail.setExpectedStreamExists(new protobufEmpty.Empty());
  else detail.setExpectedStreamPosition(expected.toString());
  return packed(codes.Code.ALREADY_EXISTS, 'WrongExpectedVersion', 'event_store.client.WrongExpectedVersion', detail.serializeBinary());
};

export const batchStreamDeleted = (stream: string): StatusModule.Status =>
  packed(
    codes.Code.NOT_FOUND,
    'StreamDeleted',
    'event_store.client.StreamDeleted',
    new shared.StreamDeleted().setStreamIdentifier(streamIdentifier(stream)).serializeBinary(),
  );

export const batchMaximumAppendSizeExceeded = (maxAppendSize: number): StatusModule.Status =>
  packed(
    codes.Code.INVALID_ARGUMENT,
    'MaximumAppendSizeExceeded',
    'event_store.client.MaximumAppendSizeExceeded',
    new shared.MaximumAppendSizeExceeded().setMaxappendsize(maxAppendSize).serializeBinary(),
  );

export const batchTimeout = (): StatusModule.Status =>
  packed(codes.Code.DEADLINE_EXCEEDED, 'Timeout', 'event_store.client.Timeout', new shared.Timeout().serializeBinary());

export const batchBadRequest = (message: string): StatusModule.Status =>
  packed(
    codes.Code.INVALID_ARGUMENT,
    'BadRequest',
    'event_store.client.BadRequest',
    new shared.BadRequest().setMessage(message).serializeBinary(),
  );
