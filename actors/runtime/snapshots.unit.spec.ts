import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { decodeSnapshot } from './snapshots.js';

const packr = new Packr({ useRecords: false, mapsAsObjects: true });
const valid = { version: 1, revision: '41', state: { status: 'owned' }, applied: [['c-1', '40', ['ItemMinted']], ['c-2', '41', []]] };

describe('decodeSnapshot', () => {
  it('reads a well-formed snapshot, revisions as bigints', () => {
    expect(decodeSnapshot(packr.pack(valid))).toEqual({
      version: 1,
      revision: 41n,
      state: { status: 'owned' },
      applied: [
        ['c-1', { revision: 40n, events: ['ItemMinted'] }],
        ['c-2', { revision: 41n, events: [] }],
      ],
    });
  });

  // These used to come back as snapshots, and the host
  // would then have answered a retry with a revision or events that are not the protocol's.
  it.each([
    ['an applied entry that is not a triple', { ...valid, applied: [['c-1', '40']] }],
    ['an applied command id that is not a string', { ...valid, applied: [[7, '40', []]] }],
    ['applied events that are not a list of strings', { ...valid, applied: [['c-1', '40', 'ItemMinted']] }],
    ['an applied revision that is not a number', { ...valid, applied: [['c-1', 'x', []]] }],
    ['a negative revision', { ...valid, revision: '-1' }],
    ['a revision that is not decimal', { ...valid, revision: '0x10' }],
    ['a version that is not a whole number', { ...valid, version: 1.5 }],
  ])('refuses %s', (_, payload) => {
    expect(decodeSnapshot(packr.pack(payload))).toBeUndefined();
  });

  it('never throws on bytes that are not msgpack', () => {
    for (const bytes of [new Uint8Array(), Uint8Array.of(0xc1), Uint8Array.of(0xdc, 0xff, 0xff), Uint8Array.of(0x81, 0xa1)]) {
      expect(decodeSnapshot(bytes)).toBeUndefined();
    }
  });
});
