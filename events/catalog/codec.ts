import { Packr } from 'msgpackr';
import { ShardkeepError } from '../errors.js';
import type { ProposedEvent, StoredEvent } from '../store/event-store.js';
import type { EventMetadata, RecordedCommand } from './metadata.js';
import { createMetadataEncoder } from './metadata-encoding.js';
import type { DomainEvent, RecordedEvent } from './recorded-event.js';
import { UnknownEventTypeError, type EventRegistry } from './registry.js';

/**
 * Events are stored as binary msgpack, self-describing (no shared record structures):
 * a log outlives every process, so no decoder may depend on state a writer had.
 */
const packr = new Packr({ useRecords: false, mapsAsObjects: true });
const encodeMetadata = createMetadataEncoder(packr);

export class EventDecodingError extends ShardkeepError {
  readonly code = 'EVENT_DECODING';
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const optionalString = (record: Record<string, unknown>, key: string): string | undefined => {
  const value = record[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new EventDecodingError(`metadata.${key} is not a string`);
  return value;
};

const fromMetadataPayload = (payload: unknown): EventMetadata => {
  if (!isRecord(payload)) throw new EventDecodingError('event metadata is not a map');
  const eventId = optionalString(payload, 'eventId');
  const correlationId = optionalString(payload, 'correlationId');
  const occurredAt = payload['occurredAt'];
  if (eventId === undefined || correlationId === undefined || typeof occurredAt !== 'number') {
    throw new EventDecodingError('event metadata lacks eventId, correlationId or occurredAt');
  }
  // NaN, infinities and numbers past ±8.64e15 ms make an Invalid Date, which throws later
  // wherever the time is formatted: refused here, with the codec's own error.
  const time = new Date(occurredAt);
  if (Number.isNaN(time.getTime())) throw new EventDecodingError(`metadata.occurredAt ${occurredAt} is not a time`);
  const metadata: { -readonly [K in keyof EventMetadata]: EventMetadata[K] } = { eventId, correlationId, occurredAt: time };
  for (const key of ['commandId', 'causationId', 'issuer', 'traceparent', 'tracestate'] as const) {
    const value = optionalString(payload, key);
    if (value !== undefined) metadata[key] = value;
  }
  const command = recordedCommandOf(payload['command']);
  if (command !== undefined) metadata.command = command;
  return metadata;
};

/** A recorded command, when it has the shape one has; anything else is ignored, never fatal. */
const recordedCommandOf = (value: unknown): RecordedCommand | undefined => {
  if (typeof value !== 'object' || value === null) return undefined;
  const { name, data } = value as { readonly name?: unknown; readonly data?: unknown };
  if (typeof name !== 'string' || typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  return { name, data: data as Readonly<Record<string, unknown>> };
};

export interface EventCodec<E extends DomainEvent> {
  encode(event: E, metadata: EventMetadata): ProposedEvent;
  /** Throws `UnknownEventTypeError` for types outside the catalog. */
  decode(stored: StoredEvent): RecordedEvent<E>;
  /** `undefined` for types outside the catalog (another application's events in `$all`). */
  tryDecode(stored: StoredEvent): RecordedEvent<E> | undefined;
}

export const createEventCodec = <E extends DomainEvent>(registry: EventRegistry<E>): EventCodec<E> => {
  const tryDecode = (stored: StoredEvent): RecordedEvent<E> | undefined => {
    const resolved = registry.resolve(stored.type);
    if (resolved === undefined) return undefined;
    let data: unknown;
    let metadata: EventMetadata;
    try {
      data = resolved.upcast(packr.unpack(stored.data));
      metadata = fromMetadataPayload(packr.unpack(stored.metadata));
    } catch (error) {
      if (error instanceof EventDecodingError) throw error;
      throw new EventDecodingError(`cannot decode ${stored.type} at ${stored.stream}@${stored.revision}`, { cause: error });
    }
    // The registry's upcasters bring every stored version to the current shape of `type`.
    const event = { type: resolved.type, data } as E;
    return {
      ...event,
      stream: stored.stream,
      revision: stored.revision,
      position: stored.position,
      storedType: stored.type,
      metadata,
      created: stored.created,
    };
  };

  return {
    encode: (event, metadata) => ({
      id: metadata.eventId,
      type: registry.storedNameOf(event.type),
      data: packr.pack(event.data),
      metadata: encodeMetadata(metadata),
    }),
    decode: (stored) => {
      const decoded = tryDecode(stored);
      if (decoded === undefined) throw new UnknownEventTypeError(stored.type);
      return decoded;
    },
    tryDecode,
  };
};
