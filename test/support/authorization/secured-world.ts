import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Issuer } from '../../../actors/runtime/protocol/issuer.js';
import { createCommandClient, type CommandClient } from '../../../infra/client/index.js';
import { parseConfig, type Config } from '../../../infra/config.js';
import {
  connectNats,
  createNatsRequestTransport,
  inboxPrefixOf,
  type NatsAuthorizationPlan,
  type NatsConnection,
} from '../../../infra/nats/index.js';
import { connectRedis, type RedisConnection } from '../../../infra/redis/index.js';
import { startDeployment, type Deployment } from '../../../infra/world/deployment.js';
import { startNatsServer, type NatsServerHandle } from '../servers/nats-server.js';
import { startRedisServer, type RedisServerHandle } from '../servers/redis-server.js';
import { redisUrlAs, shippedNatsConfig, writeShippedRedisAcl, type RedisPasswords } from './shipped-configs.js';

/**
 * A deployment (infra/world/deployment.ts, as `npm start` builds it) behind a nats-server and
 * a redis-server that run the shipped configurations (infra/deploy/): the host connects as the
 * NATS `host` user, the projections as the Redis `projector` user. Game server `gs1`, the
 * rebuild and the given players have credentials of their own. Every password is
 * `pw-<user>`, except the host's, which holds the characters a config file must escape.
 */
export const HOST_PASSWORD = 'h"o$t\\#}pw';
export const REDIS_PASSWORDS: RedisPasswords = { game: 'pw-game', projector: 'pw-projector', rebuild: 'pw-rebuild' };
export const GAME_SERVER = 'gs1';

export interface SecuredWorld {
  readonly nats: NatsServerHandle;
  readonly redis: RedisServerHandle;
  readonly deployment: Deployment;
  /** The deployment's configuration (NATS as `host`, Redis as `projector`). */
  readonly config: Config;
  readonly dataDir: string;
  /** Failures the deployment reported: none when every role has what it needs. */
  readonly errors: readonly string[];
  passwordOf(user: string): string;
  /** A NATS connection with `user`'s credentials, closed by stop(). */
  connectAs(user: string, options?: { readonly password?: string; readonly inboxPrefix?: string }): Promise<NatsConnection>;
  /** A command client for `issuer` over its own connection and reply inbox (the protocol's way). */
  clientFor(issuer: Issuer): Promise<CommandClient>;
  /** A Redis connection as one of the shipped ACL users, closed by stop(). */
  redisAs(user: keyof RedisPasswords): Promise<RedisConnection>;
  redisUrl(user: keyof RedisPasswords): string;
  stop(): Promise<void>;
}

export const securedPlan = (players: readonly string[]): NatsAuthorizationPlan => ({
  hosts: [{ user: 'host', password: HOST_PASSWORD }],
  gameServers: [{ user: GAME_SERVER, password: `pw-${GAME_SERVER}` }],
  rebuilds: [{ user: 'rebuild', password: 'pw-rebuild' }],
  players: players.map((user) => ({ user, password: `pw-${user}` })),
});

export const startSecuredWorld = async (players: readonly string[]): Promise<SecuredWorld> => {
  const dataDir = await mkdtemp(join(tmpdir(), 'shardkeep-secured-'));
  const closers: (() => Promise<unknown>)[] = [() => rm(dataDir, { recursive: true, force: true })];
  const stop = async (): Promise<void> => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  };
  try {
    const nats = await startNatsServer({ jetstream: false, config: await shippedNatsConfig(securedPlan(players)) });
    closers.push(() => nats.stop());
    // DEBUG and MODULE are enabled on this server, so the ACL alone stands between them and its users.
    const redis = await startRedisServer({
      aclFile: await writeShippedRedisAcl(dataDir, REDIS_PASSWORDS),
      extraArgs: ['--enable-debug-command', 'yes', '--enable-module-command', 'yes'],
    });
    closers.push(() => redis.stop());
    const redisUrl = (user: keyof RedisPasswords): string => redisUrlAs(redis.port, user, REDIS_PASSWORDS[user]);
    const config = parseConfig({
      NATS_URL: nats.url,
      NATS_USER: 'host',
      NATS_PASSWORD: HOST_PASSWORD,
      REDIS_URL: redisUrl('projector'),
      SHARDKEEP_DATA_DIR: dataDir,
      SHARDKEEP_SIMULATE: 'off',
      SHARDKEEP_HTTP_PORT: 'off',
    });
    const errors: string[] = [];
    const deployment = await startDeployment(config, (error, context) => {
      errors.push(`${context}: ${error instanceof Error ? error.message : String(error)}`);
    });
    closers.push(async () => {
      await deployment.drain();
      await deployment.close();
    });
    const passwordOf = (user: string): string => (user === 'host' ? HOST_PASSWORD : `pw-${user}`);
    const connectAs: SecuredWorld['connectAs'] = async (user, options = {}) => {
      const connection = await connectNats({
        servers: nats.url,
        user,
        pass: options.password ?? passwordOf(user),
        name: `secured-${user}`,
        maxReconnectAttempts: 0,
        ...(options.inboxPrefix === undefined ? {} : { inboxPrefix: options.inboxPrefix }),
      });
      closers.push(() => connection.close());
      return connection;
    };
    return {
      nats,
      redis,
      deployment,
      config,
      dataDir,
      errors,
      passwordOf,
      connectAs,
      clientFor: async (issuer) => {
        const inboxPrefix = inboxPrefixOf(issuer);
        const transport = createNatsRequestTransport(await connectAs(issuer.id, { inboxPrefix }), { inboxPrefix });
        closers.push(() => transport.close());
        return createCommandClient({ transport, issuer, timeoutMs: 5_000, deadlineMs: 15_000 });
      },
      redisAs: async (user) => {
        const connection = await connectRedis(redisUrl(user), { name: `secured-${user}` });
        closers.push(() => connection.quit().catch(() => connection.disconnect()));
        return connection;
      },
      redisUrl,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
};
