import type { LogRecord } from './log.js';
import { toUInt64, type LogPosition } from './positions.js';
import { shared, streams, type SharedModule, type StreamsModule } from './proto.js';
import { toUuid, type UuidForm } from './uuid.js';

type StreamIdentifier = SharedModule.StreamIdentifier;
type ReadResp = StreamsModule.ReadResp;

export const streamIdentifier = (stream: string): StreamIdentifier =>
  new shared.StreamIdentifier().setStreamName(Buffer.from(stream, 'utf8'));

export const streamNameOf = (identifier: StreamIdentifier | undefined): string =>
  identifier === undefined ? '' : Buffer.from(identifier.getStreamName_asU8()).toString('utf8');

const recordedEvent = (record: LogRecord, form: UuidForm): StreamsModule.ReadResp.ReadEvent.RecordedEvent => {
  const offset = toUInt64(record.offset);
  const recorded = new streams.ReadResp.ReadEvent.RecordedEvent()
    .setId(toUuid(record.id, form))
    .setStreamIdentifier(streamIdentifier(record.stream))
    .setStreamRevision(toUInt64(record.revision))
    .setCommitPosition(offset)
    .setPreparePosition(offset)
    .setData(record.data)
    .setCustomMetadata(record.metadata);
  recorded
    .getMetadataMap()
    .set('type', record.type)
    .set('created', record.created.toString())
    .set('content-type', record.isJson ? 'application/json' : 'application/octet-stream');
  return recorded;
};

export const eventResponse = (record: LogRecord, form: UuidForm): ReadResp =>
  new streams.ReadResp().setEvent(
    new streams.ReadResp.ReadEvent().setEvent(recordedEvent(record, form)).setCommitPosition(toUInt64(record.offset)),
  );

export const confirmationResponse = (subscriptionId: string): ReadResp =>
  new streams.ReadResp().setConfirmation(new streams.ReadResp.SubscriptionConfirmation().setSubscriptionId(subscriptionId));

export const caughtUpResponse = (): ReadResp => new streams.ReadResp().setCaughtUp(new streams.ReadResp.CaughtUp());

export const checkpointResponse = (position: LogPosition): ReadResp =>
  new streams.ReadResp().setCheckpoint(
    new streams.ReadResp.Checkpoint()
      .setCommitPosition(toUInt64(position.commit))
      .setPreparePosition(toUInt64(position.prepare)),
  );

export const streamNotFoundResponse = (stream: string): ReadResp =>
  new streams.ReadResp().setStreamNotFound(
    new streams.ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(stream)),
  );
