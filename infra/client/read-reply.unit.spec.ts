import { describe, expect, it } from 'vitest';
import { protocolPackr } from '../../actors/runtime/protocol/envelope.js';
import { decodeReply, encodeReply, failure, success } from '../../actors/runtime/protocol/reply.js';
import { readReply } from './read-reply.js';

const pack = (value: unknown): Uint8Array => protocolPackr.pack(value);

describe('readReply', () => {
  const cases: [string, Uint8Array][] = [
    ['success', encodeReply(success(3n, ['A', 'B']))],
    ['empty success', encodeReply(success(-1n, []))],
    ['duplicate', encodeReply(success(7n, ['A'], true))],
    ['failure', encodeReply(failure('OVERLOADED', 'busy'))],
    ['extra keys', pack({ ok: true, revision: 1, events: [], extra: 1 })],
    ['duplicate false', pack({ ok: true, revision: 1, events: [], duplicate: false })],
    ['fractional revision', pack({ ok: true, revision: 1.5, events: [] })],
    ['huge revision', pack({ ok: true, revision: 2 ** 60, events: [] })],
    ['non-string event', pack({ ok: true, revision: 1, events: [1] })],
    ['unknown code', pack({ ok: false, error: { code: 'NOPE', message: '' } })],
    ['not a map', pack([1, 2])],
    ['garbage', new Uint8Array([0xc1])],
    ['empty', new Uint8Array()],
  ];

  it.each(cases)('answers what decodeReply answers: %s', (_name, bytes) => {
    expect(readReply(bytes)).toEqual(decodeReply(bytes));
  });
});
