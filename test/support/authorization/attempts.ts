import { Redis } from 'ioredis';
import { connect } from 'nats';
import type { CommandClient } from '../../../infra/client/index.js';
import { playerInboxPrefix, serverInboxPrefix } from '../../../infra/nats/index.js';
import type { RedisConnection } from '../../../infra/redis/index.js';
import { probePermissions, type PermissionProbe, type Verdict } from './nats-probe.js';
import { GAME_SERVER, type SecuredWorld } from './secured-world.js';

/**
 * The forbidden actions of figure 14, each run for real against a secured world: who tries,
 * what, and whether the servers (or, for privileged commands a player may address, the
 * decider) refused it. Every one must be `denied`.
 */
export interface Attempt {
  readonly layer: 'nats' | 'redis' | 'decider' | 'login';
  readonly who: string;
  readonly what: string;
  run(): Promise<Verdict>;
}

const redisVerdict = async (connection: RedisConnection, command: string, ...args: (string | number)[]): Promise<Verdict> => {
  try {
    await connection.call(command, ...args);
    return 'allowed';
  } catch (error) {
    return error instanceof Error && error.message.startsWith('NOPERM') ? 'denied' : 'allowed';
  }
};

const redisAttempts = (who: 'game' | 'projector', connection: RedisConnection): Attempt[] => {
  const forbidden: [string, ...(string | number)[]][] = [
    ['FLUSHALL'],
    ['FLUSHDB'],
    ['CONFIG', 'GET', '*'],
    ['CONFIG', 'SET', 'appendonly', 'no'],
    ['KEYS', '*'],
    ['SCAN', 0],
    ['UNLINK', 'sk:inventories:1:inventory:p0'],
    ['EVAL', 'return 1', 0],
    ['SCRIPT', 'FLUSH'],
    ['FUNCTION', 'FLUSH'],
    ['DEBUG', 'SLEEP', 0],
    ['SHUTDOWN', 'NOSAVE'],
    ['ACL', 'LIST'],
    ['MODULE', 'LIST'],
    ['CLIENT', 'KILL', 'TYPE', 'normal'],
    ['REPLICAOF', 'NO', 'ONE'],
    ['SAVE'],
    ['MIGRATE', '127.0.0.1', 1, 'sk:sessions:active', 0, 1000],
    ['PUBLISH', 'mmo', 'x'],
    ['GET', 'not-shardkeep:secret'],
    // The rebuild's record and the active version: a projector never deletes or records them.
    ['DEL', 'sk:inventories:active'],
    ['SET', 'sk:inventories:building', '9'],
  ];
  if (who === 'game') {
    forbidden.push(
      ['SET', 'sk:inventories:1:inventory:p0', 'x'],
      ['DEL', 'sk:inventories:1:inventory:p0'],
      ['HSET', 'sk:inventories:1:inventory:p0', 'forged', 'x'],
      ['SET', 'sk:inventories:active', '99'],
      ['EXPIRE', 'sk:sessions:active', 1],
    );
  }
  return forbidden.map(([command, ...args]) => ({
    layer: 'redis',
    who: `redis ${who}`,
    what: [command, ...args].join(' '),
    run: () => redisVerdict(connection, command, ...args),
  }));
};

/** What one player's credentials try beyond its own subjects (`other` is another player). */
const playerAttempts = (player: string, other: string, probe: PermissionProbe, client: CommandClient): Attempt[] => {
  const nats = (what: string, run: () => Promise<Verdict>): Attempt => ({ layer: 'nats', who: `player ${player}`, what, run });
  const refused = async (category: string, actorId: string, command: string, data: Record<string, unknown>): Promise<Verdict> => {
    const reply = await client.send({ category, actorId, command, data });
    return !reply.ok && reply.error.code === 'UNAUTHORIZED' ? 'denied' : 'allowed';
  };
  return [
    nats('publish as another player', () => probe.publish(`mmo.cmd.player.${other}.player.${other}.logout`)),
    nats('publish as another player, on its items', () => probe.publish(`mmo.cmd.player.${other}.item.${other}-i0.transfer`)),
    nats('publish as server', () => probe.publish(`mmo.cmd.server.${player}.item.forged.mint`)),
    nats('publish as the game server', () => probe.publish(`mmo.cmd.server.${GAME_SERVER}.player.${player}.credit`)),
    nats('publish as the trade queue', () => probe.publish(`mmo.cmd.server.trade-queue.item.${other}-i0.release`)),
    nats('publish a forged inventory diff', () => probe.publish(`mmo.inventory.${other}.diff`)),
    nats('publish a forged activation', () => probe.publish('mmo.projection.inventories.activated')),
    nats('publish into another player\'s inbox', () => probe.publish(`${playerInboxPrefix(other)}.x.1`)),
    nats('subscribe to every command', () => probe.subscribe('mmo.cmd.>')),
    nats('subscribe to commands in the hosts\' queue group', () => probe.subscribe('mmo.cmd.*.*.*.*.*', 'shardkeep-hosts')),
    nats('subscribe to another player\'s commands', () => probe.subscribe(`mmo.cmd.player.${other}.>`)),
    nats('subscribe to another player\'s inbox', () => probe.subscribe(`${playerInboxPrefix(other)}.>`)),
    nats('subscribe to every inbox', () => probe.subscribe('_INBOX.>')),
    nats('subscribe to the game server\'s inbox', () => probe.subscribe(`${serverInboxPrefix(GAME_SERVER)}.>`)),
    nats('subscribe to another player\'s inventory diffs', () => probe.subscribe(`mmo.inventory.${other}.diff`)),
    nats('subscribe to every inventory diff', () => probe.subscribe('mmo.inventory.*.diff')),
    nats('subscribe to guild roster notices', () => probe.subscribe('mmo.guild.*.roster')),
    nats('subscribe to everything', () => probe.subscribe('>')),
    {
      layer: 'decider',
      who: `player ${player}`,
      what: 'a privileged command of another category (item.mint) on its own subject',
      run: () => refused('item', `forged-${player}`, 'mint', { templateId: 'sword', owner: player }),
    },
    {
      layer: 'decider',
      who: `player ${player}`,
      what: 'a privileged command (player.credit) on its own subject',
      run: () => refused('player', player, 'credit', { amount: 1_000, cause: 'loot', reference: `forged-${player}` }),
    },
  ];
};

