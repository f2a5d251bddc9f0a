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
const encoder = new TextEncoder();
const FORBIDDEN_KEY_BYTES = [...FORBIDDEN_KEYS].map((key) => encoder.encode(key));
const TIMESTAMP_EXT = -1;
// Up to this many keys a map's keys are compared byte by byte, with no allocation; beyond
// it (rare, and quadratic otherwise) they go through a Set of decoded strings.
const PAIRWISE_KEYS = 16;
const EMPTY = new Uint8Array(0);
const utf8 = new TextDecoder('utf-8', { fatal: true });

class MsgpackProblem extends Error {}

/**
 * The walk, as one reusable object with methods rather than closures made per call: this
 * runs on every request a host receives, and closures per call cost allocations (and, under
 * tsx, a defineProperty each for their names). checkMsgpack is synchronous and never
 * re-entered, so one instance serves every call; `check` resets it first.
 */
class Walker {
  private bytes: Uint8Array = EMPTY;
  private offset = 0;
  private items = 0;
  private limits: MsgpackLimits = DEFAULT_MSGPACK_LIMITS;
  // A stack of the keys of the maps being walked (start and length of each key's bytes).
  private readonly keyStarts: number[] = [];
  private readonly keyLengths: number[] = [];
  private keyTop = 0;

  check(bytes: Uint8Array, limits: MsgpackLimits): string | undefined {
    this.bytes = bytes;
    this.offset = 0;
    this.items = 0;
    this.limits = limits;
    this.keyTop = 0;
    try {
      if (bytes.length === 0) return 'empty payload';
      this.value(0);
      if (this.offset !== bytes.length) return `${bytes.length - this.offset} bytes after the value`;
      return undefined;
    } catch (error) {
      if (error instanceof MsgpackProblem) return error.message;
      throw error;
    } finally {
      this.bytes = EMPTY;
    }
  }

  private need(count: number): void {
    if (count > this.bytes.length - this.offset) throw new MsgpackProblem(`truncated: ${count} bytes needed at offset ${this.offset}`);
  }

  private u8(): number {
    this.need(1);
    return this.bytes[this.offset++] as number;
  }

  private u16(): number {
    this.need(2);
    const at = this.offset;
    this.offset += 2;
    return ((this.bytes[at] as number) << 8) | (this.bytes[at + 1] as number);
  }

  private u32(): number {
    this.need(4);
    const at = this.offset;
    this.offset += 4;
    // Multiplication, not <<, keeps the top bit from turning the value negative.
    return (this.bytes[at] as number) * 0x1000000 + (((this.bytes[at + 1] as number) << 16) | ((this.bytes[at + 2] as number) << 8) | (this.bytes[at + 3] as number));
  }

  private skip(count: number): void {
    this.need(count);
    this.offset += count;
  }

  /** Checks a string of `length` bytes and returns where it starts. */
  private string(length: number): number {
    if (length > this.limits.maxStringBytes) throw new MsgpackProblem(`string of ${length} bytes exceeds ${this.limits.maxStringBytes}`);
    this.need(length);
    const start = this.offset;
    this.offset += length;
    const bytes = this.bytes;
    let ascii = true;
    for (let index = start; index < this.offset; index += 1) {
      if ((bytes[index] as number) >= 0x80) {
        ascii = false;
        break;
      }
    }
    // ASCII is UTF-8; anything else goes to the strict decoder, the authority on UTF-8.
    if (!ascii) {
      try {
        utf8.decode(bytes.subarray(start, this.offset));
      } catch {
        throw new MsgpackProblem(`string at offset ${start} is not valid UTF-8`);
      }
    }
    return start;
  }

  private binary(length: number): void {
    if (length > this.limits.maxStringBytes) throw new MsgpackProblem(`binary of ${length} bytes exceeds ${this.limits.maxStringBytes}`);
    this.skip(length);
  }

  private extension(length: number): void {
    this.need(1);
    const type = ((this.bytes[this.offset] as number) << 24) >> 24;
    this.offset += 1;
    if (type !== TIMESTAMP_EXT) throw new MsgpackProblem(`extension type ${type} is not accepted`);
    if (length !== 4 && length !== 8 && length !== 12) throw new MsgpackProblem('malformed timestamp');
    this.skip(length);
  }

  private count(claimed: number, perElement: number): number {
    if (claimed * perElement > this.bytes.length - this.offset) {
      throw new MsgpackProblem(`container claims ${claimed} elements with ${this.bytes.length - this.offset} bytes left`);
    }
    this.items += claimed * perElement;
    if (this.items > this.limits.maxItems) throw new MsgpackProblem(`more than ${this.limits.maxItems} values`);
    return claimed;
  }

  /** Checks a map key and returns its length in bytes; it ends at `this.offset`. */
  private key(): number {
    const head = this.u8();
    let length: number;
    if (head >= 0xa0 && head <= 0xbf) length = head & 0x1f;
    else if (head === 0xd9) length = this.u8();
    else if (head === 0xda) length = this.u16();
    else if (head === 0xdb) length = this.u32();
    else throw new MsgpackProblem(`map key at offset ${this.offset - 1} is not a string`);
    this.string(length);
    return length;
  }

