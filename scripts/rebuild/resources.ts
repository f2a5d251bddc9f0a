import { existsSync } from 'node:fs';
import type { EventStore } from '../../events/store/index.js';
import type { Config } from '../../infra/config.js';
import { describeEventStore, openEventStore } from '../../infra/eventstore/open.js';
import { openSqliteEventStore } from '../../infra/eventstore/sqlite/index.js';
import { connectNats, createNatsNotifier } from '../../infra/nats/index.js';
import { connectRedis, createRedisProjectionCache } from '../../infra/redis/index.js';
import type { Notifier, ProjectionCache } from '../../projections/runner/index.js';

/**
 * What the rebuild works with, from the same configuration as `npm start` (with its own
 * Redis user and NATS credentials when SHARDKEEP_REBUILD_* are set): the log (read
 * only), one Redis connection per projection (a cache's commits WATCH on their connection,
 * so builds side by side each need their own), and NATS for the activation notices.
 */
export interface RebuildResources {
  readonly store: EventStore;
  readonly caches: readonly ProjectionCache[];
  readonly notifier: Notifier;
  /** One line per part: what it runs on, credentials hidden. */
  readonly description: readonly string[];
  close(): Promise<void>;
}

/** A problem with the configuration itself: exit code 2, nothing was opened. */
export class UnusableConfigError extends Error {}

const hideCredentials = (url: string): string => url.replace(/\/\/[^@/]*@/, '//***@');

export const checkUsable = (config: Config): { readonly redisUrl: string } => {
  if (config.rebuild.redis === undefined) {
    throw new UnusableConfigError(
      'REDIS_URL (or SHARDKEEP_REBUILD_REDIS_URL) is not set: without it the projections live in the memory of the process that runs them (npm start), and there is nothing persistent to rebuild',
    );
  }
  if (config.eventStore.kind === 'sqlite' && !existsSync(config.eventStore.path)) {
    throw new UnusableConfigError(`no log at ${config.eventStore.path} (SHARDKEEP_DATA_DIR): a rebuild from an empty log would empty the caches`);
  }
  return { redisUrl: config.rebuild.redis.url };
};

export const openRebuildResources = async (config: Config, projections: number): Promise<RebuildResources> => {
  const { redisUrl } = checkUsable(config);
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  };
  try {
    // The rebuild only reads the log: read-only, so a wrong path can never create or change one.
    const store =
      config.eventStore.kind === 'sqlite' ? openSqliteEventStore({ path: config.eventStore.path, readonly: true }) : await openEventStore(config.eventStore);
    closers.push(() => store.close());
    const caches: ProjectionCache[] = [];
    for (let index = 0; index < projections; index += 1) {
      const cache = createRedisProjectionCache(await connectRedis(redisUrl, { name: 'shardkeep-rebuild' }));
      closers.push(() => cache.close());
      caches.push(cache);
    }
    const description = [`event store: ${describeEventStore(config.eventStore)}`, `cache: Redis ${hideCredentials(redisUrl)}`];
    let notifier: Notifier = { publish: async () => undefined };
    if (config.rebuild.nats === undefined) {
      description.push('activation notices: not published (no NATS_URL: no other process can be reached)');
    } else {
      const { servers, user, password } = config.rebuild.nats;
      const connection = await connectNats({
        servers,
        name: 'shardkeep-rebuild',
        ...(user === undefined || password === undefined ? {} : { user, pass: password }),
      });
      // Drained on close: the notices are in the client's buffer until then.
      closers.push(() => connection.drain());
      notifier = createNatsNotifier(connection);
      description.push(`activation notices: NATS ${servers.join(', ')} on mmo.projection.<name>.activated`);
    }
    return { store, caches, notifier, description, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
};
