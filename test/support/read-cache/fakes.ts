import type { DomainEvent } from '../../../events/catalog/index.js';
import type { EventStore, Position, ReadAllOptions, ReadStreamOptions, StoredEvent } from '../../../events/store/index.js';
import { worldCodec, type WorldEvent } from '../../../events/world.js';
import type { NotificationSubscriber, ReadCacheL2, ReadCacheLog } from '../../../projections/read-cache/index.js';
import type { CacheReadResult } from '../../../projections/runner/cache-port.js';
import type { Notification } from '../../../projections/runner/projection.js';

/**
 * Fakes for the read-through cache's ports: an L2 held in Maps that counts its calls, a
 * subscriber whose notifications the test delivers by hand, a log that counts its reads,
 * and a clock the test moves.
 */
export class FakeL2 implements ReadCacheL2 {
  readonly calls = { activeVersion: 0, checkpoint: 0, read: 0 };
  readonly active = new Map<string, number>();
  readonly checkpoints = new Map<string, Position>();
  private readonly values = new Map<string, Uint8Array>();
  private readonly hashes = new Map<string, Map<string, Uint8Array>>();
  /** While set, reads wait for it: a read in flight while notifications arrive. */
  hold: Promise<void> | undefined;

  async activeVersion(projection: string): Promise<number | undefined> {
    this.calls.activeVersion += 1;
    return this.active.get(projection);
  }

  async checkpoint(projection: string, version: number): Promise<Position | undefined> {
    this.calls.checkpoint += 1;
    return this.checkpoints.get(`${projection}:${version}`);
  }

  async read(projection: string, version: number, reads: readonly { kind: 'value' | 'hash'; key: string }[]): Promise<readonly CacheReadResult[]> {
    this.calls.read += 1;
    // What the keys hold when the read reaches the server: before the hold.
    const results = reads.map((read): CacheReadResult => {
      const key = `${projection}:${version}:${read.key}`;
      return read.kind === 'value' ? { kind: 'value', value: this.values.get(key) } : { kind: 'hash', fields: new Map(this.hashes.get(key)) };
    });
    if (this.hold !== undefined) await this.hold;
    return results;
  }

  setValue(projection: string, version: number, key: string, value: Uint8Array | undefined): void {
    if (value === undefined) this.values.delete(`${projection}:${version}:${key}`);
    else this.values.set(`${projection}:${version}:${key}`, value);
  }

  setHash(projection: string, version: number, key: string, fields: ReadonlyMap<string, Uint8Array> | undefined): void {
    if (fields === undefined) this.hashes.delete(`${projection}:${version}:${key}`);
    else this.hashes.set(`${projection}:${version}:${key}`, new Map(fields));
  }

  /** Makes `version` active with its checkpoint at `checkpoint`. */
  activate(projection: string, version: number, checkpoint: Position | undefined): void {
    this.active.set(projection, version);
    if (checkpoint === undefined) this.checkpoints.delete(`${projection}:${version}`);
    else this.checkpoints.set(`${projection}:${version}`, checkpoint);
  }
}

const matches = (pattern: string, subject: string): boolean => {
  const wanted = pattern.split('.');
  const tokens = subject.split('.');
  for (let index = 0; index < wanted.length; index += 1) {
    if (wanted[index] === '>') return tokens.length > index;
    if (index >= tokens.length || (wanted[index] !== '*' && wanted[index] !== tokens[index])) return false;
  }
  return tokens.length === wanted.length;
};

export class FakeSubscriber implements NotificationSubscriber {
  readonly patterns: string[] = [];
  private readonly handlers = new Set<{ pattern: string; handler: (notification: Notification) => void }>();
  private readonly interruptions = new Set<() => void>();

  async subscribe(pattern: string, handler: (notification: Notification) => void): Promise<() => void> {
    const entry = { pattern, handler };
    this.handlers.add(entry);
    this.patterns.push(pattern);
    return () => {
      this.handlers.delete(entry);
    };
  }

  onInterrupted(listener: () => void): () => void {
    this.interruptions.add(listener);
    return () => this.interruptions.delete(listener);
  }

  deliver(...notifications: Notification[]): void {
    for (const notification of notifications) {
      for (const { pattern, handler } of this.handlers) if (matches(pattern, notification.subject)) handler(notification);
    }
  }

  interrupt(): void {
    for (const listener of this.interruptions) listener();
  }

  get subscriptions(): number {
    return this.handlers.size;
  }
}

/** The log: a real memory store behind a counter of reads (stream reads, scans, head lookups). */
export class CountingLog implements ReadCacheLog {
  readonly calls = { read: 0, scans: 0, heads: 0 };

  constructor(readonly store: EventStore) {}

  read(stream: string, options?: ReadStreamOptions): AsyncIterable<StoredEvent> {
    this.calls.read += 1;
    return this.store.read(stream, options);
  }

  readAll(options?: ReadAllOptions): AsyncIterable<StoredEvent> {
    if (options?.direction === 'backwards' && options.maxCount === 1) this.calls.heads += 1;
    else this.calls.scans += 1;
    return this.store.readAll(options);
  }
}

let appended = 0;

/** Appends one world event to `stream`, as an actor would; returns its position. */
export const appendEvent = async (store: EventStore, stream: string, event: WorldEvent & DomainEvent, at = Date.UTC(2026, 10, 24, 21, 4)): Promise<Position> => {
  appended += 1;
  const proposed = worldCodec.encode(event, { eventId: crypto.randomUUID(), commandId: `c${appended}`, correlationId: `c${appended}`, occurredAt: new Date(at) });
  const result = await store.append(stream, [proposed], { expectedRevision: 'any' });
  return result.position;
};

export interface FakeClock {
  readonly clock: () => Date;
  advance(ms: number): void;
}

export const fakeClock = (start = Date.UTC(2026, 10, 24, 21, 4)): FakeClock => {
  let now = start;
  return {
    clock: () => new Date(now),
    advance: (ms) => {
      now += ms;
    },
  };
};
