import type { CacheReadResult } from './cache-port.js';
import type { CacheRead, CacheView } from './projection.js';

const NO_FIELDS: ReadonlyMap<string, Uint8Array> = new Map();

/** The reads a projection asked for, each key once, in the order first asked. */
export const distinctReads = (reads: readonly CacheRead[]): CacheRead[] => {
  const seen = new Set<string>();
  const distinct: CacheRead[] = [];
  for (const read of reads) {
    // A key read both ways is a projection bug the cache reports (WRONGTYPE); keep both.
    const id = `${read.kind}\u0000${read.key}`;
    if (seen.has(id)) continue;
    seen.add(id);
    distinct.push(read);
  }
  return distinct;
};

/** What `project` sees: the answers to `reads`, position by position. */
export const cacheViewOf = (reads: readonly CacheRead[], results: readonly CacheReadResult[]): CacheView => {
  if (results.length !== reads.length) {
    throw new Error(`the cache answered ${results.length} reads of ${reads.length}`);
  }
  const values = new Map<string, Uint8Array>();
  const hashes = new Map<string, ReadonlyMap<string, Uint8Array>>();
  results.forEach((result, index) => {
    const key = (reads[index] as CacheRead).key;
    if (result.kind === 'value') {
      if (result.value !== undefined) values.set(key, result.value);
    } else {
      hashes.set(key, result.fields);
    }
  });
  return {
    value: (key) => values.get(key),
    hash: (key) => hashes.get(key) ?? NO_FIELDS,
  };
};
