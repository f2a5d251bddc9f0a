import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { checkMsgpack } from './bounded-msgpack.js';
import { CommandEnvelopeSchema, decodeCommandEnvelope, describeIssues, protocolPackr } from './envelope.js';

/**
 * decodeCommandEnvelope accepts the common case by hand and sends everything else to the
 * schema: both must give the same answer for every input, accepted or not.
 */
const bySchema = (bytes: Uint8Array): unknown => {
  const structural = checkMsgpack(bytes);
  if (structural !== undefined) return { ok: false, problem: `malformed msgpack: ${structural}` };
  const parsed = CommandEnvelopeSchema.safeParse(protocolPackr.unpack(bytes));
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, problem: describeIssues(parsed.error) };
};

const plain = new Packr({ useRecords: false });
const id = fc.oneof(fc.constantFrom('c-1', 'corr_9', 'a.b', '', 'x'.repeat(65), 'ü'), fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/), fc.integer());
const data = fc.oneof(
  fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.constant(null)), { maxKeys: 4 }),
  fc.constantFrom([], null, 'data', 7, new Date(0), new Uint8Array([1])),
);
const envelopeLike = fc.record(
  { commandId: id, data, correlationId: id, causationId: id, extra: fc.integer() },
  { requiredKeys: [] },
);

describe('command envelope: the hand-checked path', () => {
  it('answers exactly what the schema answers (fuzz)', () => {
    fc.assert(
      fc.property(envelopeLike, (value) => {
        const bytes = plain.pack(value);
        expect(decodeCommandEnvelope(bytes)).toEqual(bySchema(bytes));
      }),
      { numRuns: 5_000, seed: 20261124 },
    );
  });

  it('answers exactly what the schema answers for top-level values that are not maps', () => {
    for (const value of [null, 1, 'x', [], [{ commandId: 'c', data: {} }], new Date(0), new Uint8Array(2)]) {
      const bytes = plain.pack(value);
      expect(decodeCommandEnvelope(bytes)).toEqual(bySchema(bytes));
    }
  });
});
