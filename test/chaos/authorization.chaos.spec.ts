import { afterAll, describe, expect, it, vi } from 'vitest';
import { createNatsSubscriber, playerInboxPrefix, serverInboxPrefix } from '../../infra/nats/index.js';
import { createRedisProjectionCache } from '../../infra/redis/index.js';
import { decodeInventoryDiff } from '../../projections/inventories/inventory-diff.js';
import { createReadThroughCache } from '../../projections/read-cache/index.js';
import { allowedControls, forbiddenAttempts, runAttempts } from '../support/authorization/attempts.js';
import { rebuildEnvironment } from '../support/authorization/rebuild-process.js';
import { runRebuild } from '../support/projections/rebuild-cli.js';
import { GAME_SERVER, startSecuredWorld, type SecuredWorld } from '../support/authorization/secured-world.js';
import { recordFigure, scaled } from '../support/chaos/figures.js';

/**
 * Figure 14 of RELIABILITY.md: a player's credentials reach only its own subjects, and the
 * game's Redis user cannot FLUSHALL or CONFIG; denied 100%.
 *
 * The servers run the shipped configurations (infra/deploy/nats-server.conf with the users
 * `npm run nats-config` renders, infra/deploy/redis-users.acl) under a deployment built as
 * `npm start` builds it. Every player tries every forbidden publish and subscription against
 * the next player, and the privileged commands its subjects can carry; the host, the game
 * server and the rebuild try beyond their roles; the game and projector Redis users try the
 * dangerous commands and the keys that are not theirs; logins with wrong or no credentials.
 * Each verdict is the server's own (a permissions violation, NOPERM, a refused login) or, for
 * a privileged command on a player's own subject, the decider's UNAUTHORIZED. Beside them,
 * every allowed path must work.
 */
const WAIT = { timeout: 30_000, interval: 50 };

describe('figure 14: authorization', () => {
  let world: SecuredWorld | undefined;
  afterAll(async () => {
    await world?.stop();
  });

  it('denies every forbidden action of every role, and every allowed path works', async () => {
    const players = Array.from({ length: scaled({ short: 12, full: 120 }) }, (_, index) => `p${String(index).padStart(3, '0')}`);
    world = await startSecuredWorld(players);
    const secured = world;
    const game = await secured.clientFor({ kind: 'server', id: GAME_SERVER });

    // Allowed: each player's own commands answered through its own inbox, its own diffs delivered.
    let answered = 0;
    const diffsReceived = new Set<string>();
    for (const player of players) {
      expect(await game.send({ category: 'player', actorId: player, command: 'register', data: { name: player } })).toMatchObject({ ok: true });
      const own = await secured.connectAs(player, { inboxPrefix: playerInboxPrefix(player) });
      own.subscribe(`mmo.inventory.${player}.diff`, {
        callback: (error, message) => {
          const diff = error === null ? decodeInventoryDiff(message.data) : undefined;
          if (diff?.playerId === player) diffsReceived.add(player);
        },
      });
      await own.flush();
      const client = await secured.clientFor({ kind: 'player', id: player });
      if ((await client.send({ category: 'player', actorId: player, command: 'login', data: {} })).ok) answered += 1;
      await game.send({ category: 'item', actorId: `${player}-i0`, command: 'mint', data: { templateId: 'sword', owner: player } });
    }
    await vi.waitFor(() => expect(diffsReceived.size).toBe(players.length), WAIT);
    await vi.waitFor(() => expect(secured.deployment.projections.stats().every((stats) => stats.caughtUp)).toBe(true), WAIT);

    // Allowed: the read cache under the game user.
    const reader = createReadThroughCache({
      cache: createRedisProjectionCache(await secured.redisAs('game'), { closeConnection: false }),
      log: secured.deployment.store,
      subscriber: createNatsSubscriber(await secured.connectAs(GAME_SERVER, { inboxPrefix: serverInboxPrefix(GAME_SERVER) })),
      l1: { max: 1_000, ttlMs: 60_000 },
    });
    await reader.ready();
    let inventoriesRead = 0;
    for (const player of players) if ((await reader.inventory(player)).items.has(`${player}-i0`)) inventoriesRead += 1;
    await reader.close();

    // Forbidden: everything beyond each role.
    const tally = await runAttempts(await forbiddenAttempts(secured, players));
    const controls = await runAttempts(await allowedControls(secured, players[0] ?? 'p000'));

    // Allowed: the rebuild under its own users, while the projector keeps projecting without a refusal.
    const rebuild = await runRebuild(['--all'], rebuildEnvironment(secured));
    const projectorErrors = secured.errors.filter((error) => /NOPERM|Permissions Violation/i.test(error));

    const allowedPaths = {
      'player commands answered through the own inbox': `${answered}/${players.length}`,
      'own inventory diffs delivered': `${diffsReceived.size}/${players.length}`,
      'inventories read under the game user': `${inventoriesRead}/${players.length}`,
      'allowed probes let through': `${controls.attempts - controls.denied}/${controls.attempts}`,
    };
    const allowedOk =
      answered === players.length &&
      diffsReceived.size === players.length &&
      inventoriesRead === players.length &&
      controls.denied === 0 &&
      rebuild.code === 0 &&
      projectorErrors.length === 0;
    const layer = (name: keyof typeof tally.byLayer): string => `${tally.byLayer[name].denied}/${tally.byLayer[name].attempts}`;
    recordFigure({
      figure: 14,
      scenario: `shipped NATS authorization and Redis ACL, ${players.length} players and every role`,
      verdict: tally.denied === tally.attempts && allowedOk ? 'pass' : 'fail',
      measurements: {
        'forbidden attempts': tally.attempts,
        denied: tally.denied,
        'denied %': Number(((100 * tally.denied) / tally.attempts).toFixed(2)),
        'NATS publish/subscribe denied': layer('nats'),
        'privileged commands refused (UNAUTHORIZED)': layer('decider'),
        'Redis commands denied (NOPERM)': layer('redis'),
        'logins refused': layer('login'),
        ...allowedPaths,
        'rebuild under the rebuild users': rebuild.code === 0 ? 'ok' : `exit ${rebuild.code ?? 'signal'}`,
        'projector refusals': projectorErrors.length,
      },
      method:
        'Each player tried to publish as another player, as a server and on others\' inboxes and diffs, and to subscribe to commands, other inboxes, diffs and roster notices; the host, game server and rebuild tried beyond their roles; the game and projector Redis users tried FLUSHALL, CONFIG, KEYS, SCAN, EVAL, DEBUG, writes and deletes outside their rights; each verdict is the server\'s own (permissions violation, NOPERM, refused login) or the decider\'s UNAUTHORIZED.',
    });

    expect(tally.allowed).toEqual([]);
    expect(tally.denied).toBe(tally.attempts);
    expect(allowedPaths).toEqual({
      'player commands answered through the own inbox': `${players.length}/${players.length}`,
      'own inventory diffs delivered': `${players.length}/${players.length}`,
      'inventories read under the game user': `${players.length}/${players.length}`,
      'allowed probes let through': `${controls.attempts}/${controls.attempts}`,
    });
    expect(rebuild.stderr).not.toMatch(/NOPERM|Permissions Violation/i);
    expect(rebuild.code).toBe(0);
    expect(projectorErrors).toEqual([]);
  });
});
