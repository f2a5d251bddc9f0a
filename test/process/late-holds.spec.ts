import { afterEach, describe, expect, it } from 'vitest';
import { bidReference } from '../../actors/auction/steps.js';
import { auctionStepCommand } from '../../actors/auction/manager-steps.js';
import type { OutgoingCommand } from '../../actors/process/sender.js';
import { goldReference } from '../../actors/trade/legs.js';
import { tradeStepCommand } from '../../actors/trade/manager-steps.js';
import { worldCodec } from '../../events/world.js';
import { auditEvents } from '../../projections/audit/world-audit.js';
import { streamEvents } from '../runtime/harness.js';
import {
  agreeTrade,
  asPlayer,
  balanceOf,
  command,
  eventually,
  gameServer,
  holderOf,
  seedWorld,
  startInProcessWorld,
  tradeOutcome,
  type InProcessWorld,
} from './world-fixture.js';

/**
 * A late copy of a refused hold: the trade queue's request sat in one host's mailbox
 * past its timeout, the retry reached another host and was refused, the trade unwound,
 * and then the first copy is decided. Here that copy is sent by hand, byte for byte the
 * command the queue sent (same command id), after the world changed so that it would
 * now succeed. It must be refused, and nothing may be left held by a finished trade.
 */
describe('a late copy of a refused hold', () => {
  let world: InProcessWorld | undefined;
  afterEach(async () => {
    await world?.stop();
    world = undefined;
  });

  const deliverLate = (hold: OutgoingCommand) =>
    command(world!.bus, hold.category, hold.actorId, hold.command, hold.data, gameServer, hold.commandId);

  const audit = async () => {
    const { store } = world!;
    const decoded = async function* () {
      for await (const stored of store.readAll()) yield worldCodec.decode(stored);
    };
    return auditEvents(decoded());
  };

  it('given a trade that failed because bob lacked the gold, when its escrow debit arrives again after bob was paid, then it is refused and bob keeps his gold', async () => {
    world = await startInProcessWorld();
    const { bus, store } = world;
    await seedWorld(bus, ['alice', 'bob'], { gold: 0, items: 1 });
    await agreeTrade(bus, { tradeId: 't1', initiator: 'alice', counterparty: 'bob', initiatorItems: ['alice-i0'], counterpartyGold: 40 });
    expect(await tradeOutcome(store, 't1')).toBe('failed');
    expect(await command(bus, 'player', 'bob', 'credit', { amount: 100, cause: 'adminGrant', reference: 'payday' })).toMatchObject({ ok: true });

    const late = tradeStepCommand('t1', { kind: 'escrowGold', leg: { kind: 'gold', party: 'bob' }, party: 'bob', amount: 40, reference: goldReference('t1', 'escrow') });
    expect(await deliverLate(late)).toMatchObject({ ok: false, error: { code: 'REJECTED', message: expect.stringMatching(/voided/) as unknown } });

    expect(await balanceOf(store, 'bob')).toBe(100);
    expect(await holderOf(store, 'alice-i0')).toBe('alice');
    expect(await streamEvents(store, 'player-bob')).toContain('GoldDebitVoided.v1');
    expect(await audit()).toMatchObject({ goldInEscrow: 0, goldCreated: 0, tradesOpen: 0, problems: [] });
  });

  it('given a trade that failed because alice no longer owned her sword, when its escrow arrives again after the sword came back, then it is refused and the sword stays hers', async () => {
    world = await startInProcessWorld();
    const { bus, store } = world;
    await seedWorld(bus, ['alice', 'bob', 'carol'], { gold: 100, items: 1 });
    const trade = (name: string, data: Record<string, unknown>, by: string) => command(bus, 'trade', 't2', name, data, asPlayer(by));
    await trade('propose', { initiator: 'alice', counterparty: 'bob', expiresAt: Date.now() + 600_000 }, 'alice');
    await trade('offer', { items: ['alice-i0'], gold: 0 }, 'alice');
    await trade('offer', { items: [], gold: 10 }, 'bob');
    // The sword leaves alice between her offer and the escrow.
    expect(await command(bus, 'item', 'alice-i0', 'transfer', { from: 'alice', to: 'carol' }, asPlayer('alice'))).toMatchObject({ ok: true });
    await trade('accept', { offerVersion: 2 }, 'alice');
    await trade('accept', { offerVersion: 2 }, 'bob');
    expect(await tradeOutcome(store, 't2')).toBe('failed');
    expect(await command(bus, 'item', 'alice-i0', 'transfer', { from: 'carol', to: 'alice' }, asPlayer('carol'))).toMatchObject({ ok: true });

    const late = tradeStepCommand('t2', { kind: 'escrowItem', leg: { kind: 'item', itemId: 'alice-i0', party: 'alice' }, itemId: 'alice-i0', from: 'alice' });
    expect(await deliverLate(late)).toMatchObject({ ok: false, error: { code: 'REJECTED', message: expect.stringMatching(/escrow voided/) as unknown } });

    expect(await holderOf(store, 'alice-i0')).toBe('alice');
    expect(await balanceOf(store, 'bob')).toBe(100);
    expect(await audit()).toMatchObject({ goldInEscrow: 0, itemsVanished: 0, tradesOpen: 0, problems: [] });
  });

  it('given a bid rejected because ann lacked the gold, when its hold arrives again after ann was paid, then it is refused and ann keeps her gold', async () => {
    world = await startInProcessWorld({ processManager: { tickMs: 20 } });
    const { bus, store } = world;
    await seedWorld(bus, ['seller', 'ann'], { gold: 50, items: 1 });
    await command(bus, 'auction', 'a1', 'list', { seller: 'seller', itemId: 'seller-i0', startingPrice: 100, endsAt: Date.now() + 120_000 }, asPlayer('seller'));
    await eventually('the item is escrowed', async () => (await holderOf(store, 'seller-i0')) === 'auction:a1');
    await command(bus, 'auction', 'a1', 'bid', { amount: 100, bidId: 'ann-1' }, asPlayer('ann'));
    await eventually('the bid is rejected', async () => (await streamEvents(store, 'auction-a1')).includes('AuctionBidRejected.v1'));
    expect(await command(bus, 'player', 'ann', 'credit', { amount: 100, cause: 'adminGrant', reference: 'payday' })).toMatchObject({ ok: true });

    const late = auctionStepCommand('a1', { kind: 'holdBidFunds', bidId: 'ann-1', bidder: 'ann', amount: 100, reference: bidReference('a1', 'ann-1') });
    expect(await deliverLate(late)).toMatchObject({ ok: false, error: { code: 'REJECTED', message: expect.stringMatching(/voided/) as unknown } });
    expect(await balanceOf(store, 'ann')).toBe(150);
  });
});
