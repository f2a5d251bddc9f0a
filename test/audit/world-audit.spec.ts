import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { worldCodec } from '../../events/world.js';
import { auditEvents, createWorldAudit, type WorldAuditReport } from '../../projections/audit/world-audit.js';
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
} from '../process/world-fixture.js';
import { streamEvents } from '../runtime/harness.js';
import { bidReference, negotiate, openAuction, runAuction, runTrade, worldLog, type WorldLog } from './world-log.js';

/**
 * The full-replay audit as an operator meets it: a log in, the figures of DESIGN.md's
 * invariants out, every anomaly named by stream and revision.
 */

/** The figures that must be zero on a healthy log once everything has finished. */
const TROUBLE = {
  itemsDuplicated: 0,
  itemsVanished: 0,
  goldCreated: 0,
  goldStranded: 0,
  goldOverdrawn: 0,
  goldMisstated: 0,
  tradesStuck: 0,
  problems: [],
} as const;

const ALL_CLEAR = { ...TROUBLE, goldInEscrow: 0, tradesOpen: 0, auctionsOpen: 0 } as const;

const audit = (log: WorldLog): Promise<WorldAuditReport> => auditEvents(log.events);

/** Two players with gold and a sword each: the start of most stories below. */
const aliceAndBob = (): WorldLog => {
  const log = worldLog();
  log.credit('alice', 100, 'adminGrant', 'seed-alice');
  log.credit('bob', 100, 'loot', 'loot-1');
  log.mint('sword', 'alice');
  log.mint('shield', 'bob');
  return log;
};

describe('the world audit: items', () => {
  it('given a completed trade of a sword for gold, when the log is audited, then every figure of trouble is zero', async () => {
    const log = aliceAndBob();
    runTrade(log, { tradeId: 't1', initiator: 'alice', counterparty: 'bob', initiatorItems: ['sword'], counterpartyGold: 40 });

    const report = await audit(log);

    expect(report).toMatchObject({
      ...ALL_CLEAR,
      events: log.events.length,
      items: 2,
      goldMinted: 200,
      goldSunk: 0,
      goldInWallets: 200,
      tradesCompleted: 1,
      tradesFailed: 0,
      tradesCancelled: 0,
    });
  });

  it('given an item escrowed from a player who does not hold it, when audited, then the item counts as duplicated once and the event is named', async () => {
    const log = aliceAndBob();
    log.transfer('sword', 'alice', 'bob');
    // Alice offers the sword she already gave away, and the item actor lets it through.
    negotiate(log, { tradeId: 't1', initiator: 'alice', counterparty: 'bob', initiatorItems: ['sword'] });
    log.escrow('sword', 'alice', { kind: 'trade', id: 't1' });
    log.release('sword', { kind: 'trade', id: 't1' }, 'alice');
    log.transfer('sword', 'carol', 'dave');

    const report = await audit(log);

    expect(report.itemsDuplicated).toBe(1);
    expect(report.problems[0]).toBe('item-sword@2: item sword escrowed from alice by trade t1, but it is held by bob');
    expect(report.problems[1]).toMatch(/^item-sword@4: item sword transferred from carol to dave, but it is held by alice$/);
  });

  it('given a release by a holder that does not hold the item, or a use after it was consumed, when audited, then each item counts as duplicated', async () => {
    const log = aliceAndBob();
    log.escrow('sword', 'alice', { kind: 'trade', id: 't1' });
    log.release('sword', { kind: 'auction', id: 'a9' }, 'bob');
    log.consume('shield', 'bob');
    log.transfer('shield', 'bob', 'alice');
    log.mint('shield', 'carol');

    const report = await audit(log);

    expect(report.itemsDuplicated).toBe(2);
    expect(report.problems).toContain('item-sword@2: item sword released by auction a9 to bob, but it is in escrow of trade t1 (owner alice)');
    expect(report.problems).toContain('item-shield@2: item shield transferred from bob to alice, but it is consumed by bob');
    expect(report.problems).toContain('item-shield@3: item shield minted again for carol, but it is held by alice');
  });

  it('given an item still in escrow of a trade that closed, when audited, then it counts as vanished', async () => {
    const log = aliceAndBob();
    runTrade(log, { tradeId: 't1', initiator: 'alice', counterparty: 'bob', counterpartyGold: 10 }, 'completed');
    // A second trade escrows the sword and closes without ever handing it on.
    negotiate(log, { tradeId: 't2', initiator: 'alice', counterparty: 'bob', initiatorItems: ['sword'] });
    log.escrow('sword', 'alice', { kind: 'trade', id: 't2' });
    log.trade('t2', { type: 'TradeClosed', data: { outcome: 'completed' } });

    const report = await audit(log);

    expect(report.itemsVanished).toBe(1);
    expect(report.itemsDuplicated).toBe(0);
    expect(report.problems).toContain('item-sword@1: item sword ends in escrow of trade t2, which is over');
  });

  it('given an item escrowed by a trade or an auction that has no stream, when audited, then it counts as vanished', async () => {
    const log = aliceAndBob();
    log.escrow('sword', 'alice', { kind: 'trade', id: 'ghost' });
    log.escrow('shield', 'bob', { kind: 'auction', id: 'ghost' });

    const report = await audit(log);

    expect(report.itemsVanished).toBe(2);
    expect(report.problems).toContain('item-shield@1: item shield ends in escrow of auction ghost, which never existed');
  });

  it('given an item in escrow of a trade still running, when audited, then it is neither vanished nor duplicated, and the trade is stuck', async () => {
    const log = aliceAndBob();
    negotiate(log, { tradeId: 't1', initiator: 'alice', counterparty: 'bob', initiatorItems: ['sword'], counterpartyGold: 30 });
    log.trade('t1', { type: 'TradeEscrowRequested', data: { steps: [] } });
    log.escrow('sword', 'alice', { kind: 'trade', id: 't1' });
    log.debit('bob', 30, 'trade', 't1-escrow', { correlationId: 't1' });
    negotiate(log, { tradeId: 't2', initiator: 'bob', counterparty: 'alice' });

    const report = await audit(log);

    expect(report).toMatchObject({ ...TROUBLE, tradesOpen: 2, tradesStuck: 1, goldInEscrow: 30, goldInWallets: 170, goldMinted: 200 });
  });
});

