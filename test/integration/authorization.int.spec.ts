import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCommandClient, type CommandClient } from '../../infra/client/index.js';
import { createNatsRequestTransport, createNatsSubscriber, playerInboxPrefix, serverInboxPrefix } from '../../infra/nats/index.js';
import { createRedisProjectionCache } from '../../infra/redis/index.js';
import { decodeInventoryDiff } from '../../projections/inventories/inventory-diff.js';
import { createReadThroughCache } from '../../projections/read-cache/index.js';
import { allowedControls, forbiddenAttempts, runAttempts } from '../support/authorization/attempts.js';
import { probePermissions } from '../support/authorization/nats-probe.js';
import { deploymentEnvironment, rebuildEnvironment } from '../support/authorization/rebuild-process.js';
import { runRebuild } from '../support/projections/rebuild-cli.js';
import { GAME_SERVER, startSecuredWorld, type SecuredWorld } from '../support/authorization/secured-world.js';

/**
 * The shipped authorization (infra/deploy/: nats-server.conf with the rendered users, and
 * redis-users.acl) on harness-started servers, under a deployment built as `npm start`
 * builds it: what each role may do works, and what it may not is refused by the servers.
 * Figure 14 counts the same attempts over more players (test/chaos/authorization.chaos.spec.ts).
 */
const PLAYERS = ['p0', 'p1', 'p2'];
const WAIT = { timeout: 20_000, interval: 50 };

