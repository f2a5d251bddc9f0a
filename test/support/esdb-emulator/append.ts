import type { handleClientStreamingCall } from '@grpc/grpc-js';
import {
  asRpcError,
  handlerThrew,
  invalidArgument,
  maximumAppendSizeExceeded,
  requiredMetadataPropertyMissing,
  streamDeleted,
  type RpcError,
} from './errors.js';
import type { ExpectedVersion } from './commit-check.js';
import type { EventLog, ProposedRecord, WriteResult } from './log.js';
import { streamNameOf } from './messages.js';
import { MissingMetadataError, expectedVersionOf, proposedRecord, sizeOnDisk } from './proposed.js';
import { InvalidEventIdError } from './uuid.js';
import { toUInt64 } from './positions.js';
import { shared, streams, type StreamsModule } from './proto.js';

type AppendReq = StreamsModule.AppendReq;
type AppendResp = StreamsModule.AppendResp;

export interface AppendLimits {
  /** The server's MaxAppendSize: the sum of `sizeOnDisk` over one append's events. */
  readonly maxAppendSize: number;
}

/**
 * Streams/Append: the options, then the events, then one reply. The write happens only
 * once the client has sent everything, so an append is atomic. A wrong expected version
 * is a field of the reply, not a gRPC error.
 */
export const appendHandler =
  (log: EventLog, limits: AppendLimits): handleClientStreamingCall<AppendReq, AppendResp> =>
  (call, callback) => {
    let options: StreamsModule.AppendReq.Options | undefined;
    const events: ProposedRecord[] = [];
    let size = 0;
    let answered = false;
    const answer = (error: RpcError | null, response?: AppendResp): void => {
      if (answered) return;
      answered = true;
      callback(error, response);
    };

    call.on('data', (request: AppendReq) => {
      if (answered) return;
      try {
        if (options === undefined) {
          options = request.getOptions();
          if (options === undefined) throw handlerThrew('InvalidOperationException: the first message must carry the options.');
          return;
        }
        const message = request.getProposedMessage();
        if (message === undefined) throw handlerThrew('InvalidOperationException: only events may follow the options.');
        const event = readProposedMessage(message);
        size += sizeOnDisk(event);
        if (size > limits.maxAppendSize) throw maximumAppendSizeExceeded(limits.maxAppendSize);
        events.push(event);
      } catch (error) {
        answer(asRpcError(error));
      }
    });

    call.on('end', () => {
      if (answered) return;
      if (options === undefined) {
        answer(handlerThrew('InvalidOperationException: no options were sent.'));
        return;
      }
      const expected = expectedVersionOf(options);
      if (expected === undefined) {
        answer(invalidArgument('The expected stream revision is not set.'));
        return;
      }
      const stream = streamNameOf(options.getStreamIdentifier());
      const result = log.append(stream, expected, events);
      if (result.kind === 'stream_deleted') answer(streamDeleted(stream));
      else answer(null, appendResponse(result, expected));
    });
  };

const readProposedMessage = (message: StreamsModule.AppendReq.ProposedMessage): ProposedRecord => {
  try {
    return proposedRecord(message);
  } catch (error) {
    if (error instanceof MissingMetadataError) throw requiredMetadataPropertyMissing(error.property);
    if (error instanceof InvalidEventIdError) throw handlerThrew(`FormatException: ${error.message}`);
    throw error;
  }
};

const appendResponse = (result: Exclude<WriteResult, { kind: 'stream_deleted' }>, expected: ExpectedVersion): AppendResp => {
  if (result.kind === 'success') {
    const success = new streams.AppendResp.Success();
    if (result.revision < 0n) success.setNoStream(new shared.Empty());
    else success.setCurrentRevision(toUInt64(result.revision));
    if (result.position === undefined) success.setNoPosition(new shared.Empty());
    else {
      success.setPosition(
        new streams.AppendResp.Position()
          .setCommitPosition(toUInt64(result.position.commit))
          .setPreparePosition(toUInt64(result.position.prepare)),
      );
    }
    return new streams.AppendResp().setSuccess(success);
  }
  const wrong = new streams.AppendResp.WrongExpectedVersion();
  if (result.currentRevision < 0n) wrong.setCurrentNoStream(new shared.Empty());
  else wrong.setCurrentRevision(toUInt64(result.currentRevision));
  if (expected === 'any') wrong.setExpectedAny(new shared.Empty());
  else if (expected === 'no_stream') wrong.setExpectedNoStream(new shared.Empty());
  else if (expected === 'stream_exists') wrong.setExpectedStreamExists(new shared.Empty());
  else wrong.setExpectedRevision(toUInt64(expected));
  return new streams.AppendResp().setWrongExpectedVersion(wrong);
};
