import type { handleBidiStreamingCall } from '@grpc/grpc-js';
import type { AppendLimits } from './append.js';
import {
  batchBadRequest,
  batchMaximumAppendSizeExceeded,
  batchStreamDeleted,
  batchTimeout,
  batchWrongExpectedVersion,
  messageOf,
} from './errors.js';
import type { ExpectedVersion } from './commit-check.js';
import type { EventLog, ProposedRecord, WriteResult } from './log.js';
import { streamIdentifier, streamNameOf } from './messages.js';
import { proposedRecord, sizeOnDisk } from './proposed.js';
import { uuidText } from './uuid.js';
import { fromUInt64, toUInt64 } from './positions.js';
import { protobufEmpty, shared, streams, type StatusModule, type StreamsModule } from './proto.js';

type BatchAppendReq = StreamsModule.BatchAppendReq;
type BatchAppendResp = StreamsModule.BatchAppendResp;
type BatchAppendSuccess = StreamsModule.BatchAppendResp.Success;

/** Node fires longer timers at once. */
const MAX_TIMER_DELAY = 2 ** 31 - 1;

interface PendingWrite {
  readonly stream: string;
  readonly expected: ExpectedVersion;
  readonly events: ProposedRecord[];
  size: number;
  readonly timer: NodeJS.Timeout | undefined;
}

/**
 * Streams/BatchAppend: one long-lived bidirectional call on which each append is a
 * correlation id, options in its first request, events in one or more requests, and one
 * reply once a request says it is final. Failures are replies carrying a google.rpc.Status
 * with a packed detail message, never a gRPC error.
 */
export const batchAppendHandler =
  (log: EventLog, limits: AppendLimits): handleBidiStreamingCall<BatchAppendReq, BatchAppendResp> =>
  (call) => {
    const pending = new Map<string, PendingWrite>();
    let open = true;

    const reply = (request: BatchAppendReq, stream: string, outcome: StatusModule.Status | BatchAppendSuccess): void => {
      if (!open) return;
      const response = new streams.BatchAppendResp()
        .setCorrelationId(request.getCorrelationId())
        .setStreamIdentifier(streamIdentifier(stream));
      if (outcome instanceof streams.BatchAppendResp.Success) response.setSuccess(outcome);
      else response.setError(outcome);
      call.write(response);
    };
    const settle = (key: string): PendingWrite | undefined => {
      const write = pending.get(key);
      pending.delete(key);
      if (write?.timer !== undefined) clearTimeout(write.timer);
      return write;
    };
    const close = (): void => {
      open = false;
      for (const key of [...pending.keys()]) settle(key);
    };

    call.on('data', (request: BatchAppendReq) => {
      const options = request.getOptions();
      const optionsStream = streamNameOf(options?.getStreamIdentifier());
      let key: string;
      try {
        key = uuidText(request.getCorrelationId());
      } catch (error) {
        reply(request, optionsStream, batchBadRequest(messageOf(error)));
        return;
      }
      try {
        if (options !== undefined) {
          if (!options.hasStreamIdentifier()) {
            reply(request, optionsStream, batchBadRequest('Required field StreamIdentifier not set.'));
            return;
          }
          const deadline = options.getDeadline();
          const timeout = deadline === undefined ? undefined : deadline.toDate().getTime() - Date.now();
          if (timeout !== undefined && timeout <= 0) {
            reply(request, optionsStream, batchTimeout());
            return;
          }
          if (!pending.has(key)) {
            const expected = batchExpectation(options);
            const timer =
              timeout === undefined
                ? undefined
                : setTimeout(
                    () => {
                      if (settle(key) !== undefined) reply(request, optionsStream, batchTimeout());
                    },
                    Math.min(timeout, MAX_TIMER_DELAY),
                  ).unref();
            pending.set(key, { stream: optionsStream, expected, events: [], size: 0, timer });
          }
        }

        const write = pending.get(key);
        if (write === undefined) return;
        try {
          for (const message of request.getProposedMessagesList()) {
            const event = proposedRecord(message);
            write.events.push(event);
            write.size += sizeOnDisk(event);
          }
        } catch (error) {
          // The server leaves the write pending here and answers it again when its deadline passes; one answer is enough.
          settle(key);
          reply(request, write.stream, batchBadRequest(messageOf(error)));
          return;
        }
        if (write.size > limits.maxAppendSize) {
          settle(key);
          reply(request, write.stream, batchMaximumAppendSizeExceeded(limits.maxAppendSize));
          return;
        }
        if (!request.getIsFinal()) return;
        settle(key);
        reply(request, write.stream, outcomeOf(log.append(write.stream, write.expected, write.events), write));
      } catch (error) {
        settle(key);
        reply(request, optionsStream, batchBadRequest(messageOf(error)));
      }
    });

    call.on('end', () => {
      close();
      call.end();
    });
    call.on('cancelled', close);
    call.on('close', close);
  };

const batchExpectation = (options: StreamsModule.BatchAppendReq.Options): ExpectedVersion => {
  if (options.hasStreamPosition()) return fromUInt64(options.getStreamPosition());
  if (options.hasNoStream()) return 'no_stream';
  if (options.hasStreamExists()) return 'stream_exists';
  if (options.hasAny()) return 'any';
  throw new Error('The expected stream position is not set.');
};

const outcomeOf = (result: WriteResult, write: PendingWrite): StatusModule.Status | BatchAppendSuccess => {
  switch (result.kind) {
    case 'stream_deleted':
      return batchStreamDeleted(write.stream);
    case 'wrong_expected_version':
      return batchWrongExpectedVersion(result.currentRevision, write.expected);
    case 'success': {
      const success = new streams.BatchAppendResp.Success();
      if (result.revision < 0n) success.setNoStream(new protobufEmpty.Empty());
      else success.setCurrentRevision(toUInt64(result.revision));
      if (result.position === undefined) success.setNoPosition(new protobufEmpty.Empty());
      else {
        success.setPosition(
          new shared.AllStreamPosition()
            .setCommitPosition(toUInt64(result.position.commit))
            .setPreparePosition(toUInt64(result.position.prepare)),
        );
      }
      return success;
    }
  }
};