describe('the world audit: gold', () => {
  it('given a failed trade whose escrowed gold was refunded, and a cancelled one, when audited, then nothing is held and nothing created', async () => {
    const log = aliceAndBob();
    runTrade(log, { tradeId: 't1', initiator: 'alice', counterparty: 'bob', initiatorGold: 50, counterpartyItems: ['shield'], counterpartyGold: 5 }, 'failed');
    runTrade(log, { tradeId: 't2', initiator: 'bob', counterparty: 'alice', initiatorGold: 5 }, 'cancelled');

    const report = await audit(log);

    expect(report).toMatchObject({ ...ALL_CLEAR, tradesFailed: 1, tradesCancelled: 1, goldInWallets: 200 });
  });

  it('given a trade credit beyond what the trade holds, when audited, then the excess is gold created and named', async () => {
    const log = aliceAndBob();
    negotiate(log, { tradeId: 't1', initiator: 'alice', counterparty: 'bob', initiatorGold: 40 });
    log.trade('t1', { type: 'TradeEscrowRequested', data: { steps: [] } });
    log.debit('alice', 40, 'trade', 't1-escrow', { correlationId: 't1' });
    log.credit('bob', 40, 'trade', 't1-settle', { correlationId: 't1' });
    // Settled a second time under another reference: the wallet had no reason to refuse it.
    log.credit('bob', 40, 'trade', 't1-settle2', { correlationId: 't1' });
    log.trade('t1', { type: 'TradeClosed', data: { outcome: 'completed' } });

    const report = await audit(log);

    expect(report).toMatchObject({ goldCreated: 40, goldOverdrawn: 40, goldInWallets: 240, goldInEscrow: 0, goldStranded: 0 });
    expect(report.problems).toEqual(['player-bob@2: bob was credited 40 gold (trade t1-settle2) from trade t1, which held 0']);
  });

  it('given a game server refunding a purchase (a refund no trade claims), when audited, then it is gold minted on a line of its own, not created', async () => {
    const log = aliceAndBob();
    log.debit('alice', 25, 'purchase', 'order-7');
    log.credit('alice', 25, 'refund', 'order-7', { correlationId: 'support-ticket-3' });

    const report = await audit(log);

    expect(report).toMatchObject({ ...ALL_CLEAR, goldMinted: 225, goldMintedByRefunds: 25, goldSunk: 25, goldInWallets: 200 });
  });

  it('given a refund under the correlation id of a trade that holds nothing, when audited, then it is paid from the trade and is gold created', async () => {
    const log = aliceAndBob();
    runTrade(log, { tradeId: 't1', initiator: 'alice', counterparty: 'bob', counterpartyGold: 10 }, 'completed');
    log.credit('alice', 25, 'refund', 't1-refund', { correlationId: 't1' });

    const report = await audit(log);

    expect(report).toMatchObject({ goldCreated: 25, goldOverdrawn: 25, goldMintedByRefunds: 0 });
    expect(report.violations).toEqual([
      expect.objectContaining({ kind: 'gold-created', streams: ['player-alice', 'trade-t1'], message: 'alice was credited 25 gold (refund t1-refund) from trade t1, which held 0' }),
    ]);
  });

  it('given a player who pays into a trade pool of its own, when audited, then the gold is held elsewhere, not created', async () => {
    const log = aliceAndBob();
    log.debit('alice', 15, 'trade', 'gift', { correlationId: 'cmd-own' });
    log.debit('bob', 5, 'auction', 'tip', { correlationId: 'cmd-own-2' });

    const report = await audit(log);

    expect(report).toMatchObject({ ...TROUBLE, goldHeldElsewhere: 20, goldInEscrow: 20, goldInWallets: 180 });
  });

  it('given a closed trade that kept part of the gold, when audited, then the leftover is stranded, reported, and not created', async () => {
    const log = aliceAndBob();
    negotiate(log, { tradeId: 't1', initiator: 'alice', counterparty: 'bob', initiatorGold: 40 });
    log.trade('t1', { type: 'TradeEscrowRequested', data: { steps: [] } });
    log.debit('alice', 40, 'trade', 't1-escrow', { correlationId: 't1' });
    log.trade('t1', { type: 'TradeClosed', data: { outcome: 'failed' } });

    const report = await audit(log);

    expect(report).toMatchObject({ goldCreated: 0, goldStranded: 40, goldInEscrow: 40, tradesFailed: 1, tradesStuck: 0 });
    expect(report.problems).toEqual(['trade-t1@6: trade t1 closed (failed) still holding 40 gold']);
  });

  it('given a balanceAfter that disagrees with the replayed balance once, when audited, then the disagreement counts once as gold created', async () => {
    const log = aliceAndBob();
    log.debit('alice', 30, 'purchase', 'potion', { balanceAfter: 90 });
    log.credit('alice', 5, 'loot', 'loot-2');

    const report = await audit(log);

    expect(report).toMatchObject({ goldMisstated: 20, goldCreated: 20, goldSunk: 30, goldInWallets: 175 });
    expect(report.problems).toEqual(["player-alice@1: alice's balanceAfter is 90, the replayed balance 70"]);
  });

  it('given a wallet debited below zero, when audited, then the overdraft is gold created', async () => {
    const log = aliceAndBob();
    log.debit('alice', 130, 'repair', 'armour');

    const report = await audit(log);

    expect(report).toMatchObject({ goldOverdrawn: 30, goldCreated: 30, goldInWallets: 70 });
  });

  it('given amounts that are not whole positive numbers, when audited, then they are reported and not counted', async () => {
    const log = aliceAndBob();
    log.credit('alice', Number.NaN, 'loot', 'bad', { balanceAfter: 100 });
    log.credit('alice', 0.5, 'loot', 'bad-2', { balanceAfter: 100 });

    const report = await audit(log);

    expect(report.goldMinted).toBe(200);
    expect(report.goldInWallets).toBe(200);
    expect(report.problems).toHaveLength(2);
  });
});

