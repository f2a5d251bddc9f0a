import type { EventStore } from '../../events/store/index.js';
import type { ProjectionCache } from '../runner/cache-port.js';
import type { Notification } from '../runner/projection.js';

/**
 * The ports of the read-through cache, declared where they are needed; infra/ implements
 * them (infra/nats `createNatsSubscriber`, infra/cache `createEmbeddedNotifier`, the
 * event-store adapters, and the Redis or embedded projection cache).
 */

/** L2: the projection cache, read-only. Any `ProjectionCache` is one. */
export type ReadCacheL2 = Pick<ProjectionCache, 'activeVersion' | 'checkpoint' | 'read'>;

/** L3: the log, read-only. Any `EventStore` is one. */
export type ReadCacheLog = Pick<EventStore, 'read' | 'readAll'>;

export type Unsubscribe = () => void | Promise<void>;

/**
 * Subscriptions to the notification subjects (NATS in production, the embedded notifier
 * in one process). Handlers are called in publish order per subject.
 */
export interface NotificationSubscriber {
  /**
   * `subjectPattern` may hold NATS wildcards. Resolves once the subscription is in place
   * (the server has it), so nothing published afterwards is missed.
   */
  subscribe(subjectPattern: string, handler: (notification: Notification) => void): Unsubscribe | Promise<Unsubscribe>;
  /**
   * Optional: calls `listener` whenever notifications may have been lost (a disconnection,
   * a reconnection); the cache then forgets everything it holds. Returns the unsubscribe.
   */
  onInterrupted?(listener: () => void): () => void;
}
