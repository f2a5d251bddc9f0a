import {
  ANY,
  END,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  binaryEvent,
  eventTypeFilter,
  excludeSystemEvents,
  streamNameFilter,
  type AllStreamSubscription,
  type AppendExpectedRevision,
  type EventData,
  type Filter,
  type Position as ClientPosition,
  type ReadPosition,
  type ReadRevision,
} from '@eventstore/db-client';
import {
  StoreRequestError,
  StoreUnavailableError,
  type AllFilter,
  type ExpectedRevision,
  type Position,
  type ProposedEvent,
  type StoredEvent,
} from '../../../events/store/index.js';
import type { CapturedEvent } from './capture.js';

export const toClientExpectedRevision = (expected: ExpectedRevision): AppendExpectedRevision => {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return expected;
  }
};

export const toEventData = (event: ProposedEvent): EventData =>
  binaryEvent({
    id: event.id,
    type: event.type,
    data: event.data,
    // The client sends metadata as bytes only when its constructor is exactly
    // Uint8Array (a Buffer is converted first); any other view would be JSON-encoded.
    metadata: event.metadata.constructor === Uint8Array ? event.metadata : Uint8Array.from(event.metadata),
  });

export const toPosition = (position: ClientPosition): Position => ({
  commit: position.commit,
  prepare: position.prepare,
});

export const toClientPosition = (position: Position): ClientPosition => ({
  commit: position.commit,
  prepare: position.prepare,
});

export const toReadRevision = (from: bigint | 'start' | 'end'): ReadRevision => {
  if (from === 'start') return START;
  if (from === 'end') return END;
  if (from < 0n) throw new StoreRequestError(`read from revision ${from.toString()}: revisions start at 0`);
  return from;
};

export const toReadPosition = (from: Position | 'start' | 'end'): ReadPosition => {
  if (from === 'start') return START;
  if (from === 'end') return END;
  return toClientPosition(from);
};

export const toStoredEvent = (captured: CapturedEvent): StoredEvent => {
  const recorded = captured.resolved.event;
  if (recorded === undefined) {
    // Only unresolved links lack an event, and the adapter never asks to resolve links.
    throw new StoreUnavailableError('EventStoreDB sent a read result without an event');
  }
  if (recorded.position === undefined) {
    throw new StoreUnavailableError(
      `EventStoreDB sent ${recorded.streamId}@${recorded.revision.toString()} without a log position (server older than 22.6?)`,
    );
  }
  return {
    stream: recorded.streamId,
    revision: recorded.revision,
    position: toPosition(recorded.position),
    id: recorded.id,
    type: recorded.type,
    data: captured.data,
    metadata: captured.metadata,
    // The client already turned .NET ticks into a Date (millisecond precision).
    created: recorded.created,
  };
};

/** EventStoreDB's filter window: checkpoints come every window × multiplier scanned events. */
export const CHECKPOINT_WINDOW = 32;

export const checkpointMultiplier = (interval: number | undefined): number => {
  if (interval === undefined) return 1;
  if (!Number.isFinite(interval) || interval <= 0) {
    throw new StoreRequestError(`checkpointInterval must be a positive number, got ${String(interval)}`);
  }
  return Math.max(1, Math.round(interval / CHECKPOINT_WINDOW));
};

type CheckpointReached = (subscription: AllStreamSubscription, position: ClientPosition) => Promise<void> | void;

/**
 * Our filter as the server applies it on a subscription. Without one, the server
 * still needs a filter to send checkpoints, so "exclude system events" stands in.
 * A stream-name filter lets `$` event types through: the caller drops those itself.
 */
export const toClientFilter = (
  filter: AllFilter | undefined,
  checkpointInterval: number,
  checkpointReached: CheckpointReached,
): Filter => {
  const common = { checkpointInterval, checkpointReached };
  if (filter === undefined) return excludeSystemEvents(common);
  const create = filter.on === 'streamName' ? streamNameFilter : eventTypeFilter;
  return 'regex' in filter
    ? create({ ...common, regex: filter.regex })
    : create({ ...common, prefixes: [...filter.prefixes] });
};
