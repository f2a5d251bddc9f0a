import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderNatsAuthorization, type NatsAuthorizationPlan } from '../../../infra/nats/index.js';
import { startNatsServer, type NatsServerHandle } from '../servers/nats-server.js';

/**
 * The shipped server configurations (infra/deploy/) as the harness servers run them: the
 * nats-server.conf with the rendered authorization in place of its `include` (the harness
 * writes its own `listen` line before it), and the Redis ACL file with the passwords' digests
 * in place of its placeholders. Nothing else is changed.
 */
const DEPLOY = fileURLToPath(new URL('../../../infra/deploy/', import.meta.url));
const INCLUDE = /^include \.\/authorization\.conf$/m;

export const shippedNatsConfig = async (plan: NatsAuthorizationPlan): Promise<string> => {
  const shipped = await readFile(join(DEPLOY, 'nats-server.conf'), 'utf8');
  if (!INCLUDE.test(shipped)) throw new Error('infra/deploy/nats-server.conf no longer includes ./authorization.conf');
  return shipped.replace(INCLUDE, () => renderNatsAuthorization(plan));
};

/**
 * A nats-server (no JetStream) on the shipped configuration with its rendered users: the
 * host `host`, the game server `gameserver` and the given players, each user's password its name.
 */
export const startShippedNatsServer = async (players: readonly string[]): Promise<NatsServerHandle> =>
  startNatsServer({
    jetstream: false,
    config: await shippedNatsConfig({
      hosts: [{ user: 'host', password: 'host' }],
      gameServers: [{ user: 'gameserver', password: 'gameserver' }],
      players: players.map((user) => ({ user, password: user })),
    }),
  });

export interface RedisPasswords {
  readonly game: string;
  readonly projector: string;
  readonly rebuild: string;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Writes the shipped ACL file with these passwords into `dir`; returns its path. */
export const writeShippedRedisAcl = async (dir: string, passwords: RedisPasswords): Promise<string> => {
  const shipped = await readFile(join(DEPLOY, 'redis-users.acl'), 'utf8');
  const filled = shipped
    .replace('#GAME_PASSWORD_SHA256', `#${sha256(passwords.game)}`)
    .replace('#PROJECTOR_PASSWORD_SHA256', `#${sha256(passwords.projector)}`)
    .replace('#REBUILD_PASSWORD_SHA256', `#${sha256(passwords.rebuild)}`);
  if (filled.includes('_PASSWORD_SHA256')) throw new Error('infra/deploy/redis-users.acl has a placeholder this harness does not know');
  const path = join(dir, 'redis-users.acl');
  await writeFile(path, filled);
  return path;
};

/** `redis://user:password@127.0.0.1:port`, the form REDIS_URL takes with an ACL user. */
export const redisUrlAs = (port: number, user: string, password: string): string =>
  `redis://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
