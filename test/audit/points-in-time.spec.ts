import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../events/catalog/index.js';
import type { ItemEvent } from '../../events/item.js';
import type { WorldEvent } from '../../events/world.js';
import { itemActor } from '../../actors/item/definition.js';
import { playerActor } from '../../actors/player/index.js';
import { upTo, type LogPoint } from '../../projections/audit/points.js';
import { holdersNamed, itemProvenance, summarizeHolder } from '../../projections/audit/provenance.js';
import { actorAtPoint } from '../../projections/audit/timeline.js';
import { diffWorlds } from '../../projections/audit/world-diff.js';
import { createWorldFold, type WorldAtPoint } from '../../projections/audit/world-state.js';
import { runTrade, worldLog, type WorldLog } from './world-log.js';

/**
 * Point-in-time answers over a hand-written log: an actor folded by its own decider, the
 * world at a position and between two, an item's provenance through a trade.
 */

const register = (log: WorldLog, player: string): void =>
  void log.record(`player-${player}`, { type: 'PlayerRegistered', data: { playerId: player, name: player, registeredAt: 0 } });

/** Alice and Bob registered with gold, a sword minted for Alice, then traded to Bob for 40 gold. */
const story = (): WorldLog => {
  const log = worldLog();
  register(log, 'alice');
  register(log, 'bob');
  log.credit('alice', 100, 'adminGrant', 'seed-alice');
  log.credit('bob', 100, 'loot', 'loot-1');
  log.mint('sword', 'alice');
  runTrade(log, { tradeId: 't1', initiator: 'alice', counterparty: 'bob', initiatorItems: ['sword'], counterpartyGold: 40 });
  return log;
};

const worldAt = async (events: readonly RecordedEvent<WorldEvent>[], point: LogPoint): Promise<WorldAtPoint> => {
  const fold = createWorldFold();
  for await (const event of upTo(events, point)) fold.apply(event);
  return fold.snapshot();
};

const positionOf = (log: WorldLog, stream: string, type: string) => {
  const event = log.events.find((candidate) => candidate.stream === stream && candidate.type === type);
  if (event === undefined) throw new Error(`no ${type} on ${stream}`);
  return event.position;
};

describe('an actor at a point', () => {
  it('given a player stream, when folded by the player decider up to a revision, then the state is that of the revision and the timeline stops there', async () => {
    const log = story();
    const stream = log.events.filter((event) => event.stream === 'player-alice');

    const atCredit = await actorAtPoint(stream, playerActor(), { kind: 'revision', revision: 1n });
    const atEnd = await actorAtPoint(stream, playerActor(), { kind: 'end' });

    expect(atCredit).toMatchObject({ state: { status: 'registered', balance: 100 }, revision: 1n, morePast: true });
    expect(atCredit.timeline.map((entry) => entry.type)).toEqual(['PlayerRegistered', 'GoldCredited']);
    expect(atEnd).toMatchObject({ state: { balance: 140 }, revision: 2n, morePast: false });
    expect(atEnd.timeline[2]).toMatchObject({ type: 'GoldCredited', correlationId: 't1', data: { cause: 'trade', reference: 't1-settle' } });
  });

  it('given a time, when an item is folded by the item decider, then only what the store wrote by then counts', async () => {
    const log = story();
    const stream = log.events.filter((event) => event.stream === 'item-sword');
    const escrowed = stream[1]?.created ?? new Date(0);

    const state = await actorAtPoint(stream, itemActor(), { kind: 'time', time: escrowed });

    expect(state.state).toMatchObject({ status: 'escrowed', owner: 'alice', holder: { kind: 'trade', id: 't1' } });
  });
});

