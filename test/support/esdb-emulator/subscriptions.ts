import { randomUUID } from 'node:crypto';
import { invalidPosition, streamDeleted } from './errors.js';
import { READ_BATCH_SIZE, type CompiledFilter } from './filters.js';
import { DELETED_STREAM, type EventLog, type LogRecord } from './log.js';
import { caughtUpResponse, checkpointResponse, confirmationResponse, eventResponse } from './messages.js';
import type { Outbox } from './outbox.js';
import { HEAD_OF_LOG, comparePositions, isHeadOfLog, laterOf, selfCommitted, type LogPosition } from './positions.js';
import type { StreamsModule } from './proto.js';
import type { UuidForm } from './uuid.js';

type ReadResp = StreamsModule.ReadResp;

export type AllStart = 'start' | 'end' | LogPosition;
export type StreamStart = 'start' | 'end' | bigint;

/**
 * A subscription to `$all`, following the server's enumerator (AllSubscription and
 * AllSubscriptionFiltered): confirm, catch up in pages from the exclusive start, say
 * caught-up, then deliver live. Only filtered subscriptions send checkpoints: during
 * catch-up after every page once `checkpointInterval` events were scanned (at the later of
 * the last event sent and the page's start), once more on reaching the end, and live on
 * every `checkpointInterval`-th event written after the subscription started, at that
 * event's position.
 */
export const subscribeToAll = async (
  log: EventLog,
  start: AllStart,
  filter: CompiledFilter | undefined,
  form: UuidForm,
  outbox: Outbox<ReadResp>,
): Promise<void> => {
  const liveFrom = log.records.length;
  const lastAtConfirmation = log.records.at(-1);
  const confirmedUpTo = lastAtConfirmation === undefined ? HEAD_OF_LOG : selfCommitted(lastAtConfirmation.offset);
  await outbox.send(confirmationResponse(randomUUID()));

  const matches = filter?.matches ?? (() => true);
  let lastCheckpoint: LogPosition | undefined;
  const sendCheckpoint = async (position: LogPosition): Promise<void> => {
    if (filter === undefined || isHeadOfLog(position)) return;
    // The server drops a checkpoint that does not move past the previous one.
    if (lastCheckpoint !== undefined && comparePositions(position, lastCheckpoint) <= 0) return;
    lastCheckpoint = position;
    await outbox.send(checkpointResponse(position));
  };

  // Everything at or before `checkpoint` has been sent on, or was not asked for.
  let checkpoint = start === 'start' ? HEAD_OF_LOG : start === 'end' ? confirmedUpTo : start;

  if (comparePositions(checkpoint, confirmedUpTo) < 0) {
    let pageStart = isHeadOfLog(checkpoint) ? selfCommitted(0n) : checkpoint;
    if (!log.isReadableFrom(pageStart.commit)) throw invalidPosition();
    const window = filter?.maxSearchWindow ?? Number.POSITIVE_INFINITY;
    let index = log.indexAtOrAfter(pageStart);
    let scanned = 0;
    for (;;) {
      let considered = 0;
      let returned = 0;
      let endOfLog = false;
      while (returned < READ_BATCH_SIZE && considered < window) {
        const record = log.records[index];
        if (record === undefined) {
          endOfLog = true;
          break;
        }
        index += 1;
        considered += 1;
        if (!matches(record)) continue;
        returned += 1;
        const position = selfCommitted(record.offset);
        if (comparePositions(position, checkpoint) <= 0) continue;
        await outbox.send(eventResponse(record, form));
        checkpoint = position;
      }
      scanned += considered;
      if (endOfLog) {
        checkpoint = laterOf(checkpoint, pageStart);
        await sendCheckpoint(checkpoint);
        break;
      }
      if (filter !== undefined && scanned >= filter.checkpointInterval) {
        scanned %= filter.checkpointInterval;
        checkpoint = laterOf(checkpoint, pageStart);
        await sendCheckpoint(checkpoint);
      }
      // The next page starts where the last scanned record ends, with prepare 0, as the server's NextPos.
      pageStart = { commit: (log.records[index - 1] as LogRecord).postOffset, prepare: 0n };
    }
  }

  await outbox.send(caughtUpResponse());

  let index = liveFrom;
  let sinceCheckpoint = 0;
  for (;;) {
    for (let record = log.records[index]; record !== undefined; record = log.records[index]) {
      index += 1;
      const position = selfCommitted(record.offset);
      let checkpointHere = false;
      if (filter !== undefined) {
        sinceCheckpoint += 1;
        if (sinceCheckpoint >= filter.checkpointInterval) {
          sinceCheckpoint = 0;
          checkpointHere = true;
        }
      }
      if (matches(record) && comparePositions(position, checkpoint) > 0) {
        await outbox.send(eventResponse(record, form));
        checkpoint = position;
      }
      if (checkpointHere && comparePositions(position, checkpoint) >= 0) {
        await sendCheckpoint(position);
        checkpoint = position;
      }
    }
    await log.nextWrite(outbox.signal);
  }
};

/**
 * A subscription to one stream (StreamSubscription): a tombstoned stream fails before
 * confirmation; a missing or soft-deleted one simply waits; a tombstone that arrives
 * live is delivered and then ends the subscription with stream-deleted.
 */
export const subscribeToStream = async (
  log: EventLog,
  stream: string,
  start: StreamStart,
  form: UuidForm,
  outbox: Outbox<ReadResp>,
): Promise<void> => {
  const lastAtConfirmation = log.lastRevision(stream);
  if (lastAtConfirmation === DELETED_STREAM) throw streamDeleted(stream);
  const liveFrom = log.records.length;
  await outbox.send(confirmationResponse(randomUUID()));

  let checkpoint = start === 'start' ? -1n : start === 'end' ? lastAtConfirmation : start;
  const deliver = async (record: LogRecord): Promise<void> => {
    await outbox.send(eventResponse(record, form));
    checkpoint = record.revision;
    if (record.revision === DELETED_STREAM) throw streamDeleted(stream);
  };

  if (checkpoint < lastAtConfirmation) {
    // Catch up by reading the stream until a read finds nothing new, as the server pages through it.
    let next = checkpoint + 1n;
    for (;;) {
      const view = log.view(stream);
      if (view.kind === 'deleted') throw streamDeleted(stream);
      if (view.kind === 'not_found') break;
      if (next < view.first) next = view.first;
      if (next > view.last) break;
      for (; next <= view.last; next += 1n) {
        const record = view.at(next);
        if (record !== undefined) await deliver(record);
      }
    }
  }

  await outbox.send(caughtUpResponse());

  let index = liveFrom;
  for (;;) {
    for (let record = log.records[index]; record !== undefined; record = log.records[index]) {
      index += 1;
      if (record.stream === stream && record.revision > checkpoint) await deliver(record);
    }
    await log.nextWrite(outbox.signal);
  }
};
