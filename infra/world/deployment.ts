import type { RequestBus, RequestTransport } from '../../actors/runtime/bus.js';
import { createEventStoreSnapshots } from '../../actors/runtime/snapshots.js';
import type { EventStore } from '../../events/store/index.js';
import type { Notifier, ProjectionCache } from '../../projections/runner/index.js';
import { createProjectionSet, type ProjectionSet } from '../../projections/runner/index.js';
import { createWorldProjections } from '../../projections/world-projections.js';
import { createEmbeddedBus } from '../bus/index.js';
import { createEmbeddedNotifier, createEmbeddedProjectionCache } from '../cache/index.js';
import type { Config } from '../config.js';
import { describeEventStore, openEventStore } from '../eventstore/open.js';
import { connectNats, createNatsNotifier, createNatsRequestBus, createNatsRequestTransport, HOST_INBOX_PREFIX } from '../nats/index.js';
import { connectRedis, createRedisProjectionCache } from '../redis/index.js';
import { startFiguresHistory, type FiguresHistory } from '../console/figures-history.js';
import { instrumentBus } from '../metrics/instrumented-bus.js';
import { createMetrics, type Metrics } from '../metrics/metrics.js';
import { startWorldNode, type WorldNode } from './world-node.js';

/**
 * Everything one process runs, built from the configuration: the event store, the bus
 * (NATS or in-process), a world node (every actor's host and the trade queue), and the
 * projections into the cache (Redis or in-process). With nothing configured all of it
 * runs here, embedded.
 */
export interface Deployment {
  readonly store: EventStore;
  readonly bus: RequestBus;
  /** For clients in this process (the simulation, the console). */
  readonly transport: RequestTransport;
  readonly node: WorldNode;
  readonly projections: ProjectionSet;
  readonly cache: ProjectionCache;
  readonly notifier: Notifier;
  readonly metrics: Metrics;
  /** The last minutes of figures, for the console's charts. */
  readonly history: FiguresHistory;
  /** One line per part: what it runs on, credentials hidden. */
  readonly description: readonly string[];
  /** Stops the projections, then drains the trade queue and the host: every acknowledged command is in the log. */
  drain(): Promise<void>;
  /** Closes the cache, the bus and the store (after `drain`). */
  close(): Promise<void>;
}

export const startDeployment = async (config: Config, onError: (error: unknown, context: string) => void): Promise<Deployment> => {
  const closers: (() => Promise<void>)[] = [];
  const drainers: (() => Promise<void>)[] = [];
  const description: string[] = [];
  try {
    const store = await openEventStore(config.eventStore);
    closers.push(() => store.close());
    description.push(`event store: ${describeEventStore(config.eventStore)}`);

    let bus: RequestBus;
    let transport: RequestTransport;
    let notifier: Notifier;
    if (config.nats === undefined) {
      const embedded = createEmbeddedBus();
      closers.push(() => embedded.close());
      bus = embedded;
      transport = embedded;
      notifier = createEmbeddedNotifier({ onHandlerError: (error, subject) => onError(error, `notification on ${subject}`) });
      description.push('bus: in-process (no NATS_URL)');
    } else {
      const { servers, user, password } = config.nats;
      // Replies to the trade queue's commands come back under the hosts' own inbox prefix,
      // the only one the shipped authorization lets a host subscribe to (infra/nats/authorization.ts).
      const connection = await connectNats({
        servers,
        name: 'shardkeep-host',
        inboxPrefix: HOST_INBOX_PREFIX,
        ...(user === undefined || password === undefined ? {} : { user, pass: password }),
      });
      closers.push(async () => {
        await connection.drain();
      });
      bus = createNatsRequestBus(connection, { onHandlerError: (error, subject) => onError(error, `handling ${subject}`) });
      transport = createNatsRequestTransport(connection, { inboxPrefix: HOST_INBOX_PREFIX });
      closers.push(() => transport.close());
      notifier = createNatsNotifier(connection);
      description.push(`bus: NATS ${servers.join(', ')}${user === undefined ? '' : ` as ${user}`}`);
    }

    let cache: ProjectionCache;
    if (config.redis === undefined) {
      cache = createEmbeddedProjectionCache();
      description.push('cache: in-process (no REDIS_URL)');
    } else {
      const redis = await connectRedis(config.redis.url, { name: 'shardkeep-projections' });
      cache = createRedisProjectionCache(redis);
      description.push(`cache: Redis ${config.redis.url.replace(/\/\/[^@/]*@/, '//***@')}`);
    }
    closers.push(() => cache.close());

    // Filled in once the parts exist; read only when scraped.
    const parts: { node?: WorldNode; projections?: ProjectionSet } = {};
    const metrics = createMetrics({
      host: () => (parts.node === undefined ? emptyHostStats : parts.node.host.stats()),
      tradeQueue: () => parts.node?.processManager.stats() ?? emptyQueueStats,
      projections: () => parts.projections?.stats() ?? [],
    });
    const history = startFiguresHistory({
      commandsAnswered: () => parts.node?.host.stats().commands ?? 0,
      residentActors: () => parts.node?.host.stats().residentActors ?? 0,
      projectionLagMs: () => Math.max(0, ...(parts.projections?.stats() ?? []).map((stats) => stats.lagMs)),
      tradeQueueDepth: () => {
        const queue = parts.node?.processManager.stats();
        return queue === undefined ? 0 : queue.queued + queue.waiting;
      },
      tradesCompleted: () => parts.node?.processManager.stats().tradesClosed.completed ?? 0,
    });
    closers.push(() => Promise.resolve(history.stop()));
    const observed = instrumentBus(bus, (category, command, outcome, seconds) => {
      metrics.observeCommand(category, command, outcome, seconds);
      history.observeLatency(seconds);
    });
    const node = await startWorldNode({
      bus: observed,
      transport,
      store,
      snapshots: createEventStoreSnapshots(store),
      rateLimits: config.rateLimits,
      onError,
    });
    parts.node = node;
    drainers.push(() => node.stop());
    const projections = createProjectionSet({
      store,
      cache,
      notifier,
      projections: createWorldProjections().map((projection) => ({ projection })),
      onError,
    });
    parts.projections = projections;
    drainers.push(() => projections.stop());
    await projections.start();

    return {
      store,
      bus,
      transport,
      node,
      projections,
      cache,
      notifier,
      metrics,
      history,
      description,
      drain: () => closeAll(drainers),
      close: () => closeAll(closers),
    };
  } catch (error) {
    await closeAll(drainers).catch(() => undefined);
    await closeAll(closers).catch(() => undefined);
    throw error;
  }
};

const emptyHostStats = {
  appends: 0,
  eventsAppended: 0,
  conflicts: 0,
  activations: 0,
  passivations: 0,
  overloaded: 0,
  rateLimited: 0,
  residentActors: 0,
  inFlight: 0,
  snapshotsWritten: 0,
};
const emptyQueueStats = {
  queued: 0,
  waiting: 0,
  active: 0,
  poolSize: 0,
  overloaded: 0,
  blockedSteps: 0,
  tradesClosed: { completed: 0, failed: 0, cancelled: 0 },
  auctionsEnded: 0,
};

/** Last opened, first closed: the node drains before the bus and the store go away. */
const closeAll = async (closers: (() => Promise<void>)[]): Promise<void> => {
  for (const close of closers.splice(0).reverse()) await close();
};
