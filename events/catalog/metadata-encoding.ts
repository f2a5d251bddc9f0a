import type { Packr } from 'msgpackr';
import type { EventMetadata } from './metadata.js';
import { fixstr, MsgpackWriter } from './msgpack-writer.js';

/**
 * Event metadata on disk: a msgpack map of the metadata's own keys in their order, with
 * `occurredAt` last as epoch milliseconds, exactly as `packr.pack(toMetadataPayload(m))`
 * writes it (msgpackr, `useRecords: false`: a map16 header, then key and value for each).
 *
 * `encodeMetadata` writes those same bytes by hand when every value is an ASCII string and
 * every key one the metadata defines, which is what every command's events carry: one
 * pass over the object and one copy of each string, instead of a copied object and a
 * generic pack. Anything else (a non-ASCII value, an unknown key, a value that is not a
 * string) goes to msgpackr, so the bytes never depend on which path wrote them; the unit
 * test holds both to the same output.
 */

/** What the metadata looks like on disk: dates as epoch milliseconds. */
export interface MetadataPayload {
  readonly eventId: string;
  readonly commandId?: string;
  readonly correlationId: string;
  readonly causationId?: string;
  readonly occurredAt: number;
  readonly issuer?: string;
  readonly traceparent?: string;
  readonly tracestate?: string;
  readonly command?: { readonly name: string; readonly data: Readonly<Record<string, unknown>> };
}

// The same own keys in the same order as `{ ...rest, occurredAt }` (so the same bytes).
export const toMetadataPayload = (metadata: EventMetadata): MetadataPayload => {
  const payload: Record<string, unknown> = {};
  for (const key in metadata) {
    if (key !== 'occurredAt' && Object.hasOwn(metadata, key)) payload[key] = metadata[key as keyof EventMetadata];
  }
  payload['occurredAt'] = metadata.occurredAt.getTime();
  return payload as unknown as MetadataPayload;
};

const STRING_KEYS = ['eventId', 'commandId', 'correlationId', 'causationId', 'issuer', 'traceparent', 'tracestate'] as const;
const STRING_KEY_BYTES: ReadonlyMap<string, Uint8Array> = new Map(STRING_KEYS.map((key) => [key, fixstr(key)]));
const OCCURRED_AT_KEY = fixstr('occurredAt');
const COMMAND_KEY = fixstr('command');
/** A recorded command packed larger than this sends the whole metadata to msgpackr. */
const MAX_COMMAND = 8 * 1024;

/** Longest string written by hand; longer metadata (a huge tracestate) goes to msgpackr. */
const MAX_STRING = 1024;
const MAX_PAYLOAD = 3 + STRING_KEYS.length * (1 + 13 + 3 + MAX_STRING) + OCCURRED_AT_KEY.length + 9;

export const createMetadataEncoder = (packr: Packr): ((metadata: EventMetadata) => Uint8Array) => {
  const writer = new MsgpackWriter();
  const generic = (metadata: EventMetadata): Uint8Array => {
    writer.abort();
    return packr.pack(toMetadataPayload(metadata));
  };
  return (metadata) => {
    // The recorded command (first event of a command only) is a nested map: msgpackr packs
    // it, and its bytes go in at its place among the keys, as a whole-object pack would.
    let command: Uint8Array | undefined;
    if (metadata.command !== undefined) {
      command = packr.pack(metadata.command);
      if (command.length > MAX_COMMAND) return packr.pack(toMetadataPayload(metadata));
    }
    writer.begin(MAX_PAYLOAD + (command === undefined ? 0 : COMMAND_KEY.length + command.length));
    const header = writer.reserveMap16();
    let entries = 1;
    for (const key in metadata) {
      if (key === 'occurredAt' || !Object.hasOwn(metadata, key)) continue;
      if (key === 'command' && command !== undefined) {
        writer.bytes(COMMAND_KEY);
        writer.bytes(command);
        entries += 1;
        continue;
      }
      const keyBytes = STRING_KEY_BYTES.get(key);
      const value: unknown = metadata[key as keyof EventMetadata];
      if (keyBytes === undefined || typeof value !== 'string') return generic(metadata);
      writer.bytes(keyBytes);
      if (!writer.asciiString(value, MAX_STRING)) return generic(metadata);
      entries += 1;
    }
    writer.bytes(OCCURRED_AT_KEY);
    writer.number(metadata.occurredAt.getTime());
    writer.mapSize(header, entries);
    return writer.finish();
  };
};
