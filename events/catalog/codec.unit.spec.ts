import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../store/event-store.js';
import { EventDecodingError, createEventCodec } from './codec.js';
import type { EventMetadata } from './metadata.js';
import type { DomainEvent } from './recorded-event.js';
import { EventRegistryError, UnknownEventTypeError, createEventRegistry } from './registry.js';

// A small catalog of its own: `NameChanged` began as `{ name }` (v1), gained a reason (v2)
// and split the name into display name and tag (v3).
type NameChanged = DomainEvent<'NameChanged', { readonly displayName: string; readonly tag: string; readonly reason: string }>;
type GoldFound = DomainEvent<'GoldFound', { readonly amount: number; readonly at: Date }>;
type TestEvent = NameChanged | GoldFound;

const registry = createEventRegistry<TestEvent>([
  {
    type: 'NameChanged',
    version: 3,
    upcasters: {
      1: (data) => ({ ...(data as { name: string }), reason: 'unknown' }),
      2: (data) => {
        const { name, reason } = data as { name: string; reason: string };
        const [displayName = name, tag = ''] = name.split('#');
        return { displayName, tag, reason };
      },
    },
  },
  { type: 'GoldFound', version: 1 },
]);
const codec = createEventCodec(registry);
const rawPackr = new Packr({ useRecords: false });

const metadata: EventMetadata = {
  eventId: '8d3c8c61-5a8e-4f5e-9d5b-0e2f5a3c1b7a',
  commandId: 'cmd-1',
  correlationId: 'corr-1',
  causationId: 'cmd-1',
  occurredAt: new Date('2026-11-24T21:04:00.000Z'),
  issuer: 'player:p1',
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
};

const stored = (type: string, data: unknown, revision = 0n): StoredEvent => ({
  stream: 'player-p1',
  revision,
  position: { commit: 10n, prepare: 10n },
  id: metadata.eventId,
  type,
  data: rawPackr.pack(data),
  metadata: rawPackr.pack({ ...metadata, occurredAt: metadata.occurredAt.getTime() }),
  created: new Date('2026-11-24T21:04:00.010Z'),
});

describe('event codec', () => {
  it('writes the current versioned stored name and reads its own output back', () => {
    const event: GoldFound = { type: 'GoldFound', data: { amount: 250, at: new Date(1_000) } };
    const proposed = codec.encode(event, metadata);
    expect(proposed.type).toBe('GoldFound.v1');
    expect(proposed.id).toBe(metadata.eventId);

    const recorded = codec.decode({ ...stored('x', null), type: proposed.type, data: proposed.data, metadata: proposed.metadata });
    expect(recorded.type).toBe('GoldFound');
    expect(recorded.data).toEqual(event.data);
    expect(recorded.metadata).toEqual(metadata);
    expect(recorded.storedType).toBe('GoldFound.v1');
  });

  it('given a v1 event in the log, reads it as the current version', () => {
    const recorded = codec.decode(stored('NameChanged.v1', { name: 'Aria#EU' }));
    expect(recorded.type).toBe('NameChanged');
    expect(recorded.data).toEqual({ displayName: 'Aria', tag: 'EU', reason: 'unknown' });
    expect(recorded.storedType).toBe('NameChanged.v1');
  });

  it('given a v2 event in the log, applies only the upcasters after it', () => {
    const recorded = codec.decode(stored('NameChanged.v2', { name: 'Bo#NA', reason: 'rename token' }));
    expect(recorded.data).toEqual({ displayName: 'Bo', tag: 'NA', reason: 'rename token' });
  });

  it('keeps the stream, revision, position and store time of the stored event', () => {
    const recorded = codec.decode(stored('NameChanged.v3', { displayName: 'C', tag: 'X', reason: 'r' }, 7n));
    expect(recorded).toMatchObject({ stream: 'player-p1', revision: 7n, position: { commit: 10n, prepare: 10n } });
    expect(recorded.created.toISOString()).toBe('2026-11-24T21:04:00.010Z');
  });

  it('skips types outside the catalog on tryDecode and names them on decode', () => {
    expect(codec.tryDecode(stored('SomethingElse.v1', {}))).toBeUndefined();
    expect(codec.tryDecode(stored('NameChanged.v4', {}))).toBeUndefined();
    expect(() => codec.decode(stored('not a name', {}))).toThrow(UnknownEventTypeError);
  });

  it('raises a typed error for bytes that are not msgpack or metadata of the wrong shape', () => {
    const broken = { ...stored('GoldFound.v1', {}), data: Uint8Array.from([0x92, 0x01]) };
    expect(() => codec.decode(broken)).toThrow(EventDecodingError);
    const badMetadata = { ...stored('GoldFound.v1', {}), metadata: rawPackr.pack({ eventId: 1 }) };
    expect(() => codec.decode(badMetadata)).toThrow(EventDecodingError);
  });

  // Found by the decoder fuzz (figure 13): these used to decode to an Invalid Date, which
  // throws later, wherever the time is formatted (the audit, the console).
  it.each([Number.NaN, Number.POSITIVE_INFINITY, 1e300, -8.64e15 - 1])('raises a typed error for occurredAt %s, a number that is no time', (occurredAt) => {
    const event = { ...stored('GoldFound.v1', {}), metadata: rawPackr.pack({ ...metadata, occurredAt }) };
    expect(() => codec.decode(event)).toThrow(EventDecodingError);
  });

  it('writes metadata as the same bytes as the copy it replaced ({ ...rest, occurredAt: ms }), in any key order', () => {
    const packr = new Packr({ useRecords: false, mapsAsObjects: true });
    const reference = (input: EventMetadata): Uint8Array => {
      const { occurredAt, ...rest } = input;
      return packr.pack({ ...rest, occurredAt: occurredAt.getTime() });
    };
    const { eventId, correlationId, occurredAt } = metadata;
    const shapes: EventMetadata[] = [
      metadata,
      { eventId, correlationId, occurredAt },
      { occurredAt, correlationId, eventId, issuer: 'server:s1' },
      { eventId, occurredAt: new Date(-1), correlationId, commandId: 'c\u00e9-1', tracestate: 'a=b' },
      { eventId, correlationId, causationId: undefined, occurredAt: new Date(0) },
    ];
    for (const shape of shapes) {
      const proposed = codec.encode({ type: 'GoldFound', data: { amount: 1, at: new Date(0) } }, shape);
      expect(proposed.metadata).toEqual(reference(shape));
      const recorded = codec.decode({ ...stored('x', null), type: proposed.type, data: proposed.data, metadata: proposed.metadata });
      expect(recorded.metadata).toEqual(Object.fromEntries(Object.entries(shape).filter(([, value]) => value !== undefined)));
    }
  });
});

describe('event registry', () => {
  it('refuses a definition whose old versions cannot be upcast', () => {
    expect(() => createEventRegistry<NameChanged>([{ type: 'NameChanged', version: 2 }])).toThrow(EventRegistryError);
  });

  it('refuses a type defined twice', () => {
    expect(() =>
      createEventRegistry<GoldFound>([
        { type: 'GoldFound', version: 1 },
        { type: 'GoldFound', version: 1 },
      ]),
    ).toThrow(EventRegistryError);
  });
});
