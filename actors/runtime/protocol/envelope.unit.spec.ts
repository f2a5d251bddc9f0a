import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { decodeCommandEnvelope, encodeCommandEnvelope } from './envelope.js';
import { decodeReply, encodeReply, failure, success } from './reply.js';

const plain = new Packr({ useRecords: false });
const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replaceAll(' ', ''), 'hex'));
const problemOf = (bytes: Uint8Array): string => {
  const result = decodeCommandEnvelope(bytes);
  if (result.ok) throw new Error('expected a rejection');
  return result.problem;
};

describe('command envelope', () => {
  it('round-trips a well-formed envelope', () => {
    const envelope = { commandId: 'c-1', data: { to: 'p2', amount: 250 }, correlationId: 'corr_9' };
    expect(decodeCommandEnvelope(encodeCommandEnvelope(envelope))).toEqual({ ok: true, value: envelope });
  });

  it('decodes integers past 2^53 as bigint so that no schema can take them for numbers', () => {
    const result = decodeCommandEnvelope(plain.pack({ commandId: 'c', data: { amount: 2n ** 53n + 1n } }));
    expect(result.ok && result.value.data['amount']).toBe(2n ** 53n + 1n);
  });

  it('refuses a payload over the byte cap before decoding it', () => {
    const big = plain.pack({ commandId: 'c', data: { blob: 'x'.repeat(20_000) } });
    expect(problemOf(big)).toMatch(/exceeds 16384/);
  });

  it('refuses a chain of nested array16 headers (msgpackr#200)', () => {
    expect(problemOf(hex('dc ffff '.repeat(40)))).toMatch(/elements with|deeper/);
  });

  it('refuses length headers larger than the payload', () => {
    expect(problemOf(hex('dd 7fffffff 01'))).toMatch(/claims 2147483647 elements/);
    expect(problemOf(hex('db 7fffffff 61'))).toMatch(/exceeds|truncated/);
  });

  it('refuses deep nesting', () => {
    let value: unknown = 1;
    for (let depth = 0; depth < 20; depth += 1) value = [value];
    expect(problemOf(plain.pack({ commandId: 'c', data: { value } }))).toMatch(/deeper than 8/);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses %s as a key', (key) => {
    const bytes = hex(`82 a9 ${Buffer.from('commandId').toString('hex')} a1 63 a4 ${Buffer.from('data').toString('hex')} 81 ${(0xa0 + key.length).toString(16)} ${Buffer.from(key).toString('hex')} 01`);
    expect(problemOf(bytes)).toMatch(/is not accepted/);
  });

  it('refuses strings that are not UTF-8', () => {
    expect(problemOf(hex('81 a1 61 a2 c3 28'))).toMatch(/not valid UTF-8/);
  });

  it('refuses duplicate keys, non-string keys and trailing bytes', () => {
    expect(problemOf(hex('82 a1 61 01 a1 61 02'))).toMatch(/appears twice/);
    expect(problemOf(hex('81 01 02'))).toMatch(/not a string/);
    expect(problemOf(hex('c0 c0'))).toMatch(/after the value/);
  });

  it('refuses unknown fields, missing fields and ids that are not subject-safe', () => {
    expect(problemOf(plain.pack({ commandId: 'c', data: {}, extra: 1 }))).toMatch(/extra/);
    expect(problemOf(plain.pack({ data: {} }))).toMatch(/commandId/);
    expect(problemOf(plain.pack({ commandId: 'a.b', data: {} }))).toMatch(/commandId: must match/);
    expect(problemOf(plain.pack({ commandId: 'c', data: [] }))).toMatch(/data/);
  });

  it('never throws, whatever the bytes (fuzz)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        const result = decodeCommandEnvelope(bytes);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 5_000, seed: 20261124 },
    );
  });

  it('never throws on mutations of a valid envelope (fuzz)', () => {
    const valid = encodeCommandEnvelope({ commandId: 'cmd-1', data: { to: 'p2', items: ['a', 'b'], amount: 5 } });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), (edits) => {
        const bytes = Uint8Array.from(valid);
        for (const [index, byte] of edits) bytes[index] = byte;
        expect(typeof decodeCommandEnvelope(bytes).ok).toBe('boolean');
      }),
      { numRuns: 5_000, seed: 42 },
    );
  });
});

describe('command reply', () => {
  it('round-trips success and failure', () => {
    expect(decodeReply(encodeReply(success(4n, ['GoldCredited'])))).toEqual({ ok: true, revision: 4, events: ['GoldCredited'] });
    expect(decodeReply(encodeReply(success(4n, [], true)))).toEqual({ ok: true, revision: 4, events: [], duplicate: true });
    expect(decodeReply(encodeReply(failure('NOT_OWNER', 'p1 does not own i9')))).toEqual({
      ok: false,
      error: { code: 'NOT_OWNER', message: 'p1 does not own i9' },
    });
  });

  it('reports an unreadable reply as INTERNAL instead of throwing', () => {
    expect(decodeReply(hex('c1'))).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(decodeReply(plain.pack({ ok: false, error: { code: 'MADE_UP', message: '' } }))).toMatchObject({
      ok: false,
      error: { code: 'INTERNAL' },
    });
  });
});
