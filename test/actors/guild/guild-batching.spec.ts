import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { guildActor, guildEvents } from '../../../actors/guild/definition.js';
import type { ActorHost } from '../../../actors/runtime/host.js';
import type { CommandReply } from '../../../actors/runtime/protocol/reply.js';
import { createEmbeddedBus, type EmbeddedBus } from '../../../infra/bus/index.js';
import { createMemoryEventStore } from '../../../infra/eventstore/memory/memory-event-store.js';
import { instrument, player, send, server, startHost, streamEvents } from '../../runtime/harness.js';

/** The guild on a real host: embedded bus, memory store, the runtime's batch window. */
describe('guild actor on the host', () => {
  let bus: EmbeddedBus;
  let appendsTo: Map<string, number>;
  let store: ReturnType<typeof instrument>;
  let hosts: ActorHost[];

  beforeEach(() => {
    bus = createEmbeddedBus();
    appendsTo = new Map();
    store = instrument(createMemoryEventStore(), {
      afterAppend: (stream) => void appendsTo.set(stream, (appendsTo.get(stream) ?? 0) + 1),
    });
    hosts = [];
  });
  afterEach(async () => {
    await Promise.all(hosts.map((host) => host.stop()));
    await bus.close();
  });

  const host = async (options: Partial<Parameters<typeof startHost>[0]> = {}): Promise<ActorHost> => {
    const started = await startHost({ bus, store, actors: [guildActor()], ...options });
    hosts.push(started);
    return started;
  };
  const guild = (command: string, data: Record<string, unknown>, as = player('lead'), commandId?: string): Promise<CommandReply> =>
    send(bus, 'g1', command, data, { category: 'guild', issuer: as, ...(commandId === undefined ? {} : { commandId }) });
  const outcome = (reply: CommandReply): string => (reply.ok ? 'ok' : reply.error.code);

  it('decides 50 actions sent within the window in one append, each with its own reply', async () => {
    await host();
    expect(outcome(await guild('create', { name: 'Knights' }))).toBe('ok');
    const before = { store: store.appends, guild: appendsTo.get('guild-g1') };
    expect(before.guild).toBe(1);

    // Ordered as they are sent: every action is decided against the state its
    // predecessors in the batch produced (p1 is an officer by the time it withdraws).
    const recruits = Array.from({ length: 20 }, (_, index) => `p${index + 1}`);
    const actions: (() => Promise<CommandReply>)[] = [
      ...recruits.map((id) => () => guild('invite', { playerId: id })),
      ...recruits.map((id) => () => guild('acceptInvite', {}, player(id))),
      () => guild('promote', { playerId: 'p1' }),
      () => guild('setMotd', { text: 'Raid at nine' }),
      ...recruits.slice(1, 7).map((id, index) => () => guild('deposit', { amount: 100, reference: `dep-${index}` }, player(id))),
      () => guild('withdraw', { amount: 250, reference: 'w-1', to: 'p3' }, player('p1')),
      // A member may not kick: refused, and the 49 other actions still go through.
      () => guild('kick', { playerId: 'p5' }, player('p4')),
    ];
    expect(actions).toHaveLength(50);
    const replies = await Promise.all(actions.map((action) => action()));

    expect(replies).toHaveLength(50);
    expect(replies.map(outcome).filter((code) => code !== 'ok')).toEqual(['UNAUTHORIZED']);
    expect(replies[49]).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED', message: expect.stringMatching(/member may not kick/) },
    });
    expect(appendsTo.get('guild-g1')).toBe(2);
    expect(store.appends - before.store).toBe(1);
    // Revisions 1..49: one event per accepted action, in sending order.
    expect(replies.flatMap((reply) => (reply.ok ? [reply.revision] : []))).toEqual(Array.from({ length: 49 }, (_, index) => index + 1));

    const history = await streamEvents(store, 'guild-g1');
    expect(history).toHaveLength(50);
    expect(history.filter((type) => type === 'MemberJoined.v1')).toHaveLength(20);
    let bank = 0;
    for await (const stored of store.read('guild-g1')) {
      const event = guildEvents.decode(stored);
      if (event.type === 'GoldDeposited') bank += event.data.amount;
      if (event.type === 'GoldWithdrawn') bank -= event.data.amount;
    }
    expect(bank).toBe(350);
  });

  it('refuses a bank reference used before, even under a new commandId; a retry of the same commandId is a duplicate', async () => {
    await host({ actors: [guildActor({ batchWindowMs: 5 })] });
    await guild('create', { name: 'Knights' });
    const trade = { amount: 10, reference: 'trade-1' };
    expect(await guild('deposit', trade, player('lead'), 'c-1')).toMatchObject({ ok: true, events: ['GoldDeposited'] });
    expect(await guild('deposit', trade, player('lead'), 'c-1')).toMatchObject({ ok: true, duplicate: true });
    expect(await guild('deposit', trade, player('lead'), 'c-2')).toMatchObject({ ok: false, error: { code: 'REJECTED' } });
    expect(await guild('deposit', { ...trade, from: 'lead' }, server, 'c-3')).toMatchObject({ ok: false, error: { code: 'REJECTED' } });
    expect((await streamEvents(store, 'guild-g1')).filter((type) => type === 'GoldDeposited.v1')).toHaveLength(1);
  });

  it('answers NOT_FOUND for a guild never created, and VALIDATION for bad data, at the boundary', async () => {
    await host({ actors: [guildActor({ batchWindowMs: 0 })] });
    expect(outcome(await guild('invite', { playerId: 'p1' }))).toBe('NOT_FOUND');
    expect(outcome(await guild('setMotd', { text: 'x'.repeat(300) }))).toBe('VALIDATION');
    expect(outcome(await guild('deposit', { amount: -1, reference: 'r' }))).toBe('VALIDATION');
    expect(outcome(await guild('disband', {}))).toBe('NOT_FOUND');
  });

  it('comes back from a snapshot with its roster, ranks, bank and references', async () => {
    const first = await host({ actors: [guildActor({ batchWindowMs: 0 })], limits: { snapshotEvery: 4 } });
    await guild('create', { name: 'Knights' });
    await guild('invite', { playerId: 'p1' });
    await guild('acceptInvite', {}, player('p1'));
    await guild('promote', { playerId: 'p1' });
    await guild('deposit', { amount: 40, reference: 'd-1' }, player('p1'));
    await first.stop();
    hosts = [];
    expect(first.stats().snapshotsWritten).toBe(1);
    store.eventsRead = 0;
    await host({ actors: [guildActor({ batchWindowMs: 0 })], limits: { snapshotEvery: 4 } });
    expect(outcome(await guild('withdraw', { amount: 40, reference: 'd-1', to: 'p1' }, player('p1')))).toBe('REJECTED');
    // The snapshot (of revision 3) and the one deposit after it: the state came from the snapshot.
    expect(store.eventsRead).toBe(2);
    expect(outcome(await guild('withdraw', { amount: 41, reference: 'w-1', to: 'p1' }, player('p1')))).toBe('REJECTED');
    expect(outcome(await guild('withdraw', { amount: 40, reference: 'w-1', to: 'p1' }, player('p1')))).toBe('ok');
    expect(outcome(await guild('kick', { playerId: 'lead' }, player('p1')))).toBe('UNAUTHORIZED');
  });
});
