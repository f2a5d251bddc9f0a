export * from './activation-notice.js';
export type { L1Options } from './l1-store.js';
export type { LatencySummary } from './latency-window.js';
export type { NotificationSubscriber, ReadCacheL2, ReadCacheLog, Unsubscribe } from './ports.js';
export type { LevelStats, ReadCacheStats, ReadLevel } from './read-cache-stats.js';
export { createReadThroughCache } from './read-through-cache.js';
export type { ReadThroughCache, ReadThroughCacheOptions } from './read-through-cache.js';
