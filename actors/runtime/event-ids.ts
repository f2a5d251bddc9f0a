import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
const UUID_BYTES = 16;
const UUID_CHARS = 36;
const DASHES = [8, 13, 18, 23];

/** The two lowercase hex digits of every byte, as character codes: [high, low] at 2 * byte. */
const HEX_CODES = new Uint8Array(512);
for (let byte = 0; byte < 256; byte += 1) {
  const digits = byte.toString(16).padStart(2, '0');
  HEX_CODES[2 * byte] = digits.charCodeAt(0);
  HEX_CODES[2 * byte + 1] = digits.charCodeAt(1);
}

/**
 * Random (version 4) UUIDs, as `crypto.randomUUID()` makes them, from the same CSPRNG: 122
 * random bits in the same lowercase 8-4-4-4-12 form. One per event on the command path:
 * `randomUUID()` builds each one by concatenating its hex pieces (about 600 B of
 * short-lived strings per id); this writes the characters into one buffer and makes one
 * string of it.
 */
export const createEventIdSource = (): (() => string) => {
  let pool = Buffer.alloc(0);
  let used = 0;
  const text = Buffer.alloc(UUID_CHARS, '-'.charCodeAt(0));
  return () => {
    if (used + UUID_BYTES > pool.length) {
      pool = randomFillSync(Buffer.allocUnsafe(POOL_BYTES));
      used = 0;
    }
    let at = 0;
    for (let index = 0; index < UUID_BYTES; index += 1) {
      let byte = pool[used + index] as number;
      if (index === 6) byte = (byte & 0x0f) | 0x40; // version 4
      else if (index === 8) byte = (byte & 0x3f) | 0x80; // variant 10xx
      if (at === DASHES[0] || at === DASHES[1] || at === DASHES[2] || at === DASHES[3]) at += 1;
      text[at] = HEX_CODES[2 * byte] as number;
      text[at + 1] = HEX_CODES[2 * byte + 1] as number;
      at += 2;
    }
    used += UUID_BYTES;
    return text.toString('latin1', 0, UUID_CHARS);
  };
};
