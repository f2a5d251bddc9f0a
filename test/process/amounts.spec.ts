import { Packr } from 'msgpackr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandSubject } from '../../actors/runtime/protocol/subjects.js';
import { decodeReply } from '../../actors/runtime/protocol/reply.js';
import { MAX_GOLD_PER_OPERATION } from '../../actors/shared/values.js';
import { agreeTrade, asPlayer, balanceOf, command, seedWorld, startInProcessWorld, tradeOutcome, type InProcessWorld } from './world-fixture.js';

/**
 * Amounts at the edges that broke other games' economies (2^31 and 2^32 wrap in 32-bit
 * code, 2^53 loses integers in doubles): each is either moved exactly or refused as
 * VALIDATION at the boundary, and no gold appears either way.
 */
describe('gold amounts at the edges, through trades and auctions', () => {
  let world: InProcessWorld;
  beforeAll(async () => {
    world = await startInProcessWorld();
  });
  afterAll(async () => {
    await world.stop();
  });

  const EXACT = [2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, 2 ** 32, MAX_GOLD_PER_OPERATION];
  const REFUSED: readonly unknown[] = [2 ** 53, 2 ** 53 + 2, 1e300, MAX_GOLD_PER_OPERATION + 1, -1, 0.5, 2 ** 32 + 0.5, Number.NaN, Infinity, '100', null];

  it.each(EXACT)('a trade of %d gold moves exactly that amount', async (gold) => {
    const [payer, payee] = [`payer${gold}`, `payee${gold}`];
    await seedWorld(world.bus, [payer, payee], { gold: MAX_GOLD_PER_OPERATION, items: 1 });
    await agreeTrade(world.bus, { tradeId: `exact${gold}`, initiator: payee, counterparty: payer, initiatorItems: [`${payee}-i0`], counterpartyGold: gold });
    expect(await tradeOutcome(world.store, `exact${gold}`)).toBe('completed');
    expect(await balanceOf(world.store, payer)).toBe(MAX_GOLD_PER_OPERATION - gold);
    expect(await balanceOf(world.store, payee)).toBe(MAX_GOLD_PER_OPERATION + gold);
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
    expect(await balanceOf(world.store, initiator)).toBe(0);
  });

  it('a 64-bit integer past 2^53 on the wire is refused, not rounded', async () => {
    const packr = new Packr({ useRecords: false });
    const payload = packr.pack({ commandId: 'big-1', data: { amount: 2n ** 53n + 1n, cause: 'loot', reference: 'r-big' } });
    const subject = commandSubject({ issuer: { kind: 'server', id: 'gs1' }, category: 'player', actorId: 'payer4294967296', command: 'credit' });
    const raw = await world.bus.request(subject, payload, { timeoutMs: 5_000 });
    if (typeof raw === 'string') throw new Error(raw);
    expect(decodeReply(raw)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });
});
