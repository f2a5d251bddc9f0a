import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import type { EventMetadata } from './metadata.js';
import { createMetadataEncoder, toMetadataPayload } from './metadata-encoding.js';

/**
 * Stored metadata must stay byte for byte what msgpackr wrote before the hand-written
 * path existed: every adapter and every log already written reads it that way.
 */
const packr = new Packr({ useRecords: false, mapsAsObjects: true });
const encode = createMetadataEncoder(packr);
const reference = (metadata: EventMetadata): Uint8Array => packr.pack(toMetadataPayload(metadata));

const same = (metadata: EventMetadata): void => {
  expect(Buffer.from(encode(metadata)).toString('hex')).toBe(Buffer.from(reference(metadata)).toString('hex'));
};

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ minLength: 30, maxLength: 300 }),
  fc.constantFrom('', 'x'.repeat(31), 'x'.repeat(32), 'x'.repeat(255), 'x'.repeat(256), 'x'.repeat(1024), 'x'.repeat(1025), '\u{1F600}', '\uD800'),
  fc.uuid(),
);
const instant = fc.oneof(
  fc.integer({ min: -8.64e15, max: 8.64e15 }),
  fc.constantFrom(0, 127, 128, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, -1, -32, -33, -128, -129, -32_768, -32_769, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, Number.NaN, 1.5),
);
const KEYS = ['eventId', 'commandId', 'correlationId', 'causationId', 'issuer', 'traceparent', 'tracestate', 'occurredAt'] as const;

/** Metadata with its keys in any order, some missing, sometimes an odd key or value. */
const metadata = fc
  .record({
    order: fc.shuffledSubarray([...KEYS], { minLength: 1 }),
    values: fc.record({
      eventId: text,
      commandId: text,
      correlationId: text,
      causationId: text,
      issuer: text,
      traceparent: text,
      tracestate: text,
    }),
    at: instant,
    odd: fc.option(fc.oneof(fc.constant<[string, unknown]>(['extra', 'value']), fc.constant<[string, unknown]>(['issuer', undefined]), fc.constant<[string, unknown]>(['commandId', 7]))),
  })
  .map(({ order, values, at, odd }) => {
    const built: Record<string, unknown> = {};
    for (const key of order) built[key] = key === 'occurredAt' ? new Date(at) : values[key];
    if (!order.includes('occurredAt')) built['occurredAt'] = new Date(at);
    if (odd !== null) built[odd[0]] = odd[1];
    return built as unknown as EventMetadata;
  });

describe('metadata encoding', () => {
  it('writes exactly the bytes msgpackr writes (fuzz)', () => {
    fc.assert(fc.property(metadata, same), { numRuns: 20_000, seed: 20261124 });
  });

  it('writes exactly the bytes msgpackr writes for a command event, chunk after chunk', () => {
    for (let index = 0; index < 2_000; index += 1) {
      const commandId = randomUUID();
      same({
        eventId: randomUUID(),
        commandId,
        correlationId: commandId,
        causationId: commandId,
        occurredAt: new Date(1_795_000_000_000 + index),
        issuer: `player:p${index}`,
      });
    }
  });

  it('writes exactly the bytes msgpackr writes for the first event of a command, with the command recorded', () => {
    const command = fc.record({
      name: fc.constantFrom('credit', 'transfer', 'offer'),
      data: fc.dictionary(fc.string({ maxLength: 12 }), fc.oneof(fc.integer(), text, fc.array(text, { maxLength: 5 }), fc.boolean()), { maxKeys: 6 }),
    });
    fc.assert(
      fc.property(metadata, command, fc.nat(8), (base, recorded, at) => {
        // The command at any place among the keys, as the host puts it or otherwise.
        const entries = Object.entries(base);
        entries.splice(Math.min(at, entries.length), 0, ['command', recorded]);
        same(Object.fromEntries(entries) as unknown as EventMetadata);
      }),
      { numRuns: 5_000, seed: 20261124 },
    );
    const large = { name: 'setMotd', data: { text: 'x'.repeat(9_000) } };
    same({ eventId: randomUUID(), correlationId: 'c', occurredAt: new Date(5), command: large });
  });

  it('leaves earlier output intact when it writes more', () => {
    const first: EventMetadata = { eventId: randomUUID(), correlationId: 'a', occurredAt: new Date(1) };
    const bytes = encode(first);
    const copy = Uint8Array.from(bytes);
    for (let index = 0; index < 1_000; index += 1) encode({ eventId: randomUUID(), correlationId: `c${index}`, occurredAt: new Date(index) });
    expect(Array.from(bytes)).toEqual(Array.from(copy));
    expect(packr.unpack(bytes)).toEqual(toMetadataPayload(first));
  });
});
