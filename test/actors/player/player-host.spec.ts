import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { playerActor, playerEvents } from '../../../actors/player/definition.js';
import { hashToken } from '../../../actors/player/sessions.js';
import type { ActorHost } from '../../../actors/runtime/host.js';
import type { EventStore } from '../../../events/store/index.js';
import { createEmbeddedBus, type EmbeddedBus } from '../../../infra/bus/index.js';
import { createMemoryEventStore } from '../../../infra/eventstore/memory/memory-event-store.js';
import { player, send, sleep, startHost, server, type SendOptions } from '../../runtime/harness.js';

/** The player actor behind a real host: subjects, msgpack envelopes, the store and snapshots. */
describe('player actor in a host', () => {
  let bus: EmbeddedBus;
  let store: EventStore;
  let hosts: ActorHost[];
  let hostErrors: string[];

  beforeEach(() => {
    bus = createEmbeddedBus();
    store = createMemoryEventStore();
    hosts = [];
    hostErrors = [];
  });
  afterEach(async () => {
    await Promise.all(hosts.map((host) => host.stop()));
    await bus.close();
    expect(hostErrors).toEqual([]);
  });

  const host = async (snapshotEvery = 100): Promise<ActorHost> => {
    const started = await startHost({
      bus,
      store,
      actors: [playerActor()],
      limits: { snapshotEvery },
      onError: (error, context) => hostErrors.push(`${context}: ${String(error)}`),
    });
    hosts.push(started);
    return started;
  };

  const to = (command: string, data: Record<string, unknown>, options: SendOptions = {}) =>
    send(bus, 'p1', command, data, { category: 'player', issuer: player('p1'), ...options });

  const storedBytes = async (): Promise<string> => {
    const chunks: string[] = [];
    for await (const event of store.read('player-p1')) chunks.push(Buffer.from(event.data).toString('latin1'));
    return chunks.join('');
  };

  it('hands the token to the caller once, stores only its hash, and gives a retry no token', async () => {
    await host();
    expect(await to('register', { name: 'Aria' }, { issuer: server })).toMatchObject({ ok: true, events: ['PlayerRegistered'] });
    const login = await to('login', {}, { commandId: 'login-1' });
    if (!login.ok) throw new Error(login.error.message);
    const token = login.result?.['token'];
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(login.result?.['sessionId']).toMatch(/^[0-9a-f]{16}$/);

    expect(await storedBytes()).not.toContain(token);
    const started = [];
    for await (const stored of store.read('player-p1')) started.push(playerEvents.decode(stored));
    const session = started.find((event) => event.type === 'SessionStarted');
    expect(session?.type === 'SessionStarted' && session.data.tokenHash).toBe(hashToken(token as string));
    expect(session?.storedType).toBe('SessionStarted.v1');
    expect(session?.metadata.issuer).toBe('player:p1');

    expect(await to('login', {}, { commandId: 'login-1' })).toEqual({ ok: true, revision: 1, events: ['SessionStarted'], duplicate: true });
    const again = await to('login', {}, { commandId: 'login-2' });
    expect(again).toMatchObject({ ok: true, events: ['SessionRevoked', 'SessionStarted'] });
    expect(again.ok && again.result?.['token']).not.toBe(token);
  });

  it('refuses at the subject, at the schema and in the decider, with the protocol codes', async () => {
    await host();
    await to('register', { name: 'Aria' }, { issuer: server });
    await to('credit', { amount: 100, cause: 'loot', reference: 'mob-1' }, { issuer: server });

    expect(await to('credit', { amount: 100, cause: 'loot', reference: 'mob-2' })).toEqual({
      ok: false,
      error: { code: 'UNAUTHORIZED', message: 'credit may not be issued by a player' },
    });
    expect(await to('debit', { amount: 1, cause: 'fee', reference: 'x' }, { issuer: player('p2') })).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED' },
    });
    expect(await to('debit', { amount: 2n ** 53n + 1n, cause: 'fee', reference: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', message: 'amount: must be a number' },
    });
    expect(await to('debit', { amount: 101, cause: 'fee', reference: 'x' })).toEqual({
      ok: false,
      error: { code: 'REJECTED', message: 'insufficient gold: has 100, needs 101' },
    });
    expect(await to('debit', { amount: 100, cause: 'fee', reference: 'x' })).toMatchObject({ ok: true, result: { balance: 0 } });
    expect(await send(bus, 'p9', 'login', {}, { category: 'player', issuer: player('p9') })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'player p9 is not registered' },
    });
  });

  it('restarts from a player snapshot and still refuses a ledger reference it applied before', async () => {
    const first = await host(3);
    await to('register', { name: 'Aria' }, { issuer: server });
    for (let index = 0; index < 6; index += 1) {
      await to('credit', { amount: 2 ** 31 + 1, cause: 'loot', reference: `mob-${index}` }, { issuer: server });
    }
    await to('debit', { amount: 5, cause: 'repair', reference: 'anvil-1' });
    await sleep(20);
    expect(first.stats().snapshotsWritten).toBeGreaterThan(0);
    await first.stop();
    hosts = [];

    await host(3);
    expect(await to('credit', { amount: 1, cause: 'loot', reference: 'mob-2' }, { issuer: server })).toMatchObject({
      ok: false,
      error: { code: 'REJECTED', message: 'duplicate ledger entry: credit loot mob-2 already applied' },
    });
    expect(await to('debit', { amount: 1, cause: 'repair', reference: 'anvil-2' })).toMatchObject({
      ok: true,
      result: { balance: 6 * (2 ** 31 + 1) - 5 - 1 },
    });
  });
});
