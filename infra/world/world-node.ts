import { auctionActor } from '../../actors/auction/definition.js';
import { guildActor } from '../../actors/guild/definition.js';
import { itemActor } from '../../actors/item/definition.js';
import { playerActor, type PlayerOptions } from '../../actors/player/index.js';
import { createProcessManager, type ProcessManager, type ProcessManagerOptions } from '../../actors/process/process-manager.js';
import type { RequestBus, RequestTransport } from '../../actors/runtime/bus.js';
import type { ActorType } from '../../actors/runtime/actor-definition.js';
import { createActorHost, type ActorHost } from '../../actors/runtime/host.js';
import type { HostLimits } from '../../actors/runtime/host-options.js';
import { createRateLimiter, type RateLimits } from '../../actors/runtime/rate-limiter.js';
import type { SnapshotStore } from '../../actors/runtime/snapshots.js';
import { tradeActor } from '../../actors/trade/definition.js';
import type { EventStore } from '../../events/store/index.js';
import { createCommandClient } from '../client/index.js';

/**
 * One node of the world: a host for every actor (players, items, guilds, trades,
 * auctions) and the trade queue beside it, wired together: the host tells the queue
 * what it appended and asks it before admitting new trades, and the queue sends its
 * steps back through the bus as a trusted server. Run one per process; several share
 * the load through the bus's queue group.
 */

export interface WorldOptions {
  readonly player?: Partial<PlayerOptions>;
  /** The guild batching window; default 100 ms. */
  readonly guildBatchWindowMs?: number;
}

export const worldActors = (options: WorldOptions = {}): ActorType[] => [
  playerActor(options.player),
  itemActor(),
  guildActor(options.guildBatchWindowMs === undefined ? {} : { batchWindowMs: options.guildBatchWindowMs }),
  tradeActor(),
  auctionActor(),
];

export interface WorldNodeOptions {
  readonly bus: RequestBus;
  /** How the trade queue reaches the actors: the same bus, or NATS. */
  readonly transport: RequestTransport;
  readonly store: EventStore;
  readonly snapshots?: SnapshotStore;
  readonly limits?: Partial<HostLimits>;
  /** Budgets per issuer and command kind, in buckets of this node's own; none when absent. */
  readonly rateLimits?: RateLimits;
  readonly world?: WorldOptions;
  readonly processManager?: Omit<ProcessManagerOptions, 'store' | 'sender' | 'clock' | 'onError'>;
  /** The node's name on the subjects its trade queue sends on (`mmo.cmd.server.<name>…`). */
  readonly serverId?: string;
  readonly clock?: () => Date;
  readonly onError?: (error: unknown, context: string) => void;
}

export interface WorldNode {
  readonly host: ActorHost;
  readonly processManager: ProcessManager;
  /** Stops the trade queue (its running drives finish), then drains the host. */
  stop(): Promise<void>;
}

export const startWorldNode = async (options: WorldNodeOptions): Promise<WorldNode> => {
  const { bus, transport, store } = options;
  const onError = options.onError ?? (() => undefined);
  const sender = createCommandClient({ transport, issuer: { kind: 'server', id: options.serverId ?? 'trade-queue' } });
  const processManager = createProcessManager({
    ...options.processManager,
    store,
    sender,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    onError,
  });
  const host = createActorHost({
    bus,
    store,
    actors: worldActors(options.world),
    // Every node serves every category, so each may answer unknown and malformed subjects too.
    serveEveryCommandSubject: true,
    ...(options.snapshots === undefined ? {} : { snapshots: options.snapshots }),
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    ...(options.rateLimits === undefined ? {} : { rateLimiter: createRateLimiter(options.rateLimits) }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    onError,
    admit: (request) => processManager.admit(request),
    onAppended: (appended) => processManager.onAppended(appended),
  });
  await host.start();
  await processManager.start();
  return {
    host,
    processManager,
    stop: async () => {
      await processManager.stop();
      await host.stop();
    },
  };
};
