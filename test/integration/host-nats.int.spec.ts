import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ActorHost } from '../../actors/runtime/host.js';
import { encodeCommandEnvelope } from '../../actors/runtime/protocol/envelope.js';
import { decodeReply, type CommandReply } from '../../actors/runtime/protocol/reply.js';
import { createEventStoreSnapshots } from '../../actors/runtime/snapshots.js';
import { createActorHost } from '../../actors/runtime/host.js';
import type { EventStore } from '../../events/store/index.js';
import { createCommandClient, type CommandClient } from '../../infra/client/index.js';
import { createMemoryEventStore } from '../../infra/eventstore/memory/memory-event-store.js';
import {
  connectNats,
  createNatsRequestBus,
  createNatsRequestTransport,
  HOST_INBOX_PREFIX,
  playerInboxPrefix,
  serverInboxPrefix,
  type NatsConnection,
} from '../../infra/nats/index.js';
import { startShippedNatsServer } from '../support/authorization/shipped-configs.js';
import { counterDefinition, counterEvents } from '../support/actors/counter.js';
import type { NatsServerHandle } from '../support/servers/nats-server.js';
import { instrument, sleep } from '../runtime/harness.js';

/**
 * The runtime end to end through a real nats-server that this suite starts and stops:
 * hosts in a queue group, the typed client, and the shipped NATS permissions binding the
 * issuer (the full set of refusals: test/integration/authorization.int.spec.ts).
 */
