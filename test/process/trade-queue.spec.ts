import { afterEach, describe, expect, it } from 'vitest';
import { createActorHost } from '../../actors/runtime/host.js';
import { createEmbeddedBus } from '../../infra/bus/index.js';
import { createMemoryEventStore } from '../../infra/eventstore/memory/memory-event-store.js';
import { worldActors } from '../../infra/world/world-node.js';
import { recordFigure, scaled } from '../support/chaos/figures.js';
import { withFaults } from '../support/faulty-store.js';
import { streamEvents } from '../runtime/harness.js';
import {
  agreeTrade,
  asPlayer,
  balanceOf,
  command,
  eventually,
  holderOf,
  seedWorld,
  startInProcessWorld,
  tradeOutcome,
  type InProcessWorld,
} from './world-fixture.js';

/**
 * The trade queue as players meet it: they agree a trade, and the queue escrows, settles
 * or hands everything back, whatever fails on the way.
 */
describe('the trade queue', () => {
  let world: InProcessWorld | undefined;
  afterEach(async () => {
    await world?.stop();
    world = undefined;
  });

  it('given an agreed swap of a sword for gold, it escrows both, then settles both', async () => {
    world = await startInProcessWorld();
    const { bus, store } = world;
    await seedWorld(bus, ['alice', 'bob'], { gold: 100, items: 1 });

    const reply = await agreeTrade(bus, { tradeId: 't1', initiator: 'alice', counterparty: 'bob', initiatorItems: ['alice-i0'], counterpartyGold: 40 });

    expect(reply).toMatchObject({ ok: true, events: ['TradeOfferAccepted', 'TradeEscrowRequested'] });
    expect(await tradeOutcome(store, 't1')).toBe('completed');
    expect(await holderOf(store, 'alice-i0')).toBe('bob');
    expect(await balanceOf(store, 'alice')).toBe(140);
    expect(await balanceOf(store, 'bob')).toBe(60);
    expect(await streamEvents(store, 'item-alice-i0')).toEqual(['ItemMinted.v1', 'ItemEscrowed.v1', 'ItemReleased.v1']);
  });

  it('given a party without the gold it offered, the trade fails and the other party gets its item back', async () => {
    world = await startInProcessWorld();
    const { bus, store } = world;
    await seedWorld(bus, ['alice', 'bob'], { gold: 10, items: 1 });
    // Bob spends his gold after offering it.
    await agreeTrade(bus, { tradeId: 't2', initiator: 'alice', counterparty: 'bob', initiatorItems: ['alice-i0'], counterpartyGold: 10 }).then(
      () => undefined,
    );
    // The race is decided by the queue; both orders must end consistently.
    const outcome = await tradeOutcome(store, 't2');
    expect(['completed', 'failed']).toContain(outcome);

    await seedWorld(bus, ['carol'], { gold: 0, items: 1 });
    await agreeTrade(bus, { tradeId: 't3', initiator: 'carol', counterparty: 'alice', initiatorItems: ['carol-i0'], counterpartyGold: 1_000 });
    expect(await tradeOutcome(store, 't3')).toBe('failed');
    expect(await holderOf(store, 'carol-i0')).toBe('carol');
    const events = await streamEvents(store, 'trade-t3');
    expect(events).toContain('TradeEscrowFailed.v1');
    expect(events.at(-1)).toBe('TradeClosed.v1');
  });

  it('given an item its offerer no longer owns, the escrow is refused with NOT_OWNER and nothing moves', async () => {
    world = await startInProcessWorld();
    const { bus, store } = world;
    await seedWorld(bus, ['alice', 'bob', 'carol'], { gold: 50, items: 1 });
    await command(bus, 'item', 'alice-i0', 'transfer', { from: 'alice', to: 'carol' }, asPlayer('alice'));

    await agreeTrade(bus, { tradeId: 't4', initiator: 'alice', counterparty: 'bob', initiatorItems: ['alice-i0'], counterpartyGold: 50 });

    expect(await tradeOutcome(store, 't4')).toBe('failed');
    expect(await holderOf(store, 'alice-i0')).toBe('carol');
    expect(await balanceOf(store, 'bob')).toBe(50);
  });

  it('given a trade agreed while no queue ran (its host crashed), a queue started later finds it in the log and completes it', async () => {
    const store = createMemoryEventStore();
    const bus = createEmbeddedBus();
    const bare = createActorHost({ bus, store, actors: worldActors({ guildBatchWindowMs: 0 }) });
    await bare.start();
    await seedWorld(bus, ['alice', 'bob'], { gold: 30, items: 2 });
    await agreeTrade(bus, {
      tradeId: 't5',
      initiator: 'alice',
      counterparty: 'bob',
      initiatorItems: ['alice-i0', 'alice-i1'],
      counterpartyItems: ['bob-i0'],
      counterpartyGold: 30,
    });
    await bare.stop();
    await bus.close();
    expect(await streamEvents(store, 'trade-t5')).not.toContain('TradeClosed.v1');

    world = await startInProcessWorld({ store });

    expect(await tradeOutcome(store, 't5')).toBe('completed');
    expect(await holderOf(store, 'alice-i0')).toBe('bob');
    expect(await holderOf(store, 'alice-i1')).toBe('bob');
    expect(await holderOf(store, 'bob-i0')).toBe('alice');
    expect(await balanceOf(store, 'alice')).toBe(60);
    expect(await balanceOf(store, 'bob')).toBe(0);
  });

  it('given the second leg cannot be written, the trade aborts, releases every escrow, and creates no gold', async () => {
    // Figure 6 of RELIABILITY.md: one trade here and in the short profile, forty at once in the full one.
    const TRADES = scaled({ short: 1, full: 40 });
    const store = withFaults(createMemoryEventStore());
    world = await startInProcessWorld({ store, processManager: { abortEscrowAfterMs: 200, maxBackoffMs: 50 } });
    const { bus } = world;
    const pairs = Array.from({ length: TRADES }, (_, index) => ({ alice: `alice${index}`, bob: `bob${index}`, tradeId: `t6-${index}` }));
    await seedWorld(bus, pairs.flatMap(({ alice, bob }) => [alice, bob]), { gold: 100, items: 1 });
    // Every Bob's wallet cannot be written: his gold leg's escrow gets no answer it can act on.
    store.failAppends((stream) => stream.startsWith('player-bob'));

    await Promise.all(
      pairs.map(({ alice, bob, tradeId }) => agreeTrade(bus, { tradeId, initiator: alice, counterparty: bob, initiatorItems: [`${alice}-i0`], counterpartyGold: 70 })),
    );

    for (const { alice, tradeId } of pairs) {
      await eventually('the trade aborts', async () => (await streamEvents(store, `trade-${tradeId}`)).includes('TradeAborted.v1'));
      await eventually('the sword goes back to alice', async () => (await holderOf(store, `${alice}-i0`)) === alice);
    }
    expect(store.failedAppends).toBeGreaterThan(0);
    // While Bob's wallet is unreachable the trade cannot know whether his gold left him: it waits.
    for (const { tradeId } of pairs) expect(await streamEvents(store, `trade-${tradeId}`)).not.toContain('TradeClosed.v1');

    store.heal();

    let compensated = 0;
    let goldAfter = 0;
    const outcomes: string[] = [];
    for (const { alice, bob, tradeId } of pairs) {
      const outcome = await tradeOutcome(store, tradeId);
      outcomes.push(outcome);
      const [aliceGold, bobGold] = [await balanceOf(store, alice), await balanceOf(store, bob)];
      goldAfter += aliceGold + bobGold;
      if (outcome === 'failed' && (await holderOf(store, `${alice}-i0`)) === alice && aliceGold === 100 && bobGold === 100) compensated += 1;
    }
    const goldCreated = goldAfter - TRADES * 200;
    recordFigure({
      figure: 6,
      scenario: 'the second leg of a trade cannot be written',
      verdict: compensated === TRADES && goldCreated === 0 ? 'pass' : 'fail',
      measurements: { trades: TRADES, 'writes refused': store.failedAppends, compensated, 'compensated %': (100 * compensated) / TRADES, 'gold created': goldCreated },
      method:
        `${TRADES} agreed trade${TRADES === 1 ? '' : 's'} of an item for 70 gold ran through the in-process trade queue while every append to the buyers' wallets failed (an injected store fault): ` +
        'each trade had to abort, hand the item back, and close failed once the wallets could be written again, with both balances where they started.',
    });
    expect(outcomes).toEqual(pairs.map(() => 'failed'));
    expect(compensated).toBe(TRADES);
    expect(goldCreated).toBe(0);
  });

  it('given settlement writes failing for a while, the trade completes once they succeed, exactly once', async () => {
    const store = withFaults(createMemoryEventStore());
    world = await startInProcessWorld({ store, processManager: { maxBackoffMs: 50 } });
    const { bus } = world;
    await seedWorld(bus, ['alice', 'bob'], { gold: 100, items: 1 });
    // Alice's wallet fails: Bob's gold can be escrowed but not paid to her.
    store.failAppends((stream) => stream === 'player-alice');

    await agreeTrade(bus, { tradeId: 't7', initiator: 'alice', counterparty: 'bob', initiatorItems: ['alice-i0'], counterpartyGold: 25 });
    await eventually('settlement has begun', async () => (await streamEvents(store, 'trade-t7')).includes('TradeSettlementRequested.v1'));
    await eventually('the payment to alice has failed a few times', async () => store.failedAppends >= 3);
    store.heal();

    expect(await tradeOutcome(store, 't7')).toBe('completed');
    expect(await balanceOf(store, 'alice')).toBe(125);
    expect(await balanceOf(store, 'bob')).toBe(75);
    expect(await holderOf(store, 'alice-i0')).toBe('bob');
  });

  it('given a trade never accepted, it expires at its deadline and closes cancelled', async () => {
    world = await startInProcessWorld({ processManager: { tickMs: 20 } });
    const { bus, store } = world;
    await seedWorld(bus, ['alice', 'bob'], { gold: 0, items: 1 });
    const expiresAt = Date.now() + 300;
    await command(bus, 'trade', 't8', 'propose', { initiator: 'alice', counterparty: 'bob', expiresAt }, asPlayer('alice'));
    await command(bus, 'trade', 't8', 'offer', { items: ['alice-i0'], gold: 0 }, asPlayer('alice'));

    expect(await tradeOutcome(store, 't8')).toBe('cancelled');
    expect(await streamEvents(store, 'trade-t8')).toContain('TradeExpired.v1');
    expect(await holderOf(store, 'alice-i0')).toBe('alice');
  });

  it('given its queue is full, a new trade is refused with OVERLOADED, and trades already agreed still finish', async () => {
    const store = withFaults(createMemoryEventStore());
    world = await startInProcessWorld({ store, processManager: { poolSize: 1, maxQueued: 1, maxBackoffMs: 50 } });
    const { bus, node } = world;
    await seedWorld(bus, ['alice', 'bob', 'carol', 'dave'], { gold: 10, items: 1 });
    // Items cannot be written: every escrow stays unanswered and the trades queue up.
    store.failAppends((stream) => stream.startsWith('item-'));
    await agreeTrade(bus, { tradeId: 'q1', initiator: 'alice', counterparty: 'bob', initiatorItems: ['alice-i0'], counterpartyGold: 1 });
    await agreeTrade(bus, { tradeId: 'q2', initiator: 'carol', counterparty: 'dave', initiatorItems: ['carol-i0'], counterpartyGold: 1 });
    await eventually('the queue is full', () => {
      const { queued, waiting } = node.processManager.stats();
      return Promise.resolve(queued + waiting >= 1);
    });

    const refused = await command(bus, 'trade', 'q3', 'propose', { initiator: 'dave', counterparty: 'alice', expiresAt: Date.now() + 60_000 }, asPlayer('dave'));

    expect(refused).toMatchObject({ ok: false, error: { code: 'OVERLOADED' } });
    const stats = node.processManager.stats();
    expect(stats).toMatchObject({ poolSize: 1, maxQueued: 1 });
    expect(stats.overloaded).toBeGreaterThanOrEqual(1);
    store.heal();
    for (const tradeId of ['q1', 'q2']) expect(await tradeOutcome(store, tradeId)).toBe('completed');
    expect(await command(bus, 'trade', 'q3', 'propose', { initiator: 'dave', counterparty: 'alice', expiresAt: Date.now() + 60_000 }, asPlayer('dave'))).toMatchObject({
      ok: true,
    });
  });
});
