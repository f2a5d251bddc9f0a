export { createEmbeddedNotifier } from './embedded-notifier.js';
export type { EmbeddedNotifier, EmbeddedNotifierOptions, NotificationHandler } from './embedded-notifier.js';
export { createEmbeddedProjectionCache } from './embedded-projection-cache.js';
export type { EmbeddedProjectionCache, EmbeddedProjectionCacheOptions } from './embedded-projection-cache.js';
