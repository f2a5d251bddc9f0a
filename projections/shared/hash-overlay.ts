import type { CacheView, CacheWrite } from '../runner/projection.js';

/** What a batch did to one hash: whether it deleted the whole key first, then field by field. */
export interface HashChanges {
  readonly cleared: boolean;
  /** Each field written since (or without) the clear: its bytes, or undefined if deleted. */
  readonly fields: ReadonlyMap<string, Uint8Array | undefined>;
}

interface MutableHashChanges {
  cleared: boolean;
  readonly fields: Map<string, Uint8Array | undefined>;
}

/**
 * Hash keys as they stand part-way through a batch: fields written by earlier events of
 * the batch, else the cache's fields before it (none after a clear).
 */
export class HashOverlay {
  private readonly changes = new Map<string, MutableHashChanges>();

  constructor(private readonly view: CacheView) {}

  get(key: string, field: string): Uint8Array | undefined {
    const changes = this.changes.get(key);
    if (changes?.fields.has(field) === true) return changes.fields.get(field);
    return changes?.cleared === true ? undefined : this.view.hash(key).get(field);
  }

  set(key: string, field: string, value: Uint8Array): void {
    this.changesOf(key).fields.set(field, value);
  }

  remove(key: string, field: string): void {
    this.changesOf(key).fields.set(field, undefined);
  }

  /** Deletes the whole key. */
  clear(key: string): void {
    const changes = this.changesOf(key);
    changes.cleared = true;
    changes.fields.clear();
  }

  /** The keys the batch wrote, in the order first written, with what it did to each. */
  touched(): ReadonlyMap<string, HashChanges> {
    return this.changes;
  }

  /** DEL (after a clear), then one HSET and one HDEL per key, as needed. */
  writes(): CacheWrite[] {
    const writes: CacheWrite[] = [];
    for (const [key, changes] of this.changes) writes.push(...hashWrites(key, changes));
    return writes;
  }

  private changesOf(key: string): MutableHashChanges {
    let changes = this.changes.get(key);
    if (changes === undefined) {
      changes = { cleared: false, fields: new Map() };
      this.changes.set(key, changes);
    }
    return changes;
  }
}

export const hashWrites = (key: string, changes: HashChanges): CacheWrite[] => {
  const writes: CacheWrite[] = [];
  if (changes.cleared) writes.push({ op: 'delete', key });
  const set = new Map<string, Uint8Array>();
  const removed: string[] = [];
  for (const [field, value] of changes.fields) {
    if (value !== undefined) set.set(field, value);
    else if (!changes.cleared) removed.push(field);
  }
  if (set.size > 0) writes.push({ op: 'hashSet', key, fields: set });
  if (removed.length > 0) writes.push({ op: 'hashDelete', key, fields: removed });
  return writes;
};
