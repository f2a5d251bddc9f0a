import { CacheKeyError } from './cache-errors.js';
import type { CacheWrite } from './projection.js';

/**
 * The cache's key layout (cache-port.ts), in one place so that every adapter, the rebuild
 * tool and the game servers' readers build the same names:
 *
 *   sk:<projection>:active                 the key version readers use ("3")
 *   sk:<projection>:building               the version a rebuild is filling ("4"), until it is done
 *   sk:<projection>:<version>:checkpoint   where that version stands in the log ("C/P")
 *   sk:<projection>:<version>:<key>        the projection's own keys
 */
const PROJECTION_NAME = /^[a-z][a-z0-9-]*$/;
/** The one key name inside a version that belongs to the runner, not the projection. */
export const CHECKPOINT_KEY = 'checkpoint';

export const assertProjectionName = (projection: string): void => {
  if (!PROJECTION_NAME.test(projection)) {
    throw new CacheKeyError(`invalid projection name ${JSON.stringify(projection)}: expected [a-z][a-z0-9-]*`);
  }
};

export const assertKeyVersion = (version: number): void => {
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new CacheKeyError(`invalid key version ${String(version)}: expected a positive integer`);
  }
};

/** A projection's own key: not empty, and never the checkpoint it would overwrite. */
export const assertProjectionKey = (key: string): void => {
  if (key === '' || key === CHECKPOINT_KEY) {
    throw new CacheKeyError(`invalid projection key ${JSON.stringify(key)}: empty or reserved`);
  }
};

export const activeVersionKey = (projection: string): string => `sk:${projection}:active`;

export const buildingVersionKey = (projection: string): string => `sk:${projection}:building`;

/** Every key of a projection, its versions' and its own (`active`, `building`), starts with this. */
export const projectionPrefix = (projection: string): string => `sk:${projection}:`;

/** The version a key of `projection` belongs to: undefined for `active`, `building` and foreign keys. */
export const versionOfKey = (projection: string, key: string): number | undefined => {
  const prefix = projectionPrefix(projection);
  if (!key.startsWith(prefix)) return undefined;
  const end = key.indexOf(':', prefix.length);
  return end < 0 ? undefined : parseKeyVersion(key.slice(prefix.length, end));
};

/** Every key of one version starts with this; `dropVersion` scans for `<prefix>*`. */
export const versionPrefix = (projection: string, version: number): string => `sk:${projection}:${version}:`;

export const checkpointKey = (projection: string, version: number): string =>
  `${versionPrefix(projection, version)}${CHECKPOINT_KEY}`;

export const projectionKey = (projection: string, version: number, key: string): string =>
  `${versionPrefix(projection, version)}${key}`;

/** The active version as stored: a positive decimal integer, anything else is a corrupt key. */
export const parseKeyVersion = (text: string): number | undefined => {
  if (!/^[1-9]\d{0,14}$/.test(text)) return undefined;
  return Number(text);
};

/** A TTL as Redis accepts it for PX and PEXPIRE: a positive whole number of milliseconds. */
export const assertTtl = (ttlMs: number): void => {
  if (!Number.isSafeInteger(ttlMs) || ttlMs < 1) {
    throw new CacheKeyError(`invalid TTL ${String(ttlMs)} ms: expected a positive integer`);
  }
};

/**
 * Checks a commit's writes before anything is sent, so a malformed write fails the whole
 * commit instead of landing half-way (Redis applies a transaction's valid commands even
 * when one of them fails).
 */
export const assertCacheWrites = (writes: readonly CacheWrite[]): void => {
  for (const write of writes) {
    assertProjectionKey(write.key);
    if (write.op === 'set' && write.ttlMs !== undefined) assertTtl(write.ttlMs);
    if (write.op === 'expire') assertTtl(write.ttlMs);
    if (write.op === 'hashSet' && write.fields.size === 0) {
      throw new CacheKeyError(`hashSet of ${JSON.stringify(write.key)} names no field`);
    }
    if (write.op === 'hashDelete' && write.fields.length === 0) {
      throw new CacheKeyError(`hashDelete of ${JSON.stringify(write.key)} names no field`);
    }
  }
};