describe('actor host over NATS', () => {
  let nats: NatsServerHandle;
  const connections: NatsConnection[] = [];
  const hosts: ActorHost[] = [];

  beforeAll(async () => {
    // The shipped configuration (infra/deploy/nats-server.conf) with its rendered users.
    nats = await startShippedNatsServer(['p1']);
  });
  afterAll(async () => {
    await nats.stop();
  });
  afterEach(async () => {
    await Promise.all(hosts.splice(0).map((host) => host.stop()));
    await Promise.all(connections.splice(0).map((connection) => connection.close()));
  });

  /** Each credential receives its replies under its own inbox prefix, the only one it may read. */
  const inboxOf = (user: string): string =>
    user === 'host' ? HOST_INBOX_PREFIX : user === 'gameserver' ? serverInboxPrefix(user) : playerInboxPrefix(user);

  const connectAs = async (user: string): Promise<NatsConnection> => {
    const connection = await connectNats({ servers: nats.url, user, pass: user, name: `test-${user}`, inboxPrefix: inboxOf(user) });
    connections.push(connection);
    return connection;
  };

  const startHost = async (store: EventStore, limits: Parameters<typeof createActorHost>[0]['limits'] = {}): Promise<ActorHost> => {
    const bus = createNatsRequestBus(await connectAs('host'));
    const host = createActorHost({ bus, store, actors: [counterDefinition()], snapshots: createEventStoreSnapshots(store), limits });
    await host.start();
    hosts.push(host);
    return host;
  };

  const clientAs = async (user: string, kind: 'player' | 'server' = 'player'): Promise<CommandClient> =>
    createCommandClient({ transport: createNatsRequestTransport(await connectAs(user), { inboxPrefix: inboxOf(user) }), issuer: { kind, id: user } });

  const add = (client: CommandClient, actorId: string, amount: number, commandId?: string): Promise<CommandReply> =>
    client.send({ category: 'counter', actorId, command: 'add', data: { amount }, ...(commandId === undefined ? {} : { commandId }) });

  const totalOf = async (store: EventStore, actorId: string): Promise<number> => {
    let total = 0;
    for await (const stored of store.read(`counter-${actorId}`)) {
      const event = counterEvents.decode(stored);
      if (event.type === 'Added') total += event.data.amount;
    }
    return total;
  };

  it('decides one actor\'s commands in arrival order and different actors concurrently', async () => {
    const store = createMemoryEventStore();
    await startHost(store);
    const client = await clientAs('gameserver', 'server');
    const ordered = await Promise.all(Array.from({ length: 100 }, (_, index) => add(client, 'ordered', index + 1)));
    expect(ordered.map((reply) => (reply.ok ? reply.revision : -1))).toEqual(Array.from({ length: 100 }, (_, index) => index));
    const spread = await Promise.all(Array.from({ length: 400 }, (_, index) => add(client, `spread${index % 40}`, 1)));
    expect(spread.every((reply) => reply.ok)).toBe(true);
    for (let actor = 0; actor < 40; actor += 1) expect(await totalOf(store, `spread${actor}`)).toBe(10);
  });

  it('applies a retried command once, across passivation and across a host restart', async () => {
    const store = createMemoryEventStore();
    const first = await startHost(store, { maxResidentActors: 1 });
    const client = await clientAs('gameserver', 'server');
    expect(await add(client, 'a1', 5, 'retry-1')).toMatchObject({ ok: true, revision: 0 });
    await add(client, 'a2', 1);
    expect(await add(client, 'a1', 5, 'retry-1')).toMatchObject({ ok: true, revision: 0, duplicate: true });
    await first.stop();
    hosts.splice(hosts.indexOf(first), 1);
    await startHost(store);
    expect(await add(client, 'a1', 5, 'retry-1')).toMatchObject({ ok: true, revision: 0, duplicate: true });
    expect(await totalOf(store, 'a1')).toBe(5);
  });

  it('shares commands between two hosts in one queue group and loses no update on a shared actor', async () => {
    const store = instrument(createMemoryEventStore(), { beforeAppend: () => sleep(1) });
    const hostA = await startHost(store);
    const hostB = await startHost(store);
    const client = await clientAs('gameserver', 'server');
    const replies = await Promise.all(Array.from({ length: 300 }, () => add(client, 'shared', 1)));
    const ok = replies.filter((reply) => reply.ok).length;
    expect(ok).toBeGreaterThan(0);
    expect(replies.every((reply) => reply.ok || reply.error.code === 'CONCURRENT_MODIFICATION')).toBe(true);
    expect(await totalOf(store, 'shared')).toBe(ok);
    expect(hostA.stats().commands).toBeGreaterThan(0);
    expect(hostB.stats().commands).toBeGreaterThan(0);
  });

  it('answers OVERLOADED past the in-flight bound, and the client retries it to success', async () => {
    const store = instrument(createMemoryEventStore(), { beforeAppend: () => sleep(20) });
    const host = await startHost(store, { maxInFlight: 4 });
    const client = createCommandClient({
      transport: createNatsRequestTransport(await connectAs('gameserver'), { inboxPrefix: inboxOf('gameserver') }),
      issuer: { kind: 'server', id: 'gameserver' },
      retries: 100,
      deadlineMs: 10_000,
    });
    const replies = await Promise.all(Array.from({ length: 40 }, (_, index) => add(client, `busy${index}`, 1)));
    expect(host.stats().overloaded).toBeGreaterThan(0);
    expect(replies.every((reply) => reply.ok)).toBe(true);
  });

  it('drains on shutdown: every command answered ok is in the log', async () => {
    let appendStarted: () => void = () => undefined;
    const appending = new Promise<void>((resolve) => (appendStarted = resolve));
    const store = instrument(createMemoryEventStore(), {
      beforeAppend: () => {
        appendStarted();
        return sleep(5);
      },
    });
    const host = await startHost(store);
    const client = createCommandClient({
      transport: createNatsRequestTransport(await connectAs('gameserver'), { inboxPrefix: inboxOf('gameserver') }),
      issuer: { kind: 'server', id: 'gameserver' },
      retries: 0,
    });
    const pending = Array.from({ length: 60 }, (_, index) => add(client, `drain${index % 6}`, 1));
    // Stopped while commands are in flight: at least one append has begun, so the drain
    // has accepted work to finish, however slowly this machine delivered the first ones.
    await appending;
    await host.stop();
    hosts.splice(hosts.indexOf(host), 1);
    const replies = await Promise.all(pending);
    const ok = replies.filter((reply) => reply.ok).length;
    let logged = 0;
    for (let actor = 0; actor < 6; actor += 1) logged += await totalOf(store, `drain${actor}`);
    expect(ok).toBeGreaterThan(0);
    expect(logged).toBe(ok);
  });

  it('answers hostile and malformed payloads with VALIDATION and keeps serving', async () => {
    await startHost(createMemoryEventStore());
    const raw = await connectAs('gameserver');
    const subject = 'mmo.cmd.server.gameserver.counter.h1.add';
    const hostile = [
      Buffer.from('dc ffff '.repeat(30).replaceAll(' ', ''), 'hex'),
      Buffer.from('dd 7fffffff 01', 'hex'),
      Buffer.from('82 a9 636f6d6d616e644964 a1 63 a4 64617461 81 a9 5f5f70726f746f5f5f 01'.replaceAll(' ', ''), 'hex'),
      Buffer.from('81 a1 61 a2 c3 28'.replaceAll(' ', ''), 'hex'),
      Buffer.alloc(40_000, 0x90),
      encodeCommandEnvelope({ commandId: 'x', data: { amount: 'ten' } }),
      encodeCommandEnvelope({ commandId: 'not.safe', data: { amount: 1 } }),
    ];
    for (const payload of hostile) {
      const reply = decodeReply((await raw.request(subject, payload, { timeout: 2_000 })).data);
      expect(reply).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    }
    const client = await clientAs('gameserver', 'server');
    expect(await add(client, 'h1', 1)).toMatchObject({ ok: true });
  });

  it('binds the issuer to the credentials: a player can only send as itself', async () => {
    const store = createMemoryEventStore();
    await startHost(store);
    const p1 = await clientAs('p1');
    expect(await add(p1, 'own', 1)).toMatchObject({ ok: true });
    const impostor = createCommandClient({
      transport: createNatsRequestTransport(await connectAs('p1'), { inboxPrefix: inboxOf('p1') }),
      issuer: { kind: 'player', id: 'p2' },
      deadlineMs: 500,
      timeoutMs: 200,
    });
    const denied = await add(impostor, 'own', 1);
    expect(denied).toMatchObject({ ok: false });
    expect(await totalOf(store, 'own')).toBe(1);
  });
});