describe('the world at a point, and between two', () => {
  it('given the position of the escrow, when the world is read there and at the end, then the sword is in escrow and then Bob owns it', async () => {
    const log = story();
    const escrow = positionOf(log, 'item-sword', 'ItemEscrowed');

    const then = await worldAt(log.events, { kind: 'position', position: escrow });
    const now = await worldAt(log.events, { kind: 'end' });

    expect(then.items.get('sword')?.custody).toEqual({ kind: 'escrowed', owner: 'alice', holder: { kind: 'trade', id: 't1' } });
    expect(then.players.get('bob')).toMatchObject({ balance: 100 });
    expect(now.items.get('sword')).toMatchObject({ templateId: 'sword', custody: { kind: 'owned', owner: 'bob' } });
    expect(now.players.get('alice')).toMatchObject({ balance: 140, sessions: 0, guildId: null });
    expect(now.last?.position).toEqual(log.events.at(-1)?.position);
  });

  it('given two points, when diffed, then exactly the players and items that changed are listed with both states', async () => {
    const log = story();
    const before = await worldAt(log.events, { kind: 'position', position: positionOf(log, 'trade-t1', 'TradeProposed') });
    const after = await worldAt(log.events, { kind: 'end' });

    const diff = diffWorlds(before, after);

    expect(diff.players.map((change) => [change.id, change.before?.balance, change.after?.balance])).toEqual([
      ['alice', 100, 140],
      ['bob', 100, 60],
    ]);
    expect(diff.items).toEqual([
      { id: 'sword', before: expect.objectContaining({ custody: { kind: 'owned', owner: 'alice' } }), after: expect.objectContaining({ custody: { kind: 'owned', owner: 'bob' } }) },
    ]);
    expect(diff.guilds).toEqual([]);
    expect(diff.events).toBe(after.events - before.events);
  });

  it('given guild events, when folded, then ranks and the bank follow the guild actor', async () => {
    const log = worldLog();
    log.guild('g1', { type: 'GuildCreated', data: { name: 'Knights', leaderId: 'alice' } });
    log.guild('g1', { type: 'MemberJoined', data: { playerId: 'bob', via: 'invite' } });
    log.guild('g1', { type: 'MemberPromoted', data: { playerId: 'bob' } });
    log.guild('g1', { type: 'LeadershipTransferred', data: { from: 'alice', to: 'bob' } });
    log.guild('g1', { type: 'MemberLeft', data: { playerId: 'bob' } });
    log.guild('g1', { type: 'GoldDeposited', data: { from: 'alice', amount: 30, reference: 'd1' } });

    const world = await worldAt(log.events, { kind: 'end' });

    expect(world.guilds.get('g1')).toMatchObject({ name: 'Knights', status: 'active', bank: 30 });
    expect([...(world.guilds.get('g1')?.members ?? [])]).toEqual([['alice', 'officer'], ['bob', 'leader']]);
  });
});

describe('item provenance', () => {
  it('given a sword minted for Alice and traded to Bob, when its provenance is read, then each owner, the escrow and the trade are there with their commands', () => {
    const log = story();
    const events = log.events.filter((event): event is RecordedEvent<ItemEvent> => event.stream === 'item-sword');
    const holders = holdersNamed(events).map((holder) => summarizeHolder(holder, log.events.filter((event) => event.stream === `trade-${holder.id}`)));

    const provenance = itemProvenance('sword', events, holders);

    expect(provenance).toMatchObject({ templateId: 'sword', owners: ['alice', 'bob'], contradictions: 0, current: { kind: 'owned', owner: 'bob' } });
    expect(provenance.steps.map((step) => [step.type, step.correlationId])).toEqual([
      ['ItemMinted', expect.any(String)],
      ['ItemEscrowed', 't1'],
      ['ItemReleased', 't1'],
    ]);
    expect(provenance.steps[1]?.via).toEqual({ holder: { kind: 'trade', id: 't1' }, parties: ['alice', 'bob'], outcome: 'completed', exists: true });
  });

  it('given a transfer from a player who no longer holds the item, when its provenance is read, then that step carries the contradiction', () => {
    const log = worldLog();
    log.mint('sword', 'alice');
    log.transfer('sword', 'alice', 'bob');
    log.transfer('sword', 'alice', 'carol');
    const events = log.events as RecordedEvent<ItemEvent>[];

    const provenance = itemProvenance('sword', events);

    expect(provenance.contradictions).toBe(1);
    expect(provenance.owners).toEqual(['alice', 'bob', 'carol']);
    expect(provenance.steps[2]?.contradiction).toBe('transferred from alice to carol, but it is held by bob');
  });
});
