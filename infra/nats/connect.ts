import { connect, type ConnectionOptions, type NatsConnection } from 'nats';
import { ShardkeepError } from '../../events/errors.js';

export type { NatsConnection } from 'nats';

export interface NatsConnectOptions {
  /** `nats://host:4222`, or several for a cluster (tried in random order unless noRandomize). */
  readonly servers: string | readonly string[];
  /** Shows up in the server's connection list (`nats server report connections`). */
  readonly name?: string;
  readonly user?: string;
  readonly pass?: string;
  readonly token?: string;
  /** Connect timeout per attempt; nats.js default 20 000 ms. */
  readonly timeoutMs?: number;
  /** Default -1 (forever): a game server should ride out a NATS restart, not give up after 10 tries. */
  readonly maxReconnectAttempts?: number;
  /**
   * Pause between reconnect attempts to the same server; default 250 ms (nats.js: 2 000 ms).
   * A restarted nats-server is back in about a second; with nats.js's pause the clients
   * then sit idle for up to two more, and commands wait that long. nats.js adds up to
   * 100 ms of jitter to every pause, so a fleet does not come back in one burst.
   */
  readonly reconnectTimeWaitMs?: number;
  readonly pingIntervalMs?: number;
  /** Keep trying when no server answers the first connect, instead of rejecting. */
  readonly waitOnFirstConnect?: boolean;
  readonly noRandomize?: boolean;
  /** Prefix of reply inboxes; NATS permissions must allow subscribing to `<prefix>.>`. */
  readonly inboxPrefix?: string;
}

export const DEFAULT_RECONNECT_TIME_WAIT_MS = 250;

export class NatsOptionsError extends ShardkeepError {
  readonly code = 'NATS_OPTIONS';
}

/** Rejected here, before the network, so a bad config fails with a reason, not an auth timeout. */
const checkCredentials = (options: NatsConnectOptions): void => {
  const hasUser = options.user !== undefined;
  if (hasUser !== (options.pass !== undefined)) throw new NatsOptionsError('nats: user and pass go together');
  if (hasUser && options.token !== undefined) throw new NatsOptionsError('nats: give either user/pass or token, not both');
  const servers = typeof options.servers === 'string' ? [options.servers] : options.servers;
  if (servers.length === 0) throw new NatsOptionsError('nats: at least one server is needed');
};

/** A thin wrapper over nats.js `connect`: our option names, checked early, sane defaults. */
export const connectNats = async (options: NatsConnectOptions): Promise<NatsConnection> => {
  checkCredentials(options);
  const settings: ConnectionOptions = {
    servers: typeof options.servers === 'string' ? options.servers : [...options.servers],
    maxReconnectAttempts: options.maxReconnectAttempts ?? -1,
    reconnectTimeWait: options.reconnectTimeWaitMs ?? DEFAULT_RECONNECT_TIME_WAIT_MS,
  };
  if (options.name !== undefined) settings.name = options.name;
  if (options.user !== undefined) settings.user = options.user;
  if (options.pass !== undefined) settings.pass = options.pass;
  if (options.token !== undefined) settings.token = options.token;
  if (options.timeoutMs !== undefined) settings.timeout = options.timeoutMs;
  if (options.pingIntervalMs !== undefined) settings.pingInterval = options.pingIntervalMs;
  if (options.waitOnFirstConnect !== undefined) settings.waitOnFirstConnect = options.waitOnFirstConnect;
  if (options.noRandomize !== undefined) settings.noRandomize = options.noRandomize;
  if (options.inboxPrefix !== undefined) settings.inboxPrefix = options.inboxPrefix;
  return connect(settings);
};
