import type { Packr } from 'msgpackr';
import type { EventMetadata } from './metadata.js';

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

/** A key as msgpack writes it: every key here is a fixstr (under 32 ASCII bytes). */
const fixstr = (key: string): Uint8Array => Uint8Array.from([0xa0 | key.length, ...Array.from(key, (char) => char.charCodeAt(0))]);
const STRING_KEY_BYTES: ReadonlyMap<string, Uint8Array> = new Map(STRING_KEYS.map((key) => [key, fixstr(key)]));
const OCCURRED_AT_KEY = fixstr('occurredAt');

/** Longest string written by hand; longer metadata (a huge tracestate) goes to msgpackr. */
const MAX_STRING = 1024;
// Output goes to views of a chunk, as msgpackr's does; a chunk lives while a view of it does.
const CHUNK_BYTES = 64 * 1024;
const MAX_PAYLOAD = 3 + STRING_KEYS.length * (1 + 13 + 3 + MAX_STRING) + OCCURRED_AT_KEY.length + 9;

export const createMetadataEncoder = (packr: Packr): ((metadata: EventMetadata) => Uint8Array) => {
  // Buffers, as msgpackr's output is.
  let chunk = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  let view = new DataView(chunk.buffer, chunk.byteOffset, chunk.length);
  let position = 0;

  const generic = (metadata: EventMetadata): Uint8Array => packr.pack(toMetadataPayload(metadata));

  /** Writes `value` as a msgpack string at `at` if it is ASCII and not too long; returns the end, or -1. */
  const asciiString = (value: string, at: number): number => {
    const length = value.length;
    if (length > MAX_STRING) return -1;
    let start = at + 1;
    if (length < 0x20) chunk[at] = 0xa0 | length;
    else if (length < 0x100) {
      chunk[at] = 0xd9;
      chunk[at + 1] = length;
      start = at + 2;
    } else {
      chunk[at] = 0xda;
      chunk[at + 1] = length >> 8;
      chunk[at + 2] = length & 0xff;
      start = at + 3;
    }
    for (let index = 0; index < length; index += 1) {
      const code = value.charCodeAt(index);
      if (code >= 0x80) return -1;
      chunk[start + index] = code;
    }
    return start + length;
  };

  /** A number as msgpackr writes it (useRecords false, no float32): the smallest int form, else float64. */
  const number = (value: number, at: number): number => {
    if (value >>> 0 === value) {
      if (value < 0x80) {
        chunk[at] = value;
        return at + 1;
      }
      if (value < 0x100) {
        chunk[at] = 0xcc;
        chunk[at + 1] = value;
        return at + 2;
      }
      if (value < 0x10000) {
        chunk[at] = 0xcd;
        view.setUint16(at + 1, value);
        return at + 3;
      }
      chunk[at] = 0xce;
      view.setUint32(at + 1, value);
      return at + 5;
    }
    if (value >> 0 === value) {
      if (value >= -0x20) {
        chunk[at] = 0x100 + value;
        return at + 1;
      }
      if (value >= -0x80) {
        chunk[at] = 0xd0;
        chunk[at + 1] = value + 0x100;
        return at + 2;
      }
      if (value >= -0x8000) {
        chunk[at] = 0xd1;
        view.setInt16(at + 1, value);
        return at + 3;
      }
      chunk[at] = 0xd2;
      view.setInt32(at + 1, value);
      return at + 5;
    }
    chunk[at] = 0xcb;
    view.setFloat64(at + 1, value);
    return at + 9;
  };

  return (metadata) => {
    if (CHUNK_BYTES - position < MAX_PAYLOAD) {
      chunk = Buffer.allocUnsafeSlow(CHUNK_BYTES);
      view = new DataView(chunk.buffer, chunk.byteOffset, chunk.length);
      position = 0;
    }
    const start = position;
    let at = start + 3;
    let entries = 1;
    for (const key in metadata) {
      if (key === 'occurredAt' || !Object.hasOwn(metadata, key)) continue;
      const keyBytes = STRING_KEY_BYTES.get(key);
      const value: unknown = metadata[key as keyof EventMetadata];
      if (keyBytes === undefined || typeof value !== 'string') return generic(metadata);
      for (let index = 0; index < keyBytes.length; index += 1) chunk[at + index] = keyBytes[index] as number;
      at = asciiString(value, at + keyBytes.length);
      if (at < 0) return generic(metadata);
      entries += 1;
    }
    for (let index = 0; index < OCCURRED_AT_KEY.length; index += 1) chunk[at + index] = OCCURRED_AT_KEY[index] as number;
    at = number(metadata.occurredAt.getTime(), at + OCCURRED_AT_KEY.length);
    // msgpackr writes every plain object as a map16.
    chunk[start] = 0xde;
    chunk[start + 1] = entries >> 8;
    chunk[start + 2] = entries & 0xff;
    position = at;
    return chunk.subarray(start, at);
  };
};