  private value(depth: number): void {
    const head = this.u8();
    if (head <= 0x7f || head >= 0xe0) return;
    if (head >= 0x80 && head <= 0x8f) return this.map(this.count(head & 0x0f, 2), depth);
    if (head >= 0x90 && head <= 0x9f) return this.array(this.count(head & 0x0f, 1), depth);
    if (head >= 0xa0 && head <= 0xbf) return void this.string(head & 0x1f);
    switch (head) {
      case 0xc0: case 0xc2: case 0xc3: return;
      case 0xc4: return this.binary(this.u8());
      case 0xc5: return this.binary(this.u16());
      case 0xc6: return this.binary(this.u32());
      case 0xc7: return this.extension(this.u8());
      case 0xc8: return this.extension(this.u16());
      case 0xc9: return this.extension(this.u32());
      case 0xca: return this.skip(4);
      case 0xcb: return this.skip(8);
      case 0xcc: case 0xd0: return this.skip(1);
      case 0xcd: case 0xd1: return this.skip(2);
      case 0xce: case 0xd2: return this.skip(4);
      case 0xcf: case 0xd3: return this.skip(8);
      case 0xd4: return this.extension(1);
      case 0xd5: return this.extension(2);
      case 0xd6: return this.extension(4);
      case 0xd7: return this.extension(8);
      case 0xd8: return this.extension(16);
      case 0xd9: return void this.string(this.u8());
      case 0xda: return void this.string(this.u16());
      case 0xdb: return void this.string(this.u32());
      case 0xdc: return this.array(this.count(this.u16(), 1), depth);
      case 0xdd: return this.array(this.count(this.u32(), 1), depth);
      case 0xde: return this.map(this.count(this.u16(), 2), depth);
      case 0xdf: return this.map(this.count(this.u32(), 2), depth);
      default: throw new MsgpackProblem(`reserved byte 0x${head.toString(16)} at offset ${this.offset - 1}`);
    }
  }

  private enter(depth: number): number {
    if (depth + 1 > this.limits.maxDepth) throw new MsgpackProblem(`nested deeper than ${this.limits.maxDepth}`);
    return depth + 1;
  }

  private array(length: number, depth: number): void {
    const inner = this.enter(depth);
    for (let index = 0; index < length; index += 1) this.value(inner);
  }

  private map(length: number, depth: number): void {
    const inner = this.enter(depth);
    const seen = length > PAIRWISE_KEYS ? new Set<string>() : undefined;
    const base = this.keyTop;
    for (let index = 0; index < length; index += 1) {
      const keyLength = this.key();
      const raw = this.offset - keyLength;
      // The decoder drops one leading BOM, so keys are compared as it would see them.
      const bom = this.startsWithBom(raw, keyLength) ? 3 : 0;
      const start = raw + bom;
      const compared = keyLength - bom;
      if (this.isForbidden(start, compared)) throw new MsgpackProblem(`key ${JSON.stringify(this.text(raw, keyLength))} is not accepted`);
      if (seen === undefined) {
        if (this.seenBefore(base, start, compared)) throw new MsgpackProblem(`key ${JSON.stringify(this.text(raw, keyLength))} appears twice`);
        this.keyStarts[this.keyTop] = start;
        this.keyLengths[this.keyTop] = compared;
        this.keyTop += 1;
      } else {
        const name = this.text(raw, keyLength);
        if (seen.has(name)) throw new MsgpackProblem(`key ${JSON.stringify(name)} appears twice`);
        seen.add(name);
      }
      this.value(inner);
    }
    this.keyTop = base;
  }

  private text(start: number, length: number): string {
    return utf8.decode(this.bytes.subarray(start, start + length));
  }

  private startsWithBom(start: number, length: number): boolean {
    const bytes = this.bytes;
    return length >= 3 && bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf;
  }

  private isForbidden(start: number, length: number): boolean {
    const bytes = this.bytes;
    for (const forbidden of FORBIDDEN_KEY_BYTES) {
      if (forbidden.length !== length) continue;
      let index = 0;
      while (index < length && bytes[start + index] === forbidden[index]) index += 1;
      if (index === length) return true;
    }
    return false;
  }

  /** Whether the map whose keys start at `base` on the stack already had these bytes as a key. */
  private seenBefore(base: number, start: number, length: number): boolean {
    const bytes = this.bytes;
    for (let key = base; key < this.keyTop; key += 1) {
      if (this.keyLengths[key] !== length) continue;
      const other = this.keyStarts[key] as number;
      let index = 0;
      while (index < length && bytes[start + index] === bytes[other + index]) index += 1;
      if (index === length) return true;
    }
    return false;
  }
}

const walker = new Walker();

/** Returns why the bytes are refused, or `undefined` when they are safe to decode. */
export const checkMsgpack = (bytes: Uint8Array, limits: MsgpackLimits = DEFAULT_MSGPACK_LIMITS): string | undefined =>
  walker.check(bytes, limits);