/** The other NATS roles, each beyond its own subjects. */
const roleAttempts = (probes: { readonly host: PermissionProbe; readonly game: PermissionProbe; readonly rebuild: PermissionProbe }, player: string): Attempt[] => {
  const attempt = (who: string, what: string, run: () => Promise<Verdict>): Attempt => ({ layer: 'nats', who, what, run });
  return [
    attempt('game server', 'subscribe to every command', () => probes.game.subscribe('mmo.cmd.>')),
    attempt('game server', 'subscribe to a player\'s inbox', () => probes.game.subscribe(`${playerInboxPrefix(player)}.>`)),
    attempt('game server', 'subscribe to every inbox', () => probes.game.subscribe('_INBOX.>')),
    attempt('game server', 'publish a forged inventory diff', () => probes.game.publish(`mmo.inventory.${player}.diff`)),
    attempt('host', 'publish as a player', () => probes.host.publish(`mmo.cmd.player.${player}.player.${player}.login`)),
    attempt('host', 'publish as the game server', () => probes.host.publish(`mmo.cmd.server.${GAME_SERVER}.player.${player}.credit`)),
    attempt('host', 'subscribe to commands outside the queue group', () => probes.host.subscribe('mmo.cmd.>')),
    attempt('host', 'subscribe to commands in another queue group', () => probes.host.subscribe('mmo.cmd.>', 'eavesdroppers')),
    attempt('host', 'subscribe to a player\'s inbox', () => probes.host.subscribe(`${playerInboxPrefix(player)}.>`)),
    attempt('host', 'publish an unsolicited reply into a player\'s inbox', () => probes.host.publish(`${playerInboxPrefix(player)}.x.1`)),
    attempt('rebuild', 'subscribe to inventory diffs', () => probes.rebuild.subscribe('mmo.inventory.*.diff')),
    attempt('rebuild', 'publish a command', () => probes.rebuild.publish(`mmo.cmd.server.${GAME_SERVER}.player.${player}.credit`)),
  ];
};

/** Logins with the wrong secret, or none. */
const loginAttempts = (world: SecuredWorld, player: string): Attempt[] => {
  const natsLogin = async (user: string | undefined, pass: string | undefined): Promise<Verdict> => {
    try {
      const connection = await connect({ servers: world.nats.url, maxReconnectAttempts: 0, ...(user === undefined ? {} : { user }), ...(pass === undefined ? {} : { pass }) });
      await connection.close();
      return 'allowed';
    } catch {
      return 'denied';
    }
  };
  const redisLogin = async (url: string): Promise<Verdict> => {
    const connection = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableReadyCheck: false });
    connection.on('error', () => undefined);
    try {
      await connection.connect();
      await connection.get('sk:sessions:active');
      return 'allowed';
    } catch {
      return 'denied';
    } finally {
      connection.disconnect();
    }
  };
  const port = world.redis.port;
  return [
    { layer: 'login', who: `player ${player}`, what: 'NATS with a wrong password', run: () => natsLogin(player, 'wrong') },
    { layer: 'login', who: 'anonymous', what: 'NATS without credentials', run: () => natsLogin(undefined, undefined) },
    { layer: 'login', who: 'anonymous', what: 'Redis as the default user', run: () => redisLogin(`redis://127.0.0.1:${port}`) },
    { layer: 'login', who: 'redis game', what: 'Redis with a wrong password', run: () => redisLogin(`redis://game:wrong@127.0.0.1:${port}`) },
  ];
};

export interface AttemptTally {
  readonly attempts: number;
  readonly denied: number;
  readonly byLayer: Readonly<Record<Attempt['layer'], { attempts: number; denied: number }>>;
  /** What was let through: empty when the figure holds. */
  readonly allowed: readonly string[];
}

