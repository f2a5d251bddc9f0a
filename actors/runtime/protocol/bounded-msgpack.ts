/**
 * A structural check of untrusted msgpack before any decoder allocates for it.
 * msgpackr trusts length headers (a short chain of nested array16 headers can exhaust
 * memory, kriszyp/msgpackr#200) and builds objects from keys (`__proto__`). This walk
 * touches each byte once, allocates nothing per element, and refuses:
 * - nesting deeper than `maxDepth`, more than `maxItems` values in all;
 * - a container claiming more elements than bytes remain, a string or binary longer
 *   than `maxStringBytes` or than the bytes that remain;
 * - map keys that are not strings, duplicate keys, and `__proto__`, `constructor`,
 *   `prototype` as keys;
 * - strings that are not valid UTF-8, extension types other than timestamps,
 *   the reserved byte 0xc1, and bytes after the top-level value.
 */
export interface MsgpackLimits {
  readonly maxDepth: number;
  readonly maxItems: number;
  readonly maxStringBytes: number;
}

export const DEFAULT_MSGPACK_LIMITS: MsgpackLimits = { maxDepth: 8, maxItems: 4096, maxStringBytes: 16 * 1024 };

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const TIMESTAMP_EXT = -1;
const utf8 = new TextDecoder('utf-8', { fatal: true });

class MsgpackProblem extends Error {}

/** Returns why the bytes are refused, or `undefined` when they are safe to decode. */
export const checkMsgpack = (bytes: Uint8Array, limits: MsgpackLimits = DEFAULT_MSGPACK_LIMITS): string | undefined => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  let items = 0;

  const need = (count: number): void => {
    if (count > bytes.length - offset) throw new MsgpackProblem(`truncated: ${count} bytes needed at offset ${offset}`);
  };
  const u8 = (): number => {
    need(1);
    return bytes[offset++] as number;
  };
  const u16 = (): number => {
    need(2);
    const value = view.getUint16(offset);
    offset += 2;
    return value;
  };
  const u32 = (): number => {
    need(4);
    const value = view.getUint32(offset);
    offset += 4;
    return value;
  };
  const skip = (count: number): void => {
    need(count);
    offset += count;
  };
  const string = (length: number): string => {
    if (length > limits.maxStringBytes) throw new MsgpackProblem(`string of ${length} bytes exceeds ${limits.maxStringBytes}`);
    need(length);
    const start = offset;
    offset += length;
    try {
      return utf8.decode(bytes.subarray(start, offset));
    } catch {
      throw new MsgpackProblem(`string at offset ${start} is not valid UTF-8`);
    }
  };
  const binary = (length: number): void => {
    if (length > limits.maxStringBytes) throw new MsgpackProblem(`binary of ${length} bytes exceeds ${limits.maxStringBytes}`);
    skip(length);
  };
  const extension = (length: number): void => {
    need(1);
    const type = view.getInt8(offset);
    offset += 1;
    if (type !== TIMESTAMP_EXT) throw new MsgpackProblem(`extension type ${type} is not accepted`);
    if (length !== 4 && length !== 8 && length !== 12) throw new MsgpackProblem('malformed timestamp');
    skip(length);
  };
  const count = (claimed: number, perElement: number): number => {
    if (claimed * perElement > bytes.length - offset) {
      throw new MsgpackProblem(`container claims ${claimed} elements with ${bytes.length - offset} bytes left`);
    }
    items += claimed * perElement;
    if (items > limits.maxItems) throw new MsgpackProblem(`more than ${limits.maxItems} values`);
    return claimed;
  };

  const key = (): string => {
    const head = u8();
    if (head >= 0xa0 && head <= 0xbf) return string(head & 0x1f);
    if (head === 0xd9) return string(u8());
    if (head === 0xda) return string(u16());
    if (head === 0xdb) return string(u32());
    throw new MsgpackProblem(`map key at offset ${offset - 1} is not a string`);
  };

  const value = (depth: number): void => {
    const head = u8();
    if (head <= 0x7f || head >= 0xe0) return;
    if (head >= 0x80 && head <= 0x8f) return map(count(head & 0x0f, 2), depth);
    if (head >= 0x90 && head <= 0x9f) return array(count(head & 0x0f, 1), depth);
    if (head >= 0xa0 && head <= 0xbf) return void string(head & 0x1f);
    switch (head) {
      case 0xc0: case 0xc2: case 0xc3: return;
      case 0xc4: return binary(u8());
      case 0xc5: return binary(u16());
      case 0xc6: return binary(u32());
      case 0xc7: return extension(u8());
      case 0xc8: return extension(u16());
      case 0xc9: return extension(u32());
      case 0xca: return skip(4);
      case 0xcb: return skip(8);
      case 0xcc: case 0xd0: return skip(1);
      case 0xcd: case 0xd1: return skip(2);
      case 0xce: case 0xd2: return skip(4);
      case 0xcf: case 0xd3: return skip(8);
      case 0xd4: return extension(1);
      case 0xd5: return extension(2);
      case 0xd6: return extension(4);
      case 0xd7: return extension(8);
      case 0xd8: return extension(16);
      case 0xd9: return void string(u8());
      case 0xda: return void string(u16());
      case 0xdb: return void string(u32());
      case 0xdc: return array(count(u16(), 1), depth);
      case 0xdd: return array(count(u32(), 1), depth);
      case 0xde: return map(count(u16(), 2), depth);
      case 0xdf: return map(count(u32(), 2), depth);
      default: throw new MsgpackProblem(`reserved byte 0x${head.toString(16)} at offset ${offset - 1}`);
    }
  };

  const enter = (depth: number): number => {
    if (depth + 1 > limits.maxDepth) throw new MsgpackProblem(`nested deeper than ${limits.maxDepth}`);
    return depth + 1;
  };
  const array = (length: number, depth: number): void => {
    const inner = enter(depth);
    for (let index = 0; index < length; index += 1) value(inner);
  };
  const map = (length: number, depth: number): void => {
    const inner = enter(depth);
    const seen = new Set<string>();
    for (let index = 0; index < length; index += 1) {
      const name = key();
      if (FORBIDDEN_KEYS.has(name)) throw new MsgpackProblem(`key ${JSON.stringify(name)} is not accepted`);
      if (seen.has(name)) throw new MsgpackProblem(`key ${JSON.stringify(name)} appears twice`);
      seen.add(name);
      value(inner);
    }
  };

  try {
    if (bytes.length === 0) return 'empty payload';
    value(0);
    if (offset !== bytes.length) return `${bytes.length - offset} bytes after the value`;
    return undefined;
  } catch (error) {
    if (error instanceof MsgpackProblem) return error.message;
    throw error;
  }
};