describe('the shipped authorization', () => {
  let world: SecuredWorld;
  let game: CommandClient;
  let p0: CommandClient;

  beforeAll(async () => {
    world = await startSecuredWorld(PLAYERS);
    game = await world.clientFor({ kind: 'server', id: GAME_SERVER });
    p0 = await world.clientFor({ kind: 'player', id: 'p0' });
    for (const id of PLAYERS) {
      expect(await game.send({ category: 'player', actorId: id, command: 'register', data: { name: id } })).toMatchObject({ ok: true });
    }
  }, 60_000);
  afterAll(async () => {
    await world?.stop();
  });

  it('answers a player\'s commands through its own inbox, and nowhere else', async () => {
    const login = await p0.send({ category: 'player', actorId: 'p0', command: 'login', data: {} });
    expect(login).toMatchObject({ ok: true });
    expect(login.ok && typeof login.result?.['token']).toBe('string');

    // A client that keeps nats.js's default inbox cannot subscribe to it: the command is
    // published (its subject is the player's own) but no reply can reach it.
    const connection = await world.connectAs('p0');
    const defaultInbox = createCommandClient({
      transport: createNatsRequestTransport(connection),
      issuer: { kind: 'player', id: 'p0' },
      timeoutMs: 500,
      deadlineMs: 1_500,
    });
    const unheard = await defaultInbox.send({ category: 'player', actorId: 'p0', command: 'setPresence', data: { status: 'away' } });
    expect(unheard).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
  });

  it('delivers a player\'s own inventory diffs to it, and refuses another player\'s', async () => {
    const received: string[] = [];
    const own = await world.connectAs('p0', { inboxPrefix: playerInboxPrefix('p0') });
    own.subscribe('mmo.inventory.p0.diff', {
      callback: (error, message) => {
        if (error === null) received.push(...(decodeInventoryDiff(message.data)?.added.map((entry) => entry.itemId) ?? []));
      },
    });
    await own.flush();
    const snoop = probePermissions(await world.connectAs('p1', { inboxPrefix: playerInboxPrefix('p1') }));
    expect(await snoop.subscribe('mmo.inventory.p0.diff')).toBe('denied');

    expect(await game.send({ category: 'item', actorId: 'p0-sword', command: 'mint', data: { templateId: 'sword', owner: 'p0' } })).toMatchObject({ ok: true });
    await vi.waitFor(() => expect(received).toContain('p0-sword'), WAIT);
  });

  it('lets the host\'s trade queue carry a trade through under the host user', async () => {
    expect(await game.send({ category: 'item', actorId: 'p1-gem', command: 'mint', data: { templateId: 'gem', owner: 'p1' } })).toMatchObject({ ok: true });
    const p1 = await world.clientFor({ kind: 'player', id: 'p1' });
    const p2 = await world.clientFor({ kind: 'player', id: 'p2' });
    const trade = (client: CommandClient, command: string, data: Record<string, unknown>) => client.send({ category: 'trade', actorId: 'auth-trade', command, data });
    expect(await trade(p1, 'propose', { initiator: 'p1', counterparty: 'p2', expiresAt: Date.now() + 600_000 })).toMatchObject({ ok: true });
    expect(await trade(p1, 'offer', { items: ['p1-gem'], gold: 0 })).toMatchObject({ ok: true });
    expect(await trade(p1, 'accept', { offerVersion: 1 })).toMatchObject({ ok: true });
    expect(await trade(p2, 'accept', { offerVersion: 1 })).toMatchObject({ ok: true });
    await vi.waitFor(() => expect(world.deployment.node.processManager.stats().tradesClosed.completed).toBe(1), WAIT);
    // The gem is p2's now: p2 may hand it on, p1 no longer may.
    expect(await p2.send({ category: 'item', actorId: 'p1-gem', command: 'transfer', data: { from: 'p2', to: 'p0' } })).toMatchObject({ ok: true });
    expect(world.errors).toEqual([]);
  }, 60_000);

  it('refuses every forbidden publish, subscription, Redis command and login', async () => {
    const tally = await runAttempts(await forbiddenAttempts(world, PLAYERS));
    expect(tally.allowed).toEqual([]);
    expect(tally.denied).toBe(tally.attempts);
    expect(tally.attempts).toBeGreaterThan(100);
    // The same probes on what the roles may do come back allowed: they tell the two apart.
    const controls = await runAttempts(await allowedControls(world, 'p1'));
    expect(controls.denied).toBe(0);
  });

  it('projects under the projector user with nothing refused, and serves the read cache under the game user', async () => {
    expect(await game.send({ category: 'item', actorId: 'p0-shield', command: 'mint', data: { templateId: 'shield', owner: 'p0' } })).toMatchObject({ ok: true });
    await vi.waitFor(() => expect(world.deployment.projections.stats().every((stats) => stats.caughtUp)).toBe(true), WAIT);
    expect(world.errors).toEqual([]);
    const reader = createReadThroughCache({
      cache: createRedisProjectionCache(await world.redisAs('game'), { closeConnection: false }),
      log: world.deployment.store,
      subscriber: createNatsSubscriber(await world.connectAs(GAME_SERVER, { inboxPrefix: serverInboxPrefix(GAME_SERVER) })),
      l1: { max: 100, ttlMs: 60_000 },
    });
    await reader.ready();
    await vi.waitFor(async () => {
      expect([...(await reader.inventory('p0')).items.keys()]).toContain('p0-shield');
    }, WAIT);
    await reader.close();
  }, 60_000);

  it('rebuilds under the rebuild users only (SHARDKEEP_REBUILD_*)', async () => {
    const asProjector = await runRebuild(['inventories'], deploymentEnvironment(world));
    expect(asProjector.code).toBe(1);
    expect(asProjector.stderr + asProjector.stdout).toMatch(/NOPERM/);

    const activations: string[] = [];
    const watcher = await world.connectAs(GAME_SERVER, { inboxPrefix: serverInboxPrefix(GAME_SERVER) });
    watcher.subscribe('mmo.projection.*.activated', { callback: (error, message) => void (error === null && activations.push(message.subject)) });
    await watcher.flush();
    const asRebuild = await runRebuild(['inventories'], rebuildEnvironment(world));
    expect(asRebuild.stderr).not.toMatch(/NOPERM|Permissions Violation/i);
    expect(asRebuild.code).toBe(0);
    await vi.waitFor(() => expect(activations).toContain('mmo.projection.inventories.activated'), WAIT);
    const cache = createRedisProjectionCache(await world.redisAs('game'), { closeConnection: false });
    expect(await cache.activeVersion('inventories')).toBe(2);
  }, 120_000);
});
