import { createHash, type Hash } from 'node:crypto';
import type { CacheEntry, ProjectionCache } from '../runner/index.js';

/**
 * Keys compared by digest, so two versions of a large keyspace can be held side by side:
 * 128 bits of SHA-256 over the key's kind and content. A hash's fields are taken in sorted
 * order (Redis keeps none), every part length-prefixed so no two contents run together.
 * TTLs are left out: they count from when a key was written, which no two builds share.
 */
export type KeyDigests = ReadonlyMap<string, string>;

const part = (digest: Hash, bytes: Uint8Array | string): void => {
  digest.update(`${bytes.length}:`);
  digest.update(bytes);
};

export const entryDigest = (entry: CacheEntry): string => {
  const digest = createHash('sha256');
  if (entry.kind === 'value') {
    digest.update('v');
    part(digest, entry.value);
  } else {
    digest.update('h');
    for (const field of [...entry.fields.keys()].sort()) {
      part(digest, field);
      part(digest, entry.fields.get(field) ?? new Uint8Array());
    }
  }
  return digest.digest('base64url').slice(0, 22);
};

/** Every key of one version and its digest (a key SCAN returns twice is kept once). */
export const digestVersion = async (cache: ProjectionCache, projection: string, version: number): Promise<Map<string, string>> => {
  const digests = new Map<string, string>();
  for await (const page of cache.scanVersion(projection, version)) {
    for (const entry of page) digests.set(entry.key, entryDigest(entry));
  }
  return digests;
};

/** One digest for a whole keyspace: equal keyspaces (same keys, same contents) hash alike. */
export const keyspaceDigest = (digests: KeyDigests): string => {
  const digest = createHash('sha256');
  for (const key of [...digests.keys()].sort()) {
    part(digest, key);
    digest.update(digests.get(key) ?? '');
  }
  return digest.digest('hex');
};
