/**
 * Writes small msgpack values by hand, byte for byte as msgpackr (`useRecords: false`)
 * writes them, for the few shapes written on every command (event metadata, replies),
 * where a generic pack costs several times the copying. Callers write what they know and
 * fall back to msgpackr for anything else (`abort`), so the bytes never depend on which
 * path wrote them.
 *
 * Output goes to views of a shared chunk, as msgpackr's does: a chunk lives as long as a
 * view of it does, and a new one is started when the next value might not fit.
 */
const CHUNK_BYTES = 64 * 1024;

export class MsgpackWriter {
  // Buffers, as msgpackr's output is.
  private chunk = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  private view = new DataView(this.chunk.buffer, this.chunk.byteOffset, this.chunk.length);
  private start = 0;
  private position = 0;

  /** Starts a value of at most `maxBytes` (at most a quarter of a chunk). */
  begin(maxBytes: number): void {
    if (CHUNK_BYTES - this.position < maxBytes) {
      this.chunk = Buffer.allocUnsafeSlow(CHUNK_BYTES);
      this.view = new DataView(this.chunk.buffer, this.chunk.byteOffset, this.chunk.length);
      this.position = 0;
    }
    this.start = this.position;
  }

  /** The value written since `begin`. */
  finish(): Buffer {
    return this.chunk.subarray(this.start, this.position);
  }

  /** Forgets the value written since `begin`. */
  abort(): void {
    this.position = this.start;
  }

  byte(value: number): void {
    this.chunk[this.position] = value;
    this.position += 1;
  }

  bytes(value: Uint8Array): void {
    for (let index = 0; index < value.length; index += 1) this.chunk[this.position + index] = value[index] as number;
    this.position += value.length;
  }

  /**
   * Reserves the header of a map, filled in by `mapSize` once its entries are counted:
   * msgpackr writes every plain object as a map16, whatever its size.
   */
  reserveMap16(): number {
    const at = this.position;
    this.position += 3;
    return at;
  }

  mapSize(at: number, entries: number): void {
    this.chunk[at] = 0xde;
    this.chunk[at + 1] = entries >> 8;
    this.chunk[at + 2] = entries & 0xff;
  }

  /**
   * `value` as a msgpack string if it is ASCII and at most `maxLength` long; false (with
   * nothing meaningful written) otherwise.
   */
  asciiString(value: string, maxLength: number): boolean {
    const length = value.length;
    if (length > maxLength || length >= 0x10000) return false;
    let at = this.position;
    if (length < 0x20) this.chunk[at++] = 0xa0 | length;
    else if (length < 0x100) {
      this.chunk[at++] = 0xd9;
      this.chunk[at++] = length;
    } else {
      this.chunk[at++] = 0xda;
      this.chunk[at++] = length >> 8;
      this.chunk[at++] = length & 0xff;
    }
    for (let index = 0; index < length; index += 1) {
      const code = value.charCodeAt(index);
      if (code >= 0x80) return false;
      this.chunk[at + index] = code;
    }
    this.position = at + length;
    return true;
  }

  /** A number as msgpackr writes it (no float32): the smallest integer form, else a float64. */
  number(value: number): void {
    const { chunk, view } = this;
    const at = this.position;
    if (value >>> 0 === value) {
      if (value < 0x80) {
        chunk[at] = value;
        this.position = at + 1;
      } else if (value < 0x100) {
        chunk[at] = 0xcc;
        chunk[at + 1] = value;
        this.position = at + 2;
      } else if (value < 0x10000) {
        chunk[at] = 0xcd;
        view.setUint16(at + 1, value);
        this.position = at + 3;
      } else {
        chunk[at] = 0xce;
        view.setUint32(at + 1, value);
        this.position = at + 5;
      }
    } else if (value >> 0 === value) {
      if (value >= -0x20) {
        chunk[at] = 0x100 + value;
        this.position = at + 1;
      } else if (value >= -0x80) {
        chunk[at] = 0xd0;
        chunk[at + 1] = value + 0x100;
        this.position = at + 2;
      } else if (value >= -0x8000) {
        chunk[at] = 0xd1;
        view.setInt16(at + 1, value);
        this.position = at + 3;
      } else {
        chunk[at] = 0xd2;
        view.setInt32(at + 1, value);
        this.position = at + 5;
      }
    } else {
      chunk[at] = 0xcb;
      view.setFloat64(at + 1, value);
      this.position = at + 9;
    }
  }
}

/** A key as msgpack writes it: a fixstr (under 32 ASCII bytes). */
export const fixstr = (key: string): Uint8Array => Uint8Array.from([0xa0 | key.length, ...Array.from(key, (char) => char.charCodeAt(0))]);
