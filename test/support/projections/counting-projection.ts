import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '../../../events/catalog/index.js';
import type { AllFilter, EventStore, ProposedEvent } from '../../../events/store/index.js';
import { worldCodec, type WorldEvent } from '../../../events/world.js';
import type { CacheWrite, Notification, Projection, ProjectionCache } from '../../../projections/runner/index.js';

/**
 * A toy projection whose keys would reveal any double apply or skip: every event bumps
 * `applied:<stream>:<revision>` (1 when applied exactly once) and `count:<stream>`, both
 * read back before the batch, so applying a batch twice counts twice. One notification
 * per stream touched, `counting.<stream>`, carries the stream's new count.
 */
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const appliedKey = (event: { readonly stream: string; readonly revision: bigint }): string =>
  `applied:${event.stream}:${event.revision.toString()}`;
export const countKey = (stream: string): string => `count:${stream}`;

const decodeCount = (bytes: Uint8Array | undefined): number => (bytes === undefined ? 0 : Number(decoder.decode(bytes)));

export interface CountingProjectionOptions {
  readonly name?: string;
  readonly filter?: AllFilter;
  /** Sees every batch before it is projected: the specs record batch sizes with it. */
  readonly onBatch?: (events: readonly RecordedEvent<WorldEvent>[]) => void;
}

export const countingProjection = (options: CountingProjectionOptions = {}): Projection => ({
  name: options.name ?? 'counting',
  ...(options.filter === undefined ? {} : { filter: options.filter }),
  reads: (events) => events.flatMap((event) => [
    { kind: 'value', key: appliedKey(event) },
    { kind: 'value', key: countKey(event.stream) },
  ] as const),
  project: (events, current) => {
    options.onBatch?.(events);
    const counts = new Map<string, number>();
    const bump = (key: string): number => {
      const next = (counts.get(key) ?? decodeCount(current.value(key))) + 1;
      counts.set(key, next);
      return next;
    };
    const touched = new Map<string, number>();
    for (const event of events) {
      bump(appliedKey(event));
      touched.set(event.stream, bump(countKey(event.stream)));
    }
    const writes: CacheWrite[] = [...counts].map(([key, count]) => ({ op: 'set', key, value: encoder.encode(String(count)) }));
    const notifications: Notification[] = [...touched].map(([stream, count]) => ({
      subject: `counting.${stream}`,
      payload: encoder.encode(String(count)),
    }));
    return { writes, notifications };
  },
});

/** A world event any counting test can append in bulk: a player changing zone. */
export const zoneChange = (sequence: number): ProposedEvent =>
  worldCodec.encode(
    { type: 'ZoneChanged', data: { from: null, to: `zone-${sequence}` } },
    { eventId: randomUUID(), correlationId: randomUUID(), occurredAt: new Date(Date.UTC(2026, 0, 1) + sequence) },
  );

/** An event of another application sharing the log: the world's catalog cannot decode it. */
export const foreignEvent = (): ProposedEvent => ({
  id: randomUUID(),
  type: 'ForeignThing.v1',
  data: encoder.encode('{}'),
  metadata: encoder.encode('{}'),
});

/** Appends `count` zone changes to `stream`, `perAppend` at a time. */
export const appendZoneChanges = async (store: EventStore, stream: string, count: number, perAppend = 50): Promise<void> => {
  for (let done = 0; done < count; done += perAppend) {
    const events = Array.from({ length: Math.min(perAppend, count - done) }, (_, index) => zoneChange(done + index));
    await store.append(stream, events, { expectedRevision: 'any' });
  }
};

export interface CountingCheck {
  readonly events: number;
  /** Events applied more than once, counted once per extra application. */
  readonly doubleApplied: number;
  /** Events of the log the cache never applied. */
  readonly skipped: number;
  /** Streams whose count differs from the log. */
  readonly wrongCounts: number;
}

/**
 * Replays the log (what the projection would see) and compares every event's counter and
 * every stream's count with the cache, read in pages of `pageSize` keys.
 */
export const checkCounts = async (
  store: EventStore,
  cache: ProjectionCache,
  projection: { readonly name: string; readonly version: number; readonly filter?: AllFilter },
  pageSize = 2_000,
): Promise<CountingCheck> => {
  const expected = new Map<string, number>();
  let events = 0;
  for await (const stored of store.readAll(projection.filter === undefined ? {} : { filter: projection.filter })) {
    const event = worldCodec.tryDecode(stored);
    if (event === undefined) continue;
    events += 1;
    expected.set(appliedKey(event), 1);
    expected.set(countKey(event.stream), (expected.get(countKey(event.stream)) ?? 0) + 1);
  }
  const keys = [...expected.keys()];
  let doubleApplied = 0;
  let skipped = 0;
  let wrongCounts = 0;
  for (let start = 0; start < keys.length; start += pageSize) {
    const page = keys.slice(start, start + pageSize);
    const results = await cache.read(projection.name, projection.version, page.map((key) => ({ kind: 'value', key })));
    page.forEach((key, index) => {
      const result = results[index];
      const actual = result?.kind === 'value' ? decodeCount(result.value) : 0;
      if (key.startsWith('count:')) {
        if (actual !== expected.get(key)) wrongCounts += 1;
      } else if (actual === 0) skipped += 1;
      else doubleApplied += actual - 1;
    });
  }
  return { events, doubleApplied, skipped, wrongCounts };
};
