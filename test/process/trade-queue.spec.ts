import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEmbeddedBus, type EmbeddedBus } from '../../infra/bus/index.js';
import { createMemoryEventStore } from '../../infra/eventstore/memory/memory-event-store.js';
import { startWorldNode, type WorldNode } from '../../infra/world/world-node.js';
import { sleep, streamEvents } from '../runtime/harness.js';
import { agreeTrade, command, seedWorld } from './world-fixture.js';

describe('the trade queue drives agreed trades to their end', () => {
  let bus: EmbeddedBus;
  let node: WorldNode;
  const store = createMemoryEventStore();

  beforeEach(async () => {
    bus = createEmbeddedBus();
    node = await startWorldNode({ bus, transport: bus, store, world: { guildBatchWindowMs: 0 } });
  });
  afterEach(async () => {
    await node.stop();
    await bus.close();
  });

  const waitClosed = async (tradeId: string): Promise<string[]> => {
    for (let i = 0; i < 200; i += 1) {
      const events = await streamEvents(store, `trade-${tradeId}`);
      if (events.includes('TradeClosed.v1')) return events;
      await sleep(10);
    }
    throw new Error(`trade ${tradeId} did not close: ${(await streamEvents(store, `trade-${tradeId}`)).join(', ')}`);
  };

  it('swaps a sword for gold', async () => {
    await seedWorld(bus, ['alice', 'bob'], { gold: 100, items: 1 });
    const reply = await agreeTrade(bus, { tradeId: 't1', initiator: 'alice', counterparty: 'bob', initiatorItems: ['alice-i0'], counterpartyGold: 40 });
    expect(reply).toMatchObject({ ok: true });
    const events = await waitClosed('t1');
    expect(events).toContain('TradeLegSettled.v1');
    expect(await streamEvents(store, 'item-alice-i0')).toEqual(['ItemMinted.v1', 'ItemEscrowed.v1', 'ItemReleased.v1']);
    const alice = await command(bus, 'player', 'alice', 'debit', { amount: 140, cause: 'purchase', reference: 'x' });
    expect(alice).toMatchObject({ ok: true, result: { balance: 0 } });
    const bob = await command(bus, 'player', 'bob', 'debit', { amount: 61, cause: 'purchase', reference: 'x' });
    expect(bob).toMatchObject({ ok: false, error: { code: 'REJECTED' } });
  });
});
