import { describe, expect, it } from 'vitest';
import { playerCommands } from '../../../actors/player/definition.js';
import { decodeCommandEnvelope, encodeCommandEnvelope } from '../../../actors/runtime/protocol/envelope.js';
import { MAX_GOLD_PER_OPERATION } from '../../../actors/shared/values.js';

const creditSchema = playerCommands.credit.schema;
const debitSchema = playerCommands.debit.schema;
const amountOf = (amount: unknown) => ({ amount, cause: 'loot', reference: 'r1' });
const debitOf = (amount: unknown) => ({ amount, cause: 'fee', reference: 'r1' });

/** What the host would hand the schema after decoding the bytes a client sent. */
const overTheWire = (data: Record<string, unknown>): Readonly<Record<string, unknown>> => {
  const decoded = decodeCommandEnvelope(encodeCommandEnvelope({ commandId: 'c1', data }));
  if (!decoded.ok) throw new Error(decoded.problem);
  return decoded.value.data;
};

describe('player schemas: gold amounts', () => {
  it.each([1, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, 2 ** 32, 2 ** 32 + 1, MAX_GOLD_PER_OPERATION])('accepts %d exactly', (amount) => {
    for (const [schema, data] of [[creditSchema, amountOf(amount)], [debitSchema, debitOf(amount)]] as const) {
      const parsed = schema.safeParse(data);
      expect(parsed.success && parsed.data['amount']).toBe(amount);
      // msgpack on the way in must not change it either (2^31 and 2^32 cross int32/uint32 encodings).
      const wire = schema.safeParse(overTheWire(data));
      expect(wire.success && wire.data['amount']).toBe(amount);
    }
  });

  it.each<[string, unknown, RegExp]>([
    ['zero', 0, /must be positive/],
    ['negative zero', -0, /must be positive/],
    ['negative', -1, /must be positive/],
    ['-(2^31)', -(2 ** 31), /must be positive/],
    ['fractional', 1.5, /whole number/],
    ['0.1 + 0.2', 0.1 + 0.2, /whole number/],
    ['NaN', Number.NaN, /must be a number/],
    ['Infinity', Number.POSITIVE_INFINITY, /must be a number|whole number/],
    ['-Infinity', Number.NEGATIVE_INFINITY, /must be a number|whole number/],
    ['one past the per-operation bound', MAX_GOLD_PER_OPERATION + 1, /at most/],
    ['2^53 as a number', 2 ** 53, /at most|whole number/],
    ['2^53 + 1 as a number (rounds to 2^53)', 2 ** 53 + 1, /at most|whole number/],
    ['1e21', 1e21, /at most|whole number/],
    ['2^53 + 1 as bigint', 2n ** 53n + 1n, /must be a number/],
    ['2^53 as bigint', 2n ** 53n, /must be a number/],
    ['a small bigint', 100n, /must be a number/],
    ['a numeric string', '100', /must be a number/],
    ['an exponent string', '1e3', /must be a number/],
    ['the empty string', '', /must be a number/],
    ['null', null, /must be a number/],
    ['undefined', undefined, /must be a number/],
    ['a boolean', true, /must be a number/],
    ['an array', [100], /must be a number/],
    ['an object', { valueOf: 100 }, /must be a number/],
  ])('rejects %s', (_label, amount, message) => {
    for (const [schema, data] of [[creditSchema, amountOf(amount)], [debitSchema, debitOf(amount)]] as const) {
      const parsed = schema.safeParse(data);
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues.map((issue) => issue.message).join('; ')).toMatch(message);
    }
  });

  it.each<[string, unknown]>([
    ['2^53 + 1 as bigint', 2n ** 53n + 1n],
    ['2^64 - 1 as bigint', 2n ** 64n - 1n],
    ['-(2^63) as bigint', -(2n ** 63n)],
    ['2^53 as a number', 2 ** 53],
  ])('rejects %s sent over msgpack: it decodes as bigint or past the bound, never rounded into range', (_label, amount) => {
    const wire = overTheWire(amountOf(amount));
    expect(creditSchema.safeParse(wire).success).toBe(false);
  });
});

describe('player schemas: everything else', () => {
  const cases: [keyof typeof playerCommands, unknown, boolean][] = [
    ['register', { name: 'Aria' }, true],
    ['register', { name: 'x'.repeat(32) }, true],
    ['register', { name: 'Ærïa 雪' }, true],
    ['register', { name: '' }, false],
    ['register', { name: 'x'.repeat(33) }, false],
    ['register', { name: 'bad\nname' }, false],
    ['register', { name: 'bell\u0007' }, false],
    ['register', { name: 42 }, false],
    ['register', {}, false],
    ['register', { name: 'Aria', admin: true }, false],
    ['login', {}, true],
    ['login', { token: 'x' }, false],
    ['logout', { sessionId: '0123456789abcdef' }, true],
    ['logout', { sessionId: '0123456789ABCDEF' }, false],
    ['logout', { sessionId: '0123456789abcde' }, false],
    ['touch', { sessionId: 'a'.repeat(17) }, false],
    ['touch', {}, false],
    ['revokeSessions', {}, true],
    ['changeZone', { zone: 'elwynn-forest_2' }, true],
    ['changeZone', { zone: 'a.b' }, false],
    ['changeZone', { zone: 'zone.*' }, false],
    ['changeZone', { zone: 'x'.repeat(65) }, false],
    ['changeZone', { zone: '' }, false],
    ['setPresence', { status: 'busy' }, true],
    ['setPresence', { status: 'invisible' }, false],
    ['credit', { amount: 1, cause: 'adminGrant', reference: 'ticket-7' }, true],
    ['credit', { amount: 1, cause: 'purchase', reference: 'r' }, false],
    ['credit', { amount: 1, cause: 'mint', reference: 'r' }, false],
    ['credit', { amount: 1, cause: 'loot' }, false],
    ['credit', { amount: 1, cause: 'loot', reference: 'has space' }, false],
    ['credit', { amount: 1, cause: 'loot', reference: 'r', balance: 1e15 }, false],
    ['debit', { amount: 1, cause: 'repair', reference: 'r' }, true],
    ['debit', { amount: 1, cause: 'adminGrant', reference: 'r' }, false],
    ['debit', { amount: 1, cause: 'refund', reference: 'r' }, false],
    ['joinGuild', { guildId: 'g1' }, true],
    ['joinGuild', { guildId: 'g.1' }, false],
    ['leaveGuild', { guildId: '' }, false],
  ];

  it.each(cases)('%s %o → valid: %s', (command, data, valid) => {
    expect(playerCommands[command].schema.safeParse(data).success).toBe(valid);
  });

  it('rejects an own __proto__ key rather than letting it through', () => {
    const hostile: unknown = JSON.parse('{"amount":1,"cause":"loot","reference":"r","__proto__":{"admin":true}}');
    expect(creditSchema.safeParse(hostile).success).toBe(false);
  });
});
