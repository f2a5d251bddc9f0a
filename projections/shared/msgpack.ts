import { Packr } from 'msgpackr';

/**
 * The encoding of every cached value and notification: self-describing msgpack (no
 * shared record structures, so any client's msgpack library reads it), maps sized to
 * their keys. Objects are built with a fixed key order, so equal values are equal bytes.
 */
const packr = new Packr({ useRecords: false, mapsAsObjects: true, variableMapSize: true });

export const pack = (value: unknown): Uint8Array => packr.pack(value);

/** The decoded value, or undefined for bytes that are not one msgpack value. */
export const unpack = (bytes: Uint8Array): unknown => {
  try {
    return packr.unpack(bytes);
  } catch {
    return undefined;
  }
};
