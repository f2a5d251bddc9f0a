import type { KeyDigests } from './keyspace-digest.js';

/** How a rebuilt keyspace differs from the live one: counts, and the first keys of each kind in key order. */
export interface KeyspaceDiff {
  /** In the rebuild, not in the live version. */
  readonly added: number;
  /** In the live version, not in the rebuild. */
  readonly removed: number;
  /** In both, with different contents. */
  readonly changed: number;
  readonly unchanged: number;
  readonly samples: { readonly added: readonly string[]; readonly removed: readonly string[]; readonly changed: readonly string[] };
}

/** Keeps the `size` smallest keys offered, sorted: the same sample whatever order a scan returned. */
class FirstKeys {
  readonly keys: string[] = [];

  constructor(private readonly size: number) {}

  offer(key: string): void {
    if (this.size === 0 || (this.keys.length === this.size && key >= (this.keys.at(-1) ?? ''))) return;
    const at = this.keys.findIndex((kept) => kept > key);
    this.keys.splice(at < 0 ? this.keys.length : at, 0, key);
    if (this.keys.length > this.size) this.keys.pop();
  }
}

export const diffKeyspaces = (live: KeyDigests, rebuilt: KeyDigests, sampleSize: number): KeyspaceDiff => {
  const added = new FirstKeys(sampleSize);
  const removed = new FirstKeys(sampleSize);
  const changed = new FirstKeys(sampleSize);
  const counts = { added: 0, removed: 0, changed: 0, unchanged: 0 };
  for (const [key, digest] of rebuilt) {
    const before = live.get(key);
    if (before === undefined) {
      counts.added += 1;
      added.offer(key);
    } else if (before !== digest) {
      counts.changed += 1;
      changed.offer(key);
    } else {
      counts.unchanged += 1;
    }
  }
  for (const key of live.keys()) {
    if (rebuilt.has(key)) continue;
    counts.removed += 1;
    removed.offer(key);
  }
  return { ...counts, samples: { added: added.keys, removed: removed.keys, changed: changed.keys } };
};