describe('the world audit: auctions', () => {
  it('given an auction sold after outbid refunds, and one returned unsold, when audited, then every figure of trouble is zero', async () => {
    const log = aliceAndBob();
    log.credit('carol', 300, 'adminGrant', 'seed-carol');
    runAuction(log, {
      auctionId: 'a1',
      seller: 'alice',
      itemId: 'sword',
      bids: [
        { bidder: 'bob', amount: 20 },
        { bidder: 'carol', amount: 50 },
        { bidder: 'bob', amount: 80 },
      ],
    });
    runAuction(log, { auctionId: 'a2', seller: 'bob', itemId: 'shield', bids: [] });

    const report = await audit(log);

    expect(report).toMatchObject({ ...ALL_CLEAR, auctionsEnded: 2, goldInWallets: 500 });
    expect(log.balanceOf('alice')).toBe(180);
    expect(log.balanceOf('bob')).toBe(20);
  });

  it('given an open auction with a held bid, when audited, then the bid is in escrow and the auction open', async () => {
    const log = aliceAndBob();
    openAuction(log, { auctionId: 'a1', seller: 'alice', itemId: 'sword', bids: [{ bidder: 'bob', amount: 60 }] });

    const report = await audit(log);

    expect(report).toMatchObject({ ...TROUBLE, auctionsOpen: 1, goldInEscrow: 60, goldInWallets: 140 });
  });

  it('given a seller paid twice, when audited, then the second pay is gold created', async () => {
    const log = aliceAndBob();
    runAuction(log, { auctionId: 'a1', seller: 'alice', itemId: 'sword', bids: [{ bidder: 'bob', amount: 60 }] });
    log.credit('alice', 60, 'auction', 'a1-again', { correlationId: 'a1' });

    const report = await audit(log);

    expect(report.goldCreated).toBe(60);
  });

  it('given an ended auction whose outbid refund is still on its way, when audited, then that gold is pending, not stranded', async () => {
    const log = aliceAndBob();
    log.credit('carol', 300, 'adminGrant', 'seed-carol');
    openAuction(log, { auctionId: 'a1', seller: 'alice', itemId: 'sword', bids: [{ bidder: 'bob', amount: 60 }] });
    log.auction('a1', { type: 'AuctionBidPlaced', data: { bidId: 'b1', bidder: 'carol', amount: 70, buyout: true } });
    log.debit('carol', 70, 'auction', bidReference('a1', 'b1'), { correlationId: 'a1' });
    log.auction('a1', { type: 'AuctionBidFundsHeld', data: { bidId: 'b1', bidder: 'carol', amount: 70 } });
    log.auction('a1', { type: 'AuctionRefundRequested', data: { bidId: 'b0', bidder: 'bob', amount: 60 } });
    log.auction('a1', { type: 'AuctionWon', data: { winner: 'carol', bidId: 'b1', amount: 70, seller: 'alice', itemId: 'sword' } });
    log.release('sword', { kind: 'auction', id: 'a1' }, 'carol');
    log.credit('alice', 70, 'auction', 'a1', { correlationId: 'a1' });
    log.auction('a1', { type: 'AuctionEnded', data: { outcome: 'settled' } });

    const pending = await audit(log);
    log.credit('bob', 60, 'auction', bidReference('a1', 'b0'), { correlationId: 'a1' });
    log.auction('a1', { type: 'AuctionRefundConfirmed', data: { bidId: 'b0' } });
    const refunded = await audit(log);

    expect(pending).toMatchObject({ ...TROUBLE, goldRefundsPending: 60, goldInEscrow: 60, auctionsEnded: 1 });
    expect(refunded).toMatchObject({ ...ALL_CLEAR, goldInWallets: 500 });
  });

  it('given an ended auction that kept a bid it never refunded, when audited, then the gold is stranded', async () => {
    const log = aliceAndBob();
    openAuction(log, { auctionId: 'a1', seller: 'alice', itemId: 'sword', bids: [{ bidder: 'bob', amount: 60 }] });
    log.auction('a1', { type: 'AuctionExpired', data: { endedAt: 0 } });
    log.release('sword', { kind: 'auction', id: 'a1' }, 'alice');
    log.auction('a1', { type: 'AuctionEnded', data: { outcome: 'returned' } });

    const report = await audit(log);

    expect(report).toMatchObject({ goldStranded: 60, goldCreated: 0, itemsVanished: 0 });
    expect(report.problems).toEqual(['auction-a1@5: auction a1 ended (returned) still holding 60 gold']);
  });
});

