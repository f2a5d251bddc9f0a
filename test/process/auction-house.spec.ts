import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryEventStore } from '../../infra/eventstore/memory/memory-event-store.js';
import { streamEvents } from '../runtime/harness.js';
import { asPlayer, balanceOf, command, eventually, holderOf, seedWorld, startInProcessWorld, type InProcessWorld } from './world-fixture.js';

/**
 * The auction house through the trade queue: listing escrows the item, each bid holds
 * its bidder's gold and refunds the bid it beats, and the deadline, kept in the log,
 * closes the auction even across a restart.
 */
describe('the auction house', () => {
  let world: InProcessWorld | undefined;
  afterEach(async () => {
    await world?.stop();
    world = undefined;
  });

  /** A clock the test moves forward; auctions run for at least a minute. */
  let offsetMs = 0;
  const clock = (): Date => new Date(Date.now() + offsetMs);
  /** A little over the shortest auction, so a listing is not refused for the milliseconds the command takes. */
  const MINUTE = 61_000;

  const ended = (store: InProcessWorld['store'], auctionId: string) => async () =>
    (await streamEvents(store, `auction-${auctionId}`)).includes('AuctionEnded.v1');

  it('given bids that outbid each other, the best bid wins at the deadline: item to the winner, gold to the seller, refunds to the rest', async () => {
    offsetMs = 0;
    world = await startInProcessWorld({ clock, processManager: { tickMs: 20 } });
    const { bus, store } = world;
    await seedWorld(bus, ['seller', 'ann', 'ben'], { gold: 1_000, items: 1 });
    const auction = (name: string, data: Record<string, unknown>, by: string) => command(bus, 'auction', 'a1', name, data, asPlayer(by));

    expect(await auction('list', { seller: 'seller', itemId: 'seller-i0', startingPrice: 100, endsAt: clock().getTime() + 2 * MINUTE }, 'seller')).toMatchObject({ ok: true });
    await eventually('the item is escrowed', async () => (await holderOf(store, 'seller-i0')) === 'auction:a1');
    expect(await auction('bid', { amount: 100, bidId: 'ann-1' }, 'ann')).toMatchObject({ ok: true });
    await eventually('ann holds the lead', async () => (await balanceOf(store, 'ann')) === 900);
    expect(await auction('bid', { amount: 200, bidId: 'ben-1' }, 'ben')).toMatchObject({ ok: true });
    await eventually('ann is refunded', async () => (await balanceOf(store, 'ann')) === 1_000 && (await balanceOf(store, 'ben')) === 800);

    offsetMs += 2 * MINUTE + 1;

    await eventually('the auction ends', ended(store, 'a1'));
    expect(await holderOf(store, 'seller-i0')).toBe('ben');
    expect(await balanceOf(store, 'seller')).toBe(1_200);
    expect(await balanceOf(store, 'ben')).toBe(800);
    expect(await balanceOf(store, 'ann')).toBe(1_000);
  });

  it('given a bidder without the gold, the bid is rejected and the lead stands', async () => {
    offsetMs = 0;
    world = await startInProcessWorld({ clock, processManager: { tickMs: 20 } });
    const { bus, store } = world;
    await seedWorld(bus, ['seller', 'ann'], { gold: 50, items: 1 });
    await command(bus, 'auction', 'a2', 'list', { seller: 'seller', itemId: 'seller-i0', startingPrice: 100, endsAt: clock().getTime() + MINUTE }, asPlayer('seller'));
    await eventually('the item is escrowed', async () => (await holderOf(store, 'seller-i0')) === 'auction:a2');
    await command(bus, 'auction', 'a2', 'bid', { amount: 100, bidId: 'ann-1' }, asPlayer('ann'));
    await eventually('the bid is rejected', async () => (await streamEvents(store, 'auction-a2')).includes('AuctionBidRejected.v1'));
    expect(await balanceOf(store, 'ann')).toBe(50);

    offsetMs += MINUTE + 1;

    await eventually('the unsold auction returns the item', ended(store, 'a2'));
    expect(await holderOf(store, 'seller-i0')).toBe('seller');
  });

  it('given a buyout, the auction ends at once and the previous lead is refunded', async () => {
    offsetMs = 0;
    world = await startInProcessWorld({ clock, processManager: { tickMs: 20 } });
    const { bus, store } = world;
    await seedWorld(bus, ['seller', 'ann', 'ben'], { gold: 1_000, items: 1 });
    await command(bus, 'auction', 'a3', 'list', { seller: 'seller', itemId: 'seller-i0', startingPrice: 100, buyoutPrice: 500, endsAt: clock().getTime() + MINUTE }, asPlayer('seller'));
    await eventually('the item is escrowed', async () => (await holderOf(store, 'seller-i0')) === 'auction:a3');
    await command(bus, 'auction', 'a3', 'bid', { amount: 100, bidId: 'ann-1' }, asPlayer('ann'));
    await eventually('ann leads', async () => (await balanceOf(store, 'ann')) === 900);

    expect(await command(bus, 'auction', 'a3', 'buyout', { bidId: 'ben-1' }, asPlayer('ben'))).toMatchObject({ ok: true });

    await eventually('the auction ends', ended(store, 'a3'));
    expect(await holderOf(store, 'seller-i0')).toBe('ben');
    expect(await balanceOf(store, 'ben')).toBe(500);
    expect(await balanceOf(store, 'seller')).toBe(1_500);
    await eventually('ann is refunded', async () => (await balanceOf(store, 'ann')) === 1_000);
  });

  it('given a restart before the deadline, the deadline is read back from the log and still closes the auction', async () => {
    offsetMs = 0;
    const store = createMemoryEventStore();
    world = await startInProcessWorld({ store, clock, processManager: { tickMs: 20 } });
    await seedWorld(world.bus, ['seller', 'ann'], { gold: 1_000, items: 1 });
    await command(world.bus, 'auction', 'a4', 'list', { seller: 'seller', itemId: 'seller-i0', startingPrice: 10, endsAt: clock().getTime() + MINUTE }, asPlayer('seller'));
    await eventually('the item is escrowed', async () => (await holderOf(store, 'seller-i0')) === 'auction:a4');
    await command(world.bus, 'auction', 'a4', 'bid', { amount: 10, bidId: 'ann-1' }, asPlayer('ann'));
    await eventually('ann leads', async () => (await balanceOf(store, 'ann')) === 990);
    await world.stop();

    offsetMs += MINUTE + 1;
    world = await startInProcessWorld({ store, clock, processManager: { tickMs: 20 } });

    await eventually('the auction ends after the restart', ended(store, 'a4'));
    expect(await holderOf(store, 'seller-i0')).toBe('ann');
    expect(await balanceOf(store, 'seller')).toBe(1_010);
  });

  it('given a hot auction, new bids are refused while one awaits its funds, and every accepted bid is held or refunded exactly once', async () => {
    offsetMs = 0;
    world = await startInProcessWorld({ clock, processManager: { tickMs: 20 } });
    const { bus, store } = world;
    const bidders = Array.from({ length: 8 }, (_, index) => `p${index}`);
    await seedWorld(bus, ['seller', ...bidders], { gold: 10_000, items: 1 });
    await command(bus, 'auction', 'a5', 'list', { seller: 'seller', itemId: 'seller-i0', startingPrice: 100, endsAt: clock().getTime() + MINUTE }, asPlayer('seller'));
    await eventually('the item is escrowed', async () => (await holderOf(store, 'seller-i0')) === 'auction:a5');

    let amount = 100;
    for (let round = 0; round < 5; round += 1) {
      await Promise.all(
        bidders.map((bidder, index) => command(bus, 'auction', 'a5', 'bid', { amount: amount + index * 10, bidId: `${bidder}-${round}` }, asPlayer(bidder))),
      );
      amount += 1_000;
    }
    offsetMs += MINUTE + 1;
    await eventually('the auction ends', ended(store, 'a5'), 15_000);
    await eventually('every refund is paid', async () => {
      const total = (await Promise.all(bidders.map((bidder) => balanceOf(store, bidder)))).reduce((sum, balance) => sum + balance, 0);
      return total + (await balanceOf(store, 'seller')) === 10_000 * (bidders.length + 1);
    });
    const winner = await holderOf(store, 'seller-i0');
    expect(bidders).toContain(winner);
  });
});
