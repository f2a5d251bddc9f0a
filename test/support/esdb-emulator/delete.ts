import type { handleUnaryCall } from '@grpc/grpc-js';
import { invalidArgument, streamDeleted, wrongExpectedVersion, type RpcError } from './errors.js';
import { expectedVersionAsInt64, type ExpectedVersion } from './commit-check.js';
import type { EventLog, WriteResult } from './log.js';
import { streamNameOf } from './messages.js';
import { expectedVersionOf, type RevisionChoice } from './proposed.js';
import { toUInt64, type LogPosition } from './positions.js';
import { shared, streams, type SharedModule, type StreamsModule } from './proto.js';

type Deletion = (stream: string, expected: ExpectedVersion) => WriteResult;

interface DeletionOptions extends RevisionChoice {
  getStreamIdentifier(): SharedModule.StreamIdentifier | undefined;
}

/*
 * Delete and Tombstone share the server's DeleteInternal: the same expectation check,
 * a wrong expected version or a deleted stream as a gRPC error with trailers, and the
 * position of what the deletion wrote.
 */
const runDeletion = (
  deletion: Deletion,
  options: DeletionOptions | undefined,
): { readonly error: RpcError } | { readonly position: LogPosition | undefined } => {
  if (options === undefined) return { error: invalidArgument('`options` is a required argument.') };
  const expected = expectedVersionOf(options);
  if (expected === undefined) return { error: invalidArgument('The expected stream revision is not set.') };
  const stream = streamNameOf(options.getStreamIdentifier());
  const result = deletion(stream, expected);
  switch (result.kind) {
    case 'success':
      return { position: result.position };
    case 'stream_deleted':
      return { error: streamDeleted(stream) };
    case 'wrong_expected_version':
      return { error: wrongExpectedVersion('Delete', stream, expectedVersionAsInt64(expected), result.currentRevision) };
  }
};

/** Streams/Delete: a soft delete. */
export const deleteHandler =
  (log: EventLog): handleUnaryCall<StreamsModule.DeleteReq, StreamsModule.DeleteResp> =>
  (call, callback) => {
    const outcome = runDeletion((stream, expected) => log.softDelete(stream, expected), call.request.getOptions());
    if ('error' in outcome) {
      callback(outcome.error);
      return;
    }
    const response = new streams.DeleteResp();
    if (outcome.position === undefined) response.setNoPosition(new shared.Empty());
    else {
      response.setPosition(
        new streams.DeleteResp.Position()
          .setCommitPosition(toUInt64(outcome.position.commit))
          .setPreparePosition(toUInt64(outcome.position.prepare)),
      );
    }
    callback(null, response);
  };

/** Streams/Tombstone: a hard delete. */
export const tombstoneHandler =
  (log: EventLog): handleUnaryCall<StreamsModule.TombstoneReq, StreamsModule.TombstoneResp> =>
  (call, callback) => {
    const outcome = runDeletion((stream, expected) => log.tombstone(stream, expected), call.request.getOptions());
    if ('error' in outcome) {
      callback(outcome.error);
      return;
    }
    const response = new streams.TombstoneResp();
    if (outcome.position === undefined) response.setNoPosition(new shared.Empty());
    else {
      response.setPosition(
        new streams.TombstoneResp.Position()
          .setCommitPosition(toUInt64(outcome.position.commit))
          .setPreparePosition(toUInt64(outcome.position.prepare)),
      );
    }
    callback(null, response);
  };