describe('the world audit: guild banks', () => {
  const deposit = (log: WorldLog, player: string, amount: number, reference: string): void => {
    log.debit(player, amount, 'guildBank', reference);
    log.guild('g1', { type: 'GoldDeposited', data: { from: player, amount, reference } });
  };

  it('given deposits and a withdrawal paired with their wallet entries, when audited, then the bank holds the rest and nothing is created', async () => {
    const log = aliceAndBob();
    log.guild('g1', { type: 'GuildCreated', data: { name: 'Knights', leaderId: 'alice' } });
    deposit(log, 'alice', 40, 'dep-1');
    deposit(log, 'bob', 10, 'dep-2');
    log.guild('g1', { type: 'GoldWithdrawn', data: { to: 'bob', amount: 30, reference: 'wd-1' } });
    log.credit('bob', 30, 'guildBank', 'wd-1');

    const report = await audit(log);

    expect(report).toMatchObject({ ...TROUBLE, goldInGuildBanks: 20, goldInEscrow: 20, goldInWallets: 180, goldInTransit: 0 });
  });

  it('given a deposit no wallet paid for, or a withdrawal past the balance, when audited, then each is gold created', async () => {
    const log = aliceAndBob();
    log.guild('g1', { type: 'GoldDeposited', data: { from: 'alice', amount: 40, reference: 'dep-1' } });
    log.guild('g2', { type: 'GoldWithdrawn', data: { to: 'bob', amount: 15, reference: 'wd-1' } });
    log.credit('bob', 15, 'guildBank', 'wd-1');

    const report = await audit(log);

    expect(report).toMatchObject({ goldCreated: 55, goldOverdrawn: 15 });
    expect(report.problems).toContain("guild-g2@0: guild g2's bank paid out 15 gold while holding 0");
  });

  it('given a wallet debited for a deposit the bank never recorded, when audited, then the gold is in transit, not created', async () => {
    const log = aliceAndBob();
    log.debit('alice', 40, 'guildBank', 'dep-1');

    const report = await audit(log);

    expect(report).toMatchObject({ goldCreated: 0, goldInTransit: 40, goldInEscrow: 40 });
    expect(report.problems).toEqual(['player-alice@1: 40 gold of guild bank reference dep-1 (alice) left one side and never reached the other']);
  });
});

