import { describe, expect, it } from 'vitest';
import { checkMsgpack } from './bounded-msgpack.js';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replaceAll(' ', ''), 'hex'));
const str = (text: string): string => {
  const bytes = Buffer.from(text, 'utf8');
  return `${(0xa0 + bytes.length).toString(16)}${bytes.toString('hex')}`;
};
const mapOf = (keys: readonly string[]): Uint8Array =>
  hex(`de ${keys.length.toString(16).padStart(4, '0')} ${keys.map((key) => `${str(key)} c0`).join(' ')}`);

/**
 * The walk compares keys by their bytes (no strings are made for ASCII), so these pin down
 * that it still judges keys as the UTF-8 decoder sees them.
 */
describe('checkMsgpack: keys', () => {
  it('finds duplicate keys in small maps (compared byte by byte) and large ones (through a set)', () => {
    const small = Array.from({ length: 16 }, (_, index) => `k${index}`);
    const large = Array.from({ length: 17 }, (_, index) => `k${index}`);
    expect(checkMsgpack(mapOf(small))).toBeUndefined();
    expect(checkMsgpack(mapOf(large))).toBeUndefined();
    expect(checkMsgpack(mapOf([...small.slice(0, 15), 'k3']))).toBe('key "k3" appears twice');
    expect(checkMsgpack(mapOf([...large.slice(0, 16), 'k3']))).toBe('key "k3" appears twice');
  });

  it('keeps the keys of nested maps apart', () => {
    expect(checkMsgpack(hex(`82 ${str('a')} 81 ${str('a')} 01 ${str('b')} 81 ${str('b')} 01`))).toBeUndefined();
    expect(checkMsgpack(hex(`82 ${str('a')} 81 ${str('b')} 01 ${str('a')} 01`))).toBe('key "a" appears twice');
  });

  it('drops one leading byte order mark, as the decoder does', () => {
    expect(checkMsgpack(hex(`82 ${str('a')} 01 ${str('\uFEFFa')} 02`))).toBe('key "a" appears twice');
    expect(checkMsgpack(hex(`81 ${str('\uFEFF__proto__')} 01`))).toBe('key "__proto__" is not accepted');
    expect(checkMsgpack(hex(`82 ${str('\uFEFF\uFEFFa')} 01 ${str('\uFEFFa')} 02`))).toBeUndefined();
  });

  it('tells apart keys that differ only past ASCII, and refuses malformed UTF-8 in keys and values', () => {
    expect(checkMsgpack(hex(`82 ${str('é')} 01 ${str('e\u0301')} 02`))).toBeUndefined();
    expect(checkMsgpack(hex('81 a2 c080 01'))).toBe('string at offset 2 is not valid UTF-8');
    expect(checkMsgpack(hex('81 a1 61 a3 eda080'))).toBe('string at offset 4 is not valid UTF-8');
  });
});

describe('checkMsgpack: headers', () => {
  it('reads 32-bit lengths with the top bit set as large, not negative', () => {
    expect(checkMsgpack(hex('dd 80000000 c0'))).toBe('container claims 2147483648 elements with 1 bytes left');
    expect(checkMsgpack(hex('c6 ffffffff 00'))).toBe('binary of 4294967295 bytes exceeds 16384');
  });

  it('reads the extension type as signed', () => {
    expect(checkMsgpack(hex('d6 ff 00000000'))).toBeUndefined();
    expect(checkMsgpack(hex('d6 fe 00000000'))).toBe('extension type -2 is not accepted');
  });
});
