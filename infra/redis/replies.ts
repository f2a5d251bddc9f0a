import { ShardkeepError } from '../../events/errors.js';
import { CacheTypeError } from '../../projections/runner/index.js';

export class RedisCacheError extends ShardkeepError {
  readonly code = 'REDIS_CACHE';
}

/** Redis's WRONGTYPE becomes the port's CacheTypeError; anything else is passed on. */
export const failedReply = (error: Error): Error =>
  error.message.startsWith('WRONGTYPE') ? new CacheTypeError(error.message, { cause: error }) : error;

/** A view, not a copy: ioredis writes the bytes out before the caller can change them. */
export const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** A plain Uint8Array over a reply's bytes, so readers compare equal to what was written. */
export const asBytes = (buffer: Buffer): Uint8Array => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
