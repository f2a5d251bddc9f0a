import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { itemActor } from '../../../actors/item/definition.js';
import type { ActorHost } from '../../../actors/runtime/host.js';
import { createEmbeddedBus, type EmbeddedBus } from '../../../infra/bus/index.js';
import { createMemoryEventStore } from '../../../infra/eventstore/memory/memory-event-store.js';
import { player, send, server, startHost, streamEvents } from '../../runtime/harness.js';

/** The item actor as a client meets it: subjects, schemas and issuers, on the in-process bus. */
describe('item actor on a host', () => {
  let bus: EmbeddedBus;
  let host: ActorHost;
  const store = createMemoryEventStore();

  beforeEach(async () => {
    bus = createEmbeddedBus();
    host = await startHost({ bus, store, actors: [itemActor()] });
  });
  afterEach(async () => {
    await host.stop();
    await bus.close();
  });

  const item = (actorId: string, command: string, data: Record<string, unknown>, issuer = server) =>
    send(bus, actorId, command, data, { category: 'item', issuer });

  it('mints, transfers, escrows and releases, answering each with the stream revision', async () => {
    expect(await item('h-1', 'mint', { templateId: 'longsword', owner: 'p1' })).toMatchObject({ ok: true, revision: 0, events: ['ItemMinted'] });
    expect(await item('h-1', 'transfer', { from: 'p1', to: 'p2' }, player('p1'))).toMatchObject({ ok: true, revision: 1 });
    const holder = { kind: 'trade', id: 't1' };
    expect(await item('h-1', 'escrow', { holder, from: 'p2' })).toMatchObject({ ok: true, revision: 2, events: ['ItemEscrowed'] });
    // A repeated step under a new commandId: accepted, nothing appended, the revision unchanged.
    expect(await item('h-1', 'escrow', { holder, from: 'p2' })).toEqual({ ok: true, revision: 2, events: [] });
    expect(await item('h-1', 'release', { holder, to: 'p3' })).toMatchObject({ ok: true, revision: 3, events: ['ItemReleased'] });
    expect(await item('h-1', 'release', { holder, to: 'p3' })).toEqual({ ok: true, revision: 3, events: [] });
    expect(await streamEvents(store, 'item-h-1')).toEqual(['ItemMinted.v1', 'ItemTransferred.v1', 'ItemEscrowed.v1', 'ItemReleased.v1']);
  });

  it('refuses server-only commands from players at the subject', async () => {
    for (const [command, data] of [
      ['mint', { templateId: 'longsword', owner: 'p1' }],
      ['destroy', { reason: 'mine' }],
      ['escrow', { holder: { kind: 'trade', id: 't1' }, from: 'p1' }],
      ['release', { holder: { kind: 'trade', id: 't1' }, to: 'p1' }],
    ] as const) {
      expect(await item('h-2', command, data, player('p1'))).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    }
    expect(await streamEvents(store, 'item-h-2')).toEqual([]);
  });

  it('answers a player moving another player\'s item UNAUTHORIZED, a forged id NOT_FOUND, bad data VALIDATION', async () => {
    await item('h-3', 'mint', { templateId: 'longsword', owner: 'p1' });
    expect(await item('h-3', 'transfer', { from: 'p1', to: 'p2' }, player('p2'))).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(await item('h-3', 'transfer', { from: 'p2', to: 'p3' }, player('p2'))).toMatchObject({ ok: false, error: { code: 'NOT_OWNER' } });
    expect(await item('forged-9', 'transfer', { from: 'p1', to: 'p2' }, player('p1'))).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await item('h-3', 'transfer', { from: 'p1', to: 'p2', itemId: 'h-4' }, player('p1'))).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
    expect(await streamEvents(store, 'item-h-3')).toEqual(['ItemMinted.v1']);
    expect(await streamEvents(store, 'item-forged-9')).toEqual([]);
  });
});
