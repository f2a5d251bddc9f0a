import type { CacheRead, CacheView, CacheWrite } from '../../projections/runner/projection.js';
import { unpack } from '../../projections/shared/msgpack.js';

/** A key as the model holds it, for comparisons: msgpack decoded, or the bytes in hex. */
export type ModelEntry =
  | { readonly type: 'value'; readonly value: unknown; readonly ttlMs?: number }
  | { readonly type: 'hash'; readonly fields: Readonly<Record<string, unknown>>; readonly ttlMs?: number };

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/**
 * The cache's semantics on plain Maps, for tests: CacheWrite[] applied as Redis applies
 * them (SET replaces a key of any type and clears its TTL unless given one, PEXPIRE of a
 * missing key does nothing, HSET on a string key is WRONGTYPE, a hash whose last field
 * is deleted is gone). Time does not pass: TTLs are recorded, never fired.
 */
export class CacheModel {
  private readonly values = new Map<string, Uint8Array>();
  private readonly hashes = new Map<string, Map<string, Uint8Array>>();
  private readonly ttls = new Map<string, number>();

  apply(writes: readonly CacheWrite[]): void {
    for (const write of writes) this.applyOne(write);
  }

  /** What the runner hands a projection: the keys it asked for, nothing else. */
  view(reads: readonly CacheRead[]): CacheView {
    const values = new Map<string, Uint8Array | undefined>();
    const hashes = new Map<string, ReadonlyMap<string, Uint8Array>>();
    for (const read of reads) {
      if (read.kind === 'value') {
        if (this.hashes.has(read.key)) throw new Error(`WRONGTYPE: GET of hash ${read.key}`);
        values.set(read.key, this.values.get(read.key));
      } else {
        if (this.values.has(read.key)) throw new Error(`WRONGTYPE: HGETALL of string ${read.key}`);
        hashes.set(read.key, new Map(this.hashes.get(read.key)));
      }
    }
    return { value: (key) => values.get(key), hash: (key) => hashes.get(key) ?? new Map() };
  }

  /** Every key, sorted, decoded from msgpack (or, with `bytes`, as hex: equal means byte-identical). */
  keyspace({ bytes = false }: { readonly bytes?: boolean } = {}): Record<string, ModelEntry> {
    const show = (value: Uint8Array): unknown => (bytes ? hex(value) : unpack(value));
    const withTtl = (key: string): { ttlMs?: number } => {
      const ttlMs = this.ttls.get(key);
      return ttlMs === undefined ? {} : { ttlMs };
    };
    const entries: [string, ModelEntry][] = [];
    for (const [key, value] of this.values) entries.push([key, { type: 'value', value: show(value), ...withTtl(key) }]);
    for (const [key, fields] of this.hashes) {
      const shown = Object.fromEntries([...fields].sort(([a], [b]) => a.localeCompare(b)).map(([field, value]) => [field, show(value)]));
      entries.push([key, { type: 'hash', fields: shown, ...withTtl(key) }]);
    }
    return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
  }

  value(key: string): Uint8Array | undefined {
    return this.values.get(key);
  }

  hash(key: string): ReadonlyMap<string, Uint8Array> {
    return this.hashes.get(key) ?? new Map();
  }

  ttl(key: string): number | undefined {
    return this.ttls.get(key);
  }

  private applyOne(write: CacheWrite): void {
    switch (write.op) {
      case 'set':
        this.delete(write.key);
        this.values.set(write.key, write.value);
        if (write.ttlMs !== undefined) this.ttls.set(write.key, write.ttlMs);
        return;
      case 'expire':
        if (this.values.has(write.key) || this.hashes.has(write.key)) this.ttls.set(write.key, write.ttlMs);
        return;
      case 'delete':
        this.delete(write.key);
        return;
      case 'hashSet': {
        if (this.values.has(write.key)) throw new Error(`WRONGTYPE: HSET on string ${write.key}`);
        const fields = this.hashes.get(write.key) ?? new Map<string, Uint8Array>();
        for (const [field, value] of write.fields) fields.set(field, value);
        if (fields.size > 0) this.hashes.set(write.key, fields);
        return;
      }
      case 'hashDelete': {
        if (this.values.has(write.key)) throw new Error(`WRONGTYPE: HDEL on string ${write.key}`);
        const fields = this.hashes.get(write.key);
        if (fields === undefined) return;
        for (const field of write.fields) fields.delete(field);
        if (fields.size === 0) this.delete(write.key);
        return;
      }
    }
  }

  private delete(key: string): void {
    this.values.delete(key);
    this.hashes.delete(key);
    this.ttls.delete(key);
  }
}
