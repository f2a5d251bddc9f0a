export { connectRedis } from './connect.js';
export type { RedisConnection, RedisConnectOptions } from './connect.js';
export { createRedisProjectionCache } from './redis-projection-cache.js';
export type { RedisProjectionCacheOptions } from './redis-projection-cache.js';
export { RedisCacheError } from './replies.js';