/** Runs every attempt one after the other (a verdict per attempt, never two on one connection at once). */
export const runAttempts = async (attempts: readonly Attempt[]): Promise<AttemptTally> => {
  const byLayer: Record<Attempt['layer'], { attempts: number; denied: number }> = {
    nats: { attempts: 0, denied: 0 },
    decider: { attempts: 0, denied: 0 },
    redis: { attempts: 0, denied: 0 },
    login: { attempts: 0, denied: 0 },
  };
  const allowed: string[] = [];
  let denied = 0;
  for (const attempt of attempts) {
    const verdict = await attempt.run();
    byLayer[attempt.layer].attempts += 1;
    if (verdict === 'denied') {
      denied += 1;
      byLayer[attempt.layer].denied += 1;
    } else allowed.push(`${attempt.who}: ${attempt.what}`);
  }
  return { attempts: attempts.length, denied, byLayer, allowed };
};

/**
 * The same probes on what each role may do: each must come back `allowed`, which shows the
 * probes can tell the two apart (a probe that always said `denied` would prove nothing).
 */
export const allowedControls = async (world: SecuredWorld, player: string): Promise<Attempt[]> => {
  const own = probePermissions(await world.connectAs(player, { inboxPrefix: playerInboxPrefix(player) }));
  const host = probePermissions(await world.connectAs('host'));
  const game = probePermissions(await world.connectAs(GAME_SERVER, { inboxPrefix: serverInboxPrefix(GAME_SERVER) }));
  const rebuild = probePermissions(await world.connectAs('rebuild'));
  const gameRedis = await world.redisAs('game');
  const projectorRedis = await world.redisAs('projector');
  const control = (layer: Attempt['layer'], who: string, what: string, run: () => Promise<Verdict>): Attempt => ({ layer, who, what, run });
  return [
    control('nats', `player ${player}`, 'publish on its own command subjects', () => own.publish(`mmo.cmd.player.${player}.player.${player}.touch`)),
    control('nats', `player ${player}`, 'subscribe to its own inbox', () => own.subscribe(`${playerInboxPrefix(player)}.>`)),
    control('nats', `player ${player}`, 'subscribe to its own inventory diffs', () => own.subscribe(`mmo.inventory.${player}.diff`)),
    // A category no actor serves, so the probe takes no real command from the hosts.
    control('nats', 'host', 'subscribe to command subjects in the hosts\' queue group', () => host.subscribe('mmo.cmd.*.*.probe.*.*', 'shardkeep-hosts')),
    control('nats', 'host', 'publish an inventory diff', () => host.publish(`mmo.inventory.${player}.diff`)),
    control('nats', 'game server', 'publish as a player', () => game.publish(`mmo.cmd.player.${player}.player.${player}.touch`)),
    control('nats', 'game server', 'subscribe to roster notices', () => game.subscribe('mmo.guild.*.roster')),
    control('nats', 'rebuild', 'publish an activation', () => rebuild.publish('mmo.projection.probe.activated')),
    control('redis', 'redis game', 'GET an active version', () => redisVerdict(gameRedis, 'GET', 'sk:inventories:active')),
    control('redis', 'redis game', 'HGETALL an inventory', () => redisVerdict(gameRedis, 'HGETALL', `sk:inventories:1:inventory:${player}`)),
    control('redis', 'redis projector', 'SET a projection key with a TTL', () => redisVerdict(projectorRedis, 'SET', 'sk:probe:1:key', 'x', 'PX', 1_000)),
    control('redis', 'redis projector', 'DEL a projection key', () => redisVerdict(projectorRedis, 'DEL', 'sk:probe:1:key')),
  ];
};

/**
 * Every forbidden attempt for these players (each tries against the next one in the list),
 * the other roles and the logins. Connections are opened here and closed by the world.
 */
export const forbiddenAttempts = async (world: SecuredWorld, players: readonly string[]): Promise<Attempt[]> => {
  const attempts: Attempt[] = [];
  for (const [index, player] of players.entries()) {
    const other = players[(index + 1) % players.length] ?? player;
    const probe = probePermissions(await world.connectAs(player, { inboxPrefix: playerInboxPrefix(player) }));
    const client = await world.clientFor({ kind: 'player', id: player });
    attempts.push(...playerAttempts(player, other, probe, client));
  }
  const first = players[0] ?? 'p0';
  const probes = {
    host: probePermissions(await world.connectAs('host')),
    game: probePermissions(await world.connectAs(GAME_SERVER, { inboxPrefix: serverInboxPrefix(GAME_SERVER) })),
    rebuild: probePermissions(await world.connectAs('rebuild')),
  };
  attempts.push(...roleAttempts(probes, first));
  attempts.push(...redisAttempts('game', await world.redisAs('game')));
  attempts.push(...redisAttempts('projector', await world.redisAs('projector')));
  attempts.push(...loginAttempts(world, first));
  return attempts;
};
