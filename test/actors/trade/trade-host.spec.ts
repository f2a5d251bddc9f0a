import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tradeActor } from '../../../actors/trade/definition.js';
import type { ActorHost } from '../../../actors/runtime/host.js';
import { createEmbeddedBus, type EmbeddedBus } from '../../../infra/bus/index.js';
import { createMemoryEventStore } from '../../../infra/eventstore/memory/memory-event-store.js';
import { player, send, server, startHost, streamEvents } from '../../runtime/harness.js';
import { ALICE, BOB, EXPIRES_AT } from './fixtures.js';

/**
 * The trade actor as a process manager and game servers meet it: subjects, schemas,
 * issuers, the event codec, and the state rebuilt from the stream on a host.
 */
describe('trade actor on a host', () => {
  let bus: EmbeddedBus;
  let host: ActorHost;
  const store = createMemoryEventStore();

  beforeEach(async () => {
    bus = createEmbeddedBus();
    host = await startHost({ bus, store, actors: [tradeActor()] });
  });
  afterEach(async () => {
    await host.stop();
    await bus.close();
  });

  const trade = (command: string, data: Record<string, unknown>, issuer = server) =>
    send(bus, 'h-t1', command, data, { category: 'trade', issuer });

  it('runs a trade from proposal to completion; repeated steps append nothing', async () => {
    // Far in the future: the host stamps commands with its own clock.
    expect(await trade('propose', { initiator: ALICE, counterparty: BOB, expiresAt: EXPIRES_AT + 10 ** 12 }, player(ALICE))).toMatchObject({ ok: true });
    await trade('offer', { items: ['s1'], gold: 0 }, player(ALICE));
    await trade('offer', { items: [], gold: 50 }, player(BOB));
    expect(await trade('accept', { offerVersion: 1 }, player(ALICE))).toMatchObject({ ok: false, error: { code: 'REJECTED' } });
    await trade('accept', { offerVersion: 2 }, player(ALICE));
    expect(await trade('accept', { offerVersion: 2 }, player(BOB))).toMatchObject({ ok: true, events: ['TradeOfferAccepted', 'TradeEscrowRequested'] });
    const sword = { kind: 'item', itemId: 's1', party: ALICE };
    const gold = { kind: 'gold', party: BOB };
    expect(await trade('escrowConfirmed', { step: sword }, player(ALICE))).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    await trade('escrowConfirmed', { step: sword });
    const confirmed = await trade('escrowConfirmed', { step: gold });
    expect(confirmed).toMatchObject({ ok: true, events: ['TradeEscrowConfirmed', 'TradeSettlementRequested'] });
    expect(await trade('escrowConfirmed', { step: gold })).toMatchObject({ ok: true, events: [] });
    await trade('settled', { step: sword });
    expect(await trade('settled', { step: gold })).toMatchObject({ ok: true, events: ['TradeLegSettled', 'TradeClosed'] });
    expect(await trade('cancel', {}, player(BOB))).toMatchObject({ ok: false, error: { code: 'REJECTED' } });
    expect(await streamEvents(store, 'trade-h-t1')).toEqual([
      'TradeProposed.v1',
      'TradeOfferChanged.v1',
      'TradeOfferChanged.v1',
      'TradeOfferAccepted.v1',
      'TradeOfferAccepted.v1',
      'TradeEscrowRequested.v1',
      'TradeEscrowConfirmed.v1',
      'TradeEscrowConfirmed.v1',
      'TradeSettlementRequested.v1',
      'TradeLegSettled.v1',
      'TradeLegSettled.v1',
      'TradeClosed.v1',
    ]);
  });

  it('refuses bad data with VALIDATION before the decider', async () => {
    expect(await trade('offer', { items: ['s1', 's1'], gold: 0 }, player(ALICE))).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });
});
