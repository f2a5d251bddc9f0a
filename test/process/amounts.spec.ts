import { Packr } from 'msgpackr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandSubject } from '../../actors/runtime/protocol/subjects.js';
import { decodeReply } from '../../actors/runtime/protocol/reply.js';
import { MAX_GOLD_PER_OPERATION } from '../../actors/shared/values.js';
import { recordFigure } from '../support/chaos/figures.js';
import { agreeTrade, asPlayer, balanceOf, command, seedWorld, startInProcessWorld, tradeOutcome, type InProcessWorld } from './world-fixture.js';

/**
 * Amounts at the edges that broke other games' economies (2^31 and 2^32 wrap in 32-bit
 * code, 2^53 loses integers in doubles): each is either moved exactly or refused as
 * VALIDATION at the boundary, and no gold appears either way. Figure 7 of RELIABILITY.md:
 * under `npm run chaos` the cases that held are recorded once all have run.
 */
describe('gold amounts at the edges, through trades and auctions', () => {
  let world: InProcessWorld;
  beforeAll(async () => {
    world = await startInProcessWorld();
  });
  /** What the cases found, for figure 7: each case counts itself once its assertions held. */
  const tally = { exact: 0, refused: 0, wire: 0, goldCreated: 0 };
  afterAll(async () => {
    await world.stop();
    const cases = EXACT.length + REFUSED.length + 1;
    const held = tally.exact + tally.refused + tally.wire;
    recordFigure({
      figure: 7,
      scenario: 'edge amounts through trades, bids and credits',
      verdict: held === cases && tally.goldCreated === 0 ? 'pass' : 'fail',
      measurements: {
        amounts: cases,
        'moved exactly': tally.exact,
        'refused with VALIDATION': tally.refused + tally.wire,
        'neither': cases - held,
        'gold created': tally.goldCreated,
      },
      method:
        `Trades of ${EXACT.join(', ')} gold ran through the in-process world and had to move exactly that amount; offers, bids and credits of ` +
        `${REFUSED.map((value) => (typeof value === 'string' ? `'${value}'` : String(value))).join(', ')} and a 64-bit 2^53+1 on the wire had to be refused with VALIDATION; ` +
        'balances were read back from the log each time.',
    });
  });

  const EXACT = [2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, 2 ** 32, MAX_GOLD_PER_OPERATION];
  const REFUSED: readonly unknown[] = [2 ** 53, 2 ** 53 + 2, 1e300, MAX_GOLD_PER_OPERATION + 1, -1, 0.5, 2 ** 32 + 0.5, Number.NaN, Infinity, '100', null];

  it.each(EXACT)('a trade of %d gold moves exactly that amount', async (gold) => {
    const [payer, payee] = [`payer${gold}`, `payee${gold}`];
    await seedWorld(world.bus, [payer, payee], { gold: MAX_GOLD_PER_OPERATION, items: 1 });
    await agreeTrade(world.bus, { tradeId: `exact${gold}`, initiator: payee, counterparty: payer, initiatorItems: [`${payee}-i0`], counterpartyGold: gold });
    expect(await tradeOutcome(world.store, `exact${gold}`)).toBe('completed');
    const [paid, received] = [await balanceOf(world.store, payer), await balanceOf(world.store, payee)];
    tally.goldCreated += Math.max(0, paid + received - 2 * MAX_GOLD_PER_OPERATION);
    expect(paid).toBe(MAX_GOLD_PER_OPERATION - gold);
    expect(received).toBe(MAX_GOLD_PER_OPERATION + gold);
    tally.exact += 1;
  });

  /** Subject-safe ids for each refused value: `NaN`, `1e+300`, `-1` … */
  const idFor = (value: unknown): string => String(value).replace(/[^A-Za-z0-9_-]/g, '_');

  it.each(REFUSED.map((value) => [String(value), value]))('an offer, a bid or a credit of %s gold is refused with VALIDATION', async (_label, gold) => {
    const [initiator, counterparty, tradeId] = [`p${idFor(gold)}`, `q${idFor(gold)}`, `bad${idFor(gold)}`];
    await seedWorld(world.bus, [initiator, counterparty], { gold: 0, items: 0 });
    await command(world.bus, 'trade', tradeId, 'propose', { initiator, counterparty, expiresAt: Date.now() + 60_000 }, asPlayer(initiator));

    const offer = await command(world.bus, 'trade', tradeId, 'offer', { items: [], gold }, asPlayer(initiator));
    const bid = await command(world.bus, 'auction', `auc${tradeId}`, 'bid', { amount: gold, bidId: 'b1' }, asPlayer(initiator));
    const credit = await command(world.bus, 'player', initiator, 'credit', { amount: gold, cause: 'loot', reference: 'r1' });

    for (const reply of [offer, bid, credit]) expect(reply).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const balance = await balanceOf(world.store, initiator);
    tally.goldCreated += Math.max(0, balance);
    expect(balance).toBe(0);
    tally.refused += 1;
  });

  it('a 64-bit integer past 2^53 on the wire is refused, not rounded', async () => {
    const packr = new Packr({ useRecords: false });
    const payload = packr.pack({ commandId: 'big-1', data: { amount: 2n ** 53n + 1n, cause: 'loot', reference: 'r-big' } });
    const subject = commandSubject({ issuer: { kind: 'server', id: 'gs1' }, category: 'player', actorId: 'payer4294967296', command: 'credit' });
    const raw = await world.bus.request(subject, payload, { timeoutMs: 5_000 });
    if (typeof raw === 'string') throw new Error(raw);
    expect(decodeReply(raw)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    tally.wire += 1;
  });
});
