import type { handleServerStreamingCall } from '@grpc/grpc-js';
import { invalidArgument, invalidPosition, streamDeleted } from './errors.js';
import { compileFilter, type CompiledFilter } from './filters.js';
import type { EventLog, LogRecord } from './log.js';
import { eventResponse, streamNameOf, streamNotFoundResponse } from './messages.js';
import { serveStreaming, type Outbox } from './outbox.js';
import { comparePositions, fromUInt64, selfCommitted, type LogPosition } from './positions.js';
import { streams, type StreamsModule } from './proto.js';
import { subscribeToAll, subscribeToStream, type AllStart, type StreamStart } from './subscriptions.js';
import type { UuidForm } from './uuid.js';

type ReadReq = StreamsModule.ReadReq;
type ReadResp = StreamsModule.ReadResp;

/** Streams/Read: stream and `$all` reads, and the subscriptions that share the call. */
export const readHandler =
  (log: EventLog): handleServerStreamingCall<ReadReq, ReadResp> =>
  (call) =>
    serveStreaming(call, (outbox) => serveRead(log, call.request, outbox));

const serveRead = async (log: EventLog, request: ReadReq, outbox: Outbox<ReadResp>): Promise<void> => {
  const options = request.getOptions();
  if (options === undefined) throw invalidArgument('`options` is a required argument.');
  const uuidOption = options.getUuidOption();
  if (uuidOption === undefined) throw invalidArgument('`uuidOption` is a required argument.');
  const form: UuidForm = uuidOption.hasString() ? 'string' : 'structured';
  const backwards = options.getReadDirection() === streams.ReadReq.Options.ReadDirection.BACKWARDS;
  const filterOptions = options.getFilter();
  const filter = filterOptions === undefined ? undefined : compileFilter(filterOptions);
  const streamOptions = options.getStream();
  const allOptions = options.getAll();
  const invalidCombination = (): Error =>
    invalidArgument(`The combination of (${options.getStreamOptionCase()}, ${options.getCountOptionCase()}, ${backwards ? 'Backwards' : 'Forwards'}, ${options.getFilterOptionCase()}) is invalid.`);

  if (options.hasSubscription()) {
    if (backwards) throw invalidCombination();
    if (streamOptions !== undefined) {
      if (filter !== undefined) throw invalidCombination();
      return subscribeToStream(log, streamNameOf(streamOptions.getStreamIdentifier()), streamStart(streamOptions), form, outbox);
    }
    if (allOptions !== undefined) return subscribeToAll(log, allStart(allOptions), filter, form, outbox);
    throw invalidCombination();
  }

  if (!options.hasCount()) throw invalidCombination();
  const count = fromUInt64(options.getCount());
  if (streamOptions !== undefined) {
    if (filter !== undefined) throw invalidCombination();
    const stream = streamNameOf(streamOptions.getStreamIdentifier());
    return readStream(log, stream, streamStart(streamOptions), backwards, count, form, outbox);
  }
  if (allOptions !== undefined) return readAll(log, allStart(allOptions), backwards, count, filter, form, outbox);
  throw invalidCombination();
};

const streamStart = (options: StreamsModule.ReadReq.Options.StreamOptions): StreamStart => {
  if (options.hasRevision()) return fromUInt64(options.getRevision());
  return options.hasEnd() ? 'end' : 'start';
};

const allStart = (options: StreamsModule.ReadReq.Options.AllOptions): AllStart => {
  const position = options.getPosition();
  if (position !== undefined) {
    return { commit: fromUInt64(position.getCommitPosition()), prepare: fromUInt64(position.getPreparePosition()) };
  }
  return options.hasEnd() ? 'end' : 'start';
};

/**
 * Reads include their start revision. Backwards from past the end starts at the last
 * event; forwards from before a truncation starts at the first event still visible.
 */
const readStream = async (
  log: EventLog,
  stream: string,
  start: StreamStart,
  backwards: boolean,
  count: bigint,
  form: UuidForm,
  outbox: Outbox<ReadResp>,
): Promise<void> => {
  const view = log.view(stream);
  if (view.kind === 'deleted') throw streamDeleted(stream);
  if (view.kind === 'not_found') {
    await outbox.send(streamNotFoundResponse(stream));
    return;
  }
  const send = (record: LogRecord | undefined): Promise<void> =>
    record === undefined ? Promise.resolve() : outbox.send(eventResponse(record, form));
  let remaining = count;
  if (backwards) {
    let revision = start === 'end' ? view.last : start === 'start' ? 0n : start < view.last ? start : view.last;
    for (; revision >= view.first && remaining > 0n; revision -= 1n, remaining -= 1n) await send(view.at(revision));
  } else {
    let revision = start === 'start' ? view.first : start === 'end' ? view.last + 1n : start > view.first ? start : view.first;
    for (; revision <= view.last && remaining > 0n; revision += 1n, remaining -= 1n) await send(view.at(revision));
  }
};

/**
 * Forwards includes the event at the start position. Backwards returns the events that
 * end at or before it, as the server's reader does: backwards from an event's own
 * position starts with the event before it.
 */
const readAll = async (
  log: EventLog,
  start: AllStart,
  backwards: boolean,
  count: bigint,
  filter: CompiledFilter | undefined,
  form: UuidForm,
  outbox: Outbox<ReadResp>,
): Promise<void> => {
  const matches = filter?.matches ?? (() => true);
  const { records } = log;
  let remaining = count;
  if (backwards) {
    let index: number;
    if (start === 'end') index = records.length - 1;
    else if (start === 'start') index = -1;
    else index = lastEndingAtOrBefore(log, start);
    for (; index >= 0 && remaining > 0n; index -= 1) {
      const record = records[index] as LogRecord;
      if (!matches(record)) continue;
      await outbox.send(eventResponse(record, form));
      remaining -= 1n;
    }
    return;
  }
  let index: number;
  if (start === 'start') index = 0;
  else if (start === 'end') index = records.length;
  else {
    if (!log.isReadableFrom(start.commit)) throw invalidPosition();
    index = log.indexAtOrAfter(start);
  }
  for (; index < records.length && remaining > 0n; index += 1) {
    const record = records[index] as LogRecord;
    if (!matches(record)) continue;
    await outbox.send(eventResponse(record, form));
    remaining -= 1n;
  }
};

const lastEndingAtOrBefore = (log: EventLog, position: LogPosition): number => {
  if (!log.isReadableFrom(position.commit)) throw invalidPosition();
  const { records } = log;
  let low = 0;
  let high = records.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const ending = selfCommitted((records[middle] as LogRecord).postOffset);
    if (comparePositions(ending, position) <= 0) low = middle + 1;
    else high = middle;
  }
  return low - 1;
};