describe('the world audit: the log itself', () => {
  it('given events delivered twice, when audited, then each revision counts once', async () => {
    const log = aliceAndBob();
    runTrade(log, { tradeId: 't1', initiator: 'alice', counterparty: 'bob', initiatorItems: ['sword'], counterpartyGold: 40 });

    const report = await auditEvents([...log.events, ...log.events.slice(3)]);

    expect(report).toMatchObject({ ...ALL_CLEAR, events: log.events.length, eventsSkipped: log.events.length - 3 });
  });

  it('given a stream with a revision missing, when audited, then the gap is named', async () => {
    const log = aliceAndBob();
    log.transfer('sword', 'alice', 'bob');
    log.transfer('sword', 'bob', 'alice');

    const report = await auditEvents(log.events.filter((event) => !(event.stream === 'item-sword' && event.revision === 1n)));

    expect(report.problems[0]).toBe('item-sword@2: revisions 1..1 of the stream are missing from the log');
    expect(report.itemsDuplicated).toBe(1);
  });

  it('given an audit fed event by event, when a report is taken midway and again, then each report stands alone', async () => {
    const log = aliceAndBob();
    negotiate(log, { tradeId: 't1', initiator: 'alice', counterparty: 'bob', initiatorItems: ['sword'] });
    const running = createWorldAudit();
    for (const event of log.events) running.apply(event);
    log.escrow('sword', 'alice', { kind: 'trade', id: 't1' });
    log.trade('t1', { type: 'TradeClosed', data: { outcome: 'failed' } });
    for (const event of log.events.slice(running.report().events)) running.apply(event);

    const first = running.report();
    const second = running.report();

    expect(second).toEqual(first);
    expect(first.problems).toHaveLength(1);
    expect(await auditEvents((async function* () { yield* log.events; })())).toEqual(first);
  });

  it('given more than a hundred problems, when audited, then the first hundred are kept and all are counted', async () => {
    const log = worldLog();
    for (let index = 0; index < 150; index += 1) log.transfer(`ghost-${index}`, 'nobody', 'alice');

    const report = await audit(log);

    expect(report.itemsDuplicated).toBe(150);
    expect(report.problems).toHaveLength(100);
    expect(report.problemCount).toBe(150);
  });
});

