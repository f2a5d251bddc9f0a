import type { CacheView, CacheWrite } from '../runner/projection.js';

export interface ValueCodec<T> {
  encode(value: T): Uint8Array;
  /** undefined for bytes that are not a T: the key then reads as absent. */
  decode(bytes: Uint8Array): T | undefined;
}

/**
 * Value keys as they stand part-way through a batch, decoded: what earlier events of
 * the batch wrote, else what the cache held before it (decoded once). The writes it
 * returns take the cache to the batch's end state with one write per key.
 */
export class ValueOverlay<T> {
  private readonly loaded = new Map<string, T | undefined>();
  private readonly written = new Set<string>();

  constructor(
    private readonly view: CacheView,
    private readonly codec: ValueCodec<T>,
  ) {}

  get(key: string): T | undefined {
    if (this.loaded.has(key)) return this.loaded.get(key);
    const bytes = this.view.value(key);
    const value = bytes === undefined ? undefined : this.codec.decode(bytes);
    this.loaded.set(key, value);
    return value;
  }

  set(key: string, value: T): void {
    this.loaded.set(key, value);
    this.written.add(key);
  }

  delete(key: string): void {
    this.loaded.set(key, undefined);
    this.written.add(key);
  }

  /** One SET (with PX `ttlMs` when given) or DEL per key written, in the order first written. */
  writes(ttlMs?: number): CacheWrite[] {
    const writes: CacheWrite[] = [];
    for (const key of this.written) {
      const value = this.loaded.get(key);
      if (value === undefined) {
        writes.push({ op: 'delete', key });
        continue;
      }
      const bytes = this.codec.encode(value);
      writes.push(ttlMs === undefined ? { op: 'set', key, value: bytes } : { op: 'set', key, value: bytes, ttlMs });
    }
    return writes;
  }
}
