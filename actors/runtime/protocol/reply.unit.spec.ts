import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { protocolPackr } from './envelope.js';
import { decodeReply, encodeReply, failure, success, type CommandReply } from './reply.js';

/** Replies written by hand must be the bytes msgpackr writes, whatever the reply holds. */
const same = (reply: CommandReply): void => {
  expect(Buffer.from(encodeReply(reply)).toString('hex')).toBe(Buffer.from(protocolPackr.pack(reply)).toString('hex'));
};

const revision = fc.oneof(
  fc.integer({ min: -1, max: 2 ** 40 }),
  fc.constantFrom(-1, 0, 127, 128, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, -33, -129, 1.5),
);
const eventType = fc.oneof(fc.stringMatching(/^[A-Z][A-Za-z]{0,40}$/), fc.string({ maxLength: 70 }), fc.constant('Ünïcode'));
const events = fc.array(eventType, { maxLength: 18 });

/** Success replies with their keys in any order, now and then an odd key or value. */
const reply = fc
  .record({
    order: fc.shuffledSubarray(['ok', 'revision', 'events', 'duplicate', 'result'], { minLength: 1 }),
    revision,
    events,
    duplicate: fc.constantFrom<unknown>(true, false),
    result: fc.constantFrom<unknown>({ token: 't' }, undefined),
  })
  .map(({ order, ...values }) => {
    const built: Record<string, unknown> = {};
    for (const key of order) built[key] = key === 'ok' ? true : values[key as keyof typeof values];
    return built as unknown as CommandReply;
  });

describe('reply encoding', () => {
  it('writes exactly the bytes msgpackr writes (fuzz)', () => {
    fc.assert(fc.property(reply, same), { numRuns: 20_000, seed: 20261124 });
  });

  it('writes exactly the bytes msgpackr writes for what the host answers, and the client reads them back', () => {
    const replies = [
      success(0n, ['GoldCredited']),
      success(-1, []),
      success(41, ['ItemMinted', 'ItemTransferred'], true),
      success(7, ['SessionStarted'], false, { token: 'abc' }),
      failure('OVERLOADED', 'host has 10000 commands in flight'),
    ];
    for (let count = 0; count < 5_000; count += 1) replies.push(success(count * 977, ['Added']));
    for (const answer of replies) {
      same(answer);
      expect(decodeReply(encodeReply(answer))).toEqual(answer);
    }
  });
});