describe('the world audit: any valid history', () => {
  const PLAYERS = ['p0', 'p1', 'p2', 'p3'] as const;
  const ITEMS = 6;

  const pick = <T>(values: readonly T[], index: number): T => values[index % values.length] as T;

  type Step =
    | { readonly kind: 'loot'; readonly player: number; readonly amount: number }
    | { readonly kind: 'spend'; readonly player: number; readonly share: number }
    | { readonly kind: 'give'; readonly item: number; readonly to: number }
    | {
        readonly kind: 'trade';
        readonly a: number;
        readonly b: number;
        readonly items: readonly number[];
        readonly aShare: number;
        readonly bShare: number;
        readonly outcome: 'completed' | 'failed' | 'cancelled';
      }
    | { readonly kind: 'auction'; readonly item: number; readonly bidders: readonly number[]; readonly shares: readonly number[] };

  const player = fc.nat({ max: PLAYERS.length - 1 });
  /** A share of what the player can afford, in percent. */
  const share = fc.integer({ min: 0, max: 100 }).map((percent) => percent / 100);
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constant('loot' as const), player, amount: fc.integer({ min: 1, max: 1_000 }) }),
    fc.record({ kind: fc.constant('spend' as const), player, share }),
    fc.record({ kind: fc.constant('give' as const), item: fc.nat({ max: ITEMS - 1 }), to: player }),
    fc.record({
      kind: fc.constant('trade' as const),
      a: player,
      b: player,
      items: fc.uniqueArray(fc.nat({ max: ITEMS - 1 }), { maxLength: 3 }),
      aShare: share,
      bShare: share,
      outcome: fc.constantFrom('completed' as const, 'failed' as const, 'cancelled' as const),
    }),
    fc.record({
      kind: fc.constant('auction' as const),
      item: fc.nat({ max: ITEMS - 1 }),
      bidders: fc.array(player, { maxLength: 4 }),
      shares: fc.array(share, { minLength: 4, maxLength: 4 }),
    }),
  );

  /** Writes the steps that are valid where they fall (owners own, payers can pay), as the actors would record them. */
  const historyOf = (steps: readonly Step[]): WorldLog => {
    const log = worldLog();
    const owners = new Map<string, string>();
    for (let index = 0; index < ITEMS; index += 1) {
      const owner = pick(PLAYERS, index);
      log.mint(`i${index}`, owner);
      owners.set(`i${index}`, owner);
    }
    for (const p of PLAYERS) log.credit(p, 500, 'adminGrant', `seed-${p}`);
    const afford = (who: string, fraction: number): number => Math.floor(log.balanceOf(who) * fraction);
    steps.forEach((s, index) => {
      switch (s.kind) {
        case 'loot':
          log.credit(pick(PLAYERS, s.player), s.amount, 'loot', `loot-${index}`);
          return;
        case 'spend': {
          const who = pick(PLAYERS, s.player);
          const amount = afford(who, s.share);
          if (amount > 0) log.debit(who, amount, 'purchase', `buy-${index}`);
          return;
        }
        case 'give': {
          const itemId = `i${s.item}`;
          const from = owners.get(itemId) ?? '';
          const to = pick(PLAYERS, s.to);
          if (from === to) return;
          log.transfer(itemId, from, to);
          owners.set(itemId, to);
          return;
        }
        case 'trade': {
          const [a, b] = [pick(PLAYERS, s.a), pick(PLAYERS, s.b)];
          if (a === b) return;
          const itemsOf = (party: string) => s.items.map((item) => `i${item}`).filter((itemId) => owners.get(itemId) === party);
          const terms = {
            tradeId: `t${index}`,
            initiator: a,
            counterparty: b,
            initiatorItems: itemsOf(a),
            counterpartyItems: itemsOf(b),
            initiatorGold: afford(a, s.aShare),
            counterpartyGold: afford(b, s.bShare),
          };
          runTrade(log, terms, s.outcome);
          if (s.outcome === 'completed') {
            for (const itemId of terms.initiatorItems) owners.set(itemId, b);
            for (const itemId of terms.counterpartyItems) owners.set(itemId, a);
          }
          return;
        }
        case 'auction': {
          const itemId = `i${s.item}`;
          const seller = owners.get(itemId) ?? '';
          const bids: { bidder: string; amount: number }[] = [];
          s.bidders.forEach((bidderIndex, n) => {
            const bidder = pick(PLAYERS, bidderIndex);
            const floor = (bids.at(-1)?.amount ?? 0) + 1;
            // The running balance, less what this bidder already has held in this auction.
            const held = bids.at(-1)?.bidder === bidder ? (bids.at(-1)?.amount ?? 0) : 0;
            const amount = floor + Math.floor((log.balanceOf(bidder) - held - floor) * pick(s.shares, n));
            if (bidder !== seller && amount >= floor && amount <= log.balanceOf(bidder) - held) bids.push({ bidder, amount });
          });
          runAuction(log, { auctionId: `a${index}`, seller, itemId, bids });
          const winner = bids.at(-1)?.bidder;
          if (winner !== undefined) owners.set(itemId, winner);
          return;
        }
      }
    });
    return log;
  };

  it('given any sequence of valid transfers, trades and auctions between players, when audited, then it audits clean and gold is conserved', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 40 }), async (steps) => {
        const log = historyOf(steps);
        const report = await audit(log);
        expect(report).toMatchObject({ ...ALL_CLEAR, items: ITEMS, events: log.events.length });
        expect(report.goldInWallets).toBe(report.goldMinted - report.goldSunk);
        expect(report.goldInWallets).toBe(PLAYERS.reduce((total, p) => total + log.balanceOf(p), 0));
      }),
      { numRuns: 200 },
    );
  });
});

