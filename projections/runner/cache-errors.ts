import { ShardkeepError } from '../../events/errors.js';

/** A projection name, key version, key or TTL the cache's layout cannot hold. Nothing was written. */
export class CacheKeyError extends ShardkeepError {
  readonly code = 'CACHE_KEY';
}

/**
 * Redis's WRONGTYPE: a hash operation on a string key or the other way round, a bug in a
 * projection. The embedded cache then writes nothing; Redis applies the transaction's
 * other commands (it has no rollback), so the adapters agree only on the error.
 */
export class CacheTypeError extends ShardkeepError {
  readonly code = 'CACHE_WRONG_TYPE';
}
