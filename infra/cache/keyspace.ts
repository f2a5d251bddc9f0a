import { CacheTypeError, type CacheWrite } from '../../projections/runner/index.js';

/**
 * One key version's keys in memory, with Redis's semantics for the commands the runner
 * uses: SET replaces whatever was there and clears its TTL unless given one; HSET and
 * HDEL keep the TTL and refuse a string key; a hash whose last field goes is deleted;
 * PEXPIRE on a missing key does nothing; an expired key is absent.
 */
export type Entry =
  | { readonly kind: 'value'; readonly bytes: Uint8Array; expiresAt: number | undefined }
  | { readonly kind: 'hash'; readonly fields: Map<string, Uint8Array>; expiresAt: number | undefined };

export const wrongType = (key: string, wanted: Entry['kind']): CacheTypeError =>
  new CacheTypeError(`WRONGTYPE: ${JSON.stringify(key)} is not a ${wanted === 'value' ? 'string' : 'hash'} key`);

export const isLive = (entry: Entry | undefined, now: number): entry is Entry =>
  entry !== undefined && (entry.expiresAt === undefined || entry.expiresAt > now);

/**
 * Applies `writes` in order to a staged view over `keys`, then to `keys` itself: a write
 * that fails (WRONGTYPE) leaves `keys` as it was, where Redis would have applied the rest.
 */
export const applyWrites = (keys: Map<string, Entry>, writes: readonly CacheWrite[], now: number): void => {
  // null: deleted in this commit. Entries in `owned` were created here and may be changed in place.
  const staged = new Map<string, Entry | null>();
  const owned = new Set<Entry>();
  const current = (key: string): Entry | undefined => {
    const entry = staged.has(key) ? staged.get(key) : keys.get(key);
    return entry !== null && isLive(entry, now) ? entry : undefined;
  };
  const ownHash = (key: string, entry: Entry & { kind: 'hash' }): Entry & { kind: 'hash' } => {
    if (owned.has(entry)) return entry;
    const copy: Entry & { kind: 'hash' } = { kind: 'hash', fields: new Map(entry.fields), expiresAt: entry.expiresAt };
    owned.add(copy);
    staged.set(key, copy);
    return copy;
  };

  for (const write of writes) {
    const entry = current(write.key);
    switch (write.op) {
      case 'set':
        staged.set(write.key, {
          kind: 'value',
          bytes: new Uint8Array(write.value),
          expiresAt: write.ttlMs === undefined ? undefined : now + write.ttlMs,
        });
        break;
      case 'expire':
        if (entry === undefined) break;
        if (entry.kind === 'value') staged.set(write.key, { kind: 'value', bytes: entry.bytes, expiresAt: now + write.ttlMs });
        else ownHash(write.key, entry).expiresAt = now + write.ttlMs;
        break;
      case 'delete':
        staged.set(write.key, null);
        break;
      case 'hashSet': {
        if (entry?.kind === 'value') throw wrongType(write.key, 'hash');
        const hash = entry === undefined ? ownHash(write.key, { kind: 'hash', fields: new Map(), expiresAt: undefined }) : ownHash(write.key, entry);
        for (const [field, value] of write.fields) hash.fields.set(field, new Uint8Array(value));
        break;
      }
      case 'hashDelete': {
        if (entry === undefined) break;
        if (entry.kind === 'value') throw wrongType(write.key, 'hash');
        const hash = ownHash(write.key, entry);
        for (const field of write.fields) hash.fields.delete(field);
        if (hash.fields.size === 0) staged.set(write.key, null);
        break;
      }
    }
  }
  for (const [key, entry] of staged) {
    if (entry === null) keys.delete(key);
    else keys.set(key, entry);
  }
};