describe('the world audit over a running world', () => {
  let world: InProcessWorld | undefined;
  afterEach(async () => {
    await world?.stop();
    world = undefined;
  });

  it('given a real trade, a bought-out auction and a cancelled one carried out by the trade queue, when the store is audited, then every figure of trouble is zero', async () => {
    world = await startInProcessWorld({ processManager: { tickMs: 20 } });
    const { bus, store } = world;
    await seedWorld(bus, ['alice', 'bob', 'carol'], { gold: 100, items: 2 });
    const auction = (auctionId: string, name: string, data: Record<string, unknown>, by: string) =>
      command(bus, 'auction', auctionId, name, data, asPlayer(by));
    const ended = (auctionId: string) => async () => (await streamEvents(store, `auction-${auctionId}`)).includes('AuctionEnded.v1');
    const endsAt = Date.now() + 120_000;

    await agreeTrade(bus, {
      tradeId: 't1',
      initiator: 'alice',
      counterparty: 'bob',
      initiatorItems: ['alice-i0'],
      counterpartyItems: ['bob-i1'],
      counterpartyGold: 40,
    });
    expect(await tradeOutcome(store, 't1')).toBe('completed');

    await auction('a1', 'list', { seller: 'carol', itemId: 'carol-i0', startingPrice: 10, buyoutPrice: 50, endsAt }, 'carol');
    await eventually('a1 holds the item', async () => (await holderOf(store, 'carol-i0')) === 'auction:a1');
    expect(await auction('a1', 'bid', { amount: 20, bidId: 'alice-1' }, 'alice')).toMatchObject({ ok: true });
    await eventually("alice's bid is held", async () => (await balanceOf(store, 'alice')) === 120);
    expect(await auction('a1', 'buyout', { bidId: 'bob-1' }, 'bob')).toMatchObject({ ok: true });
    await eventually('a1 ends', ended('a1'));
    await eventually("alice's bid is refunded", async () => (await balanceOf(store, 'alice')) === 140);

    await auction('a2', 'list', { seller: 'bob', itemId: 'bob-i0', startingPrice: 10, endsAt }, 'bob');
    await eventually('a2 holds the item', async () => (await holderOf(store, 'bob-i0')) === 'auction:a2');
    await auction('a2', 'cancel', {}, 'bob');
    await eventually('a2 ends', ended('a2'));

    const decoded = (async function* () {
      for await (const stored of store.readAll()) yield worldCodec.decode(stored);
    })();
    const report = await auditEvents(decoded);

    expect(report).toMatchObject({
      ...ALL_CLEAR,
      items: 6,
      goldMinted: 300,
      goldSunk: 0,
      goldInWallets: 300,
      tradesCompleted: 1,
      auctionsEnded: 2,
    });
    expect(await holderOf(store, 'carol-i0')).toBe('bob');
    expect(await balanceOf(store, 'carol')).toBe(150);
  });
});
