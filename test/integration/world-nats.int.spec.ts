import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActorHost, type ActorHost } from '../../actors/runtime/host.js';
import { createEventStoreSnapshots } from '../../actors/runtime/snapshots.js';
import { guildActor } from '../../actors/guild/definition.js';
import { itemActor } from '../../actors/item/definition.js';
import { playerActor } from '../../actors/player/definition.js';
import { worldCodec } from '../../events/world.js';
import type { EventStore } from '../../events/store/index.js';
import { createCommandClient, type CommandClient } from '../../infra/client/index.js';
import { openSqliteEventStore } from '../../infra/eventstore/sqlite/index.js';
import type { Issuer } from '../../actors/runtime/protocol/issuer.js';
import { connectNats, createNatsRequestBus, createNatsRequestTransport, inboxPrefixOf, type NatsConnection } from '../../infra/nats/index.js';
import { startShippedNatsServer } from '../support/authorization/shipped-configs.js';
import type { NatsServerHandle } from '../support/servers/nats-server.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The world's three actors on one host, over a real nats-server with per-user
 * permissions and the embedded SQLite log: what a game server and a player's own
 * connection can do, and what they cannot.
 */
describe('the world over NATS', () => {
  let nats: NatsServerHandle;
  let folder: string;
  let store: EventStore;
  let host: ActorHost;
  const connections: NatsConnection[] = [];
  let game: CommandClient;
  let alice: CommandClient;

  beforeAll(async () => {
    // The shipped configuration (infra/deploy/nats-server.conf) with its rendered users.
    nats = await startShippedNatsServer(['alice']);
    folder = await mkdtemp(join(tmpdir(), 'shardkeep-world-'));
    store = openSqliteEventStore({ path: join(folder, 'events.sqlite') });
    const connect = async (user: string, inboxPrefix?: string): Promise<NatsConnection> => {
      const connection = await connectNats({ servers: nats.url, user, pass: user, ...(inboxPrefix === undefined ? {} : { inboxPrefix }) });
      connections.push(connection);
      return connection;
    };
    host = createActorHost({
      bus: createNatsRequestBus(await connect('host')),
      store,
      snapshots: createEventStoreSnapshots(store),
      actors: [playerActor(), itemActor(), guildActor({ batchWindowMs: 20 })],
    });
    await host.start();
    // Each credential receives its replies under its own inbox prefix, the only one it may read.
    const clientAs = async (issuer: Issuer): Promise<CommandClient> => {
      const inboxPrefix = inboxPrefixOf(issuer);
      return createCommandClient({ transport: createNatsRequestTransport(await connect(issuer.id, inboxPrefix), { inboxPrefix }), issuer });
    };
    game = await clientAs({ kind: 'server', id: 'gameserver' });
    alice = await clientAs({ kind: 'player', id: 'alice' });
  });
  afterAll(async () => {
    await host.stop();
    await Promise.all(connections.map((connection) => connection.close()));
    await store.close();
    await rm(folder, { recursive: true, force: true });
    await nats.stop();
  });

  const player = (client: CommandClient, id: string, command: string, data: Record<string, unknown> = {}) =>
    client.send({ category: 'player', actorId: id, command, data });

  it('registers players, logs in with a token only the reply carries, and keeps a ledger', async () => {
    for (const id of ['alice', 'bob']) expect(await player(game, id, 'register', { name: id })).toMatchObject({ ok: true });
    const login = await player(alice, 'alice', 'login');
    expect(login.ok && typeof login.result?.['token']).toBe('string');
    const token = login.ok ? String(login.result?.['token']) : '';
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);

    expect(await player(game, 'alice', 'credit', { amount: 500, cause: 'loot', reference: 'loot-1' })).toMatchObject({ ok: true, result: { balance: 500 } });
    expect(await player(alice, 'alice', 'debit', { amount: 200, cause: 'purchase', reference: 'shop-1' })).toMatchObject({ ok: true, result: { balance: 300 } });
    expect(await player(alice, 'alice', 'debit', { amount: 1_000, cause: 'purchase', reference: 'shop-2' })).toMatchObject({ ok: false, error: { code: 'REJECTED' } });
    expect(await player(alice, 'alice', 'credit', { amount: 1, cause: 'loot', reference: 'x' })).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(await player(game, 'alice', 'credit', { amount: 2 ** 53, cause: 'loot', reference: 'big' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });

    let tokenSeen = false;
    for await (const stored of store.readAll()) if (Buffer.from(stored.data).includes(token)) tokenSeen = true;
    expect(tokenSeen).toBe(false);
  });

  it('moves items between owners and refuses the wrong owner', async () => {
    const item = (client: CommandClient, id: string, command: string, data: Record<string, unknown>) =>
      client.send({ category: 'item', actorId: id, command, data });
    expect(await item(game, 'sword-1', 'mint', { templateId: 'sword', owner: 'alice' })).toMatchObject({ ok: true });
    expect(await item(alice, 'sword-1', 'mint', { templateId: 'sword', owner: 'alice' })).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(await item(alice, 'sword-1', 'transfer', { from: 'alice', to: 'bob' })).toMatchObject({ ok: true, revision: 1 });
    expect(await item(alice, 'sword-1', 'transfer', { from: 'alice', to: 'bob' })).toMatchObject({ ok: false, error: { code: 'NOT_OWNER' } });
    expect(await item(game, 'no-such-item', 'transfer', { from: 'alice', to: 'bob' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('runs a guild: create, invite, accept, bank', async () => {
    const guild = (client: CommandClient, command: string, data: Record<string, unknown>) =>
      client.send({ category: 'guild', actorId: 'wolves', command, data });
    expect(await guild(alice, 'create', { name: 'Wolves' })).toMatchObject({ ok: true });
    expect(await guild(alice, 'invite', { playerId: 'bob' })).toMatchObject({ ok: true });
    expect(await guild(game, 'acceptInvite', { playerId: 'bob' })).toMatchObject({ ok: true });
    const [deposit, withdraw] = await Promise.all([
      guild(alice, 'deposit', { amount: 100, reference: 'dep-1' }),
      guild(alice, 'withdraw', { amount: 40, reference: 'wd-1', to: 'bob' }),
    ]);
    expect(deposit).toMatchObject({ ok: true });
    expect(withdraw).toMatchObject({ ok: true });
    expect(await guild(alice, 'withdraw', { amount: 1_000, reference: 'wd-2', to: 'bob' })).toMatchObject({ ok: false, error: { code: 'REJECTED' } });
  });

  it('leaves a log the world catalog reads back whole', async () => {
    const types = new Set<string>();
    for await (const stored of store.readAll()) {
      if (stored.stream.startsWith('snapshot-')) continue;
      types.add(worldCodec.decode(stored).type);
    }
    expect([...types]).toEqual(expect.arrayContaining(['PlayerRegistered', 'SessionStarted', 'GoldCredited', 'GoldDebited', 'ItemMinted', 'ItemTransferred', 'GuildCreated', 'MemberJoined', 'GoldDeposited', 'GoldWithdrawn']));
  });
});
