import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore } from '../../events/store/index.js';
import { worldCodec } from '../../events/world.js';
import { openSqliteEventStore } from '../../infra/eventstore/sqlite/index.js';
import { auditEvents } from '../../projections/audit/world-audit.js';
import type { Behaviour } from '../../scripts/simulation/behaviours.js';
import type { CurrentWorld } from '../../scripts/simulation/current-world.js';
import { createWorldSimulation, type SimulationOptions } from '../../scripts/simulation/world-simulation.js';
import { readWorldFromLog } from '../../scripts/start/world-from-log.js';
import { eventually, holderOf, startInProcessWorld } from '../process/world-fixture.js';

/**
 * A second `npm start` on a log a first one played: the simulated game servers take
 * their beliefs (who holds which item, who is in which guild) from the log, as the
 * composition root reads it, instead of the fresh world's assumptions. Judged against
 * the log with folds of their own (each item's stream, each guild's), and by
 * what a short second run's transfers and trades meet, beside the same run believing
 * the world fresh.
 */

const PLAYERS = 40;
const openLog = (file: string): EventStore => openSqliteEventStore({ path: file, synchronous: 'normal' });
const simulationOptions = (transport: SimulationOptions['transport'], runTag: string): SimulationOptions => ({
  transport,
  players: PLAYERS,
  itemsPerPlayer: 3,
  actionsPerSecond: 400,
  maxInFlight: 200,
  seed: 42,
  runTag,
});
const decoded = async function* (store: EventStore) {
  for await (const stored of store.readAll()) yield worldCodec.decode(stored);
};
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The second run plays only what moves items: handing them over and trading them. */
const MOVING_ITEMS: Readonly<Record<Behaviour, number>> = {
  login: 0,
  touch: 0,
  zone: 0,
  loot: 0,
  purchase: 0,
  transfer: 1,
  trade: 1,
  auction: 0,
  bid: 0,
  guild: 0,
  logout: 0,
};
/** Transfers a second run plays at least, whatever the machine's speed. */
const MIN_TRANSFERS = 120;

let dir: string;
let firstRunLog: string;

/** A first run with every kind of play, until everything it started has closed; then its log is closed, as on Ctrl-C. */
const playFirstRun = async (file: string): Promise<void> => {
  const store = openLog(file);
  const world = await startInProcessWorld({ store });
  const simulation = createWorldSimulation(simulationOptions(world.bus, 'first'));
  try {
    await simulation.start();
    await pause(2_500);
    await simulation.stop();
    expect(simulation.stats().tradesAgreed).toBeGreaterThan(0);
    expect(simulation.stats().guildsCreated).toBeGreaterThan(0);
    await eventually('every agreed trade closes', async () => (await auditEvents(decoded(store))).tradesStuck === 0, 15_000);
  } finally {
    await simulation.stop();
    await world.stop();
    await store.close();
  }
};

/** The guild each player is in, by the guild streams: the leader from creation, members joining and leaving. */
const guildsByTheLog = async (store: EventStore): Promise<Map<string, string>> => {
  const members = new Map<string, Set<string>>();
  for await (const stored of store.readAll({ filter: { on: 'streamName', prefixes: ['guild-'] } })) {
    const event = worldCodec.decode(stored);
    const guildId = stored.stream.slice('guild-'.length);
    if (event.type === 'GuildCreated') members.set(guildId, new Set([event.data.leaderId]));
    else if (event.type === 'MemberJoined') members.get(guildId)?.add(event.data.playerId);
    else if (event.type === 'MemberLeft' || event.type === 'MemberKicked') members.get(guildId)?.delete(event.data.playerId);
    else if (event.type === 'GuildDisbanded') members.delete(guildId);
  }
  return new Map([...members].flatMap(([guildId, players]) => [...players].map((playerId): [string, string] => [playerId, guildId])));
};

/** Who holds each simulated player's items and which guild each is in, by the log: every item's stream, every guild's. */
const worldByTheLog = async (store: EventStore): Promise<{ items: Map<string, string[]>; guildOf: Map<string, string> }> => {
  const itemIds = new Set<string>();
  for await (const stored of store.readAll({ filter: { on: 'streamName', prefixes: ['item-'] } })) itemIds.add(stored.stream.slice('item-'.length));
  const items = new Map<string, string[]>();
  for (const itemId of itemIds) {
    const holder = await holderOf(store, itemId);
    if (holder?.startsWith('sim-p') === true) items.set(holder, [...(items.get(holder) ?? []), itemId]);
  }
  return { items, guildOf: await guildsByTheLog(store) };
};

const sorted = (inventories: ReadonlyMap<string, readonly string[]>): Record<string, string[]> =>
  Object.fromEntries([...inventories].filter(([, items]) => items.length > 0).map(([playerId, items]): [string, string[]] => [playerId, [...items].sort()]));

const guildsOfPlayers = (world: CurrentWorld): Map<string, string> =>
  new Map(world.guilds.flatMap((guild) => guild.members.map((member): [string, string] => [member, guild.id])));

interface MovingItemsRun {
  readonly beliefsAtStart: CurrentWorld;
  readonly byTheLog: Awaited<ReturnType<typeof worldByTheLog>>;
  readonly transfers: number;
  readonly transfersNotOwner: number;
  readonly tradesAgreed: number;
  readonly tradesFailed: number;
}

/**
 * A run of transfers and trades as far as MIN_TRANSFERS transfers, on a copy of the first
 * run's log (with or without reading the world from it) or on an empty log.
 */
const playMovingItems = async (name: string, on: 'empty log' | 'first run, reading the world' | 'first run, assuming it fresh'): Promise<MovingItemsRun> => {
  const file = join(dir, `${name}.sqlite`);
  if (on !== 'empty log') copyFileSync(firstRunLog, file);
  const readsTheWorld = on === 'first run, reading the world';
  const store = openLog(file);
  const world = await startInProcessWorld({ store });
  const byTheLog = await worldByTheLog(store);
  let playing = false;
  let transfers = 0;
  let transfersNotOwner = 0;
  const simulation = createWorldSimulation({
    ...simulationOptions(world.bus, name),
    seed: 4242,
    mix: MOVING_ITEMS,
    // A quarter of the first run's rate: few actions meet in flight, so what refuses them is the belief.
    actionsPerSecond: 100,
    // Seeding sends mints too; past the start the only item commands are transfers.
    onReply: (_ms, outcome, category) => {
      if (!playing || category !== 'item') return;
      transfers += 1;
      if (outcome === 'NOT_OWNER') transfersNotOwner += 1;
    },
    ...(readsTheWorld ? { currentWorld: () => readWorldFromLog(store) } : {}),
  });
  try {
    await simulation.start();
    playing = true;
    // Taken before the first action: the simulation's timer has not fired since `start` resolved.
    const beliefsAtStart = simulation.beliefs();
    await eventually(`${MIN_TRANSFERS} transfers answered`, () => Promise.resolve(transfers >= MIN_TRANSFERS), 30_000);
    await simulation.stop();
    const tradesAgreed = simulation.stats().tradesAgreed;
    await eventually('every agreed trade closes', async () => (await auditEvents(decoded(store))).tradesStuck === 0, 15_000);
    let tradesFailed = 0;
    for await (const stored of store.readAll({ filter: { on: 'streamName', prefixes: [`trade-tr-${name}-`] } })) {
      const event = worldCodec.decode(stored);
      if (event.type === 'TradeClosed' && event.data.outcome === 'failed') tradesFailed += 1;
    }
    return { beliefsAtStart, byTheLog, transfers, transfersNotOwner, tradesAgreed, tradesFailed };
  } finally {
    await simulation.stop();
    await world.stop();
    await store.close();
  }
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shardkeep-second-run-'));
  firstRunLog = join(dir, 'first.sqlite');
  await playFirstRun(firstRunLog);
}, 60_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('a simulation starting on a log an earlier run played', () => {
  let fresh: MovingItemsRun;
  let reading: MovingItemsRun;
  let assuming: MovingItemsRun;

  beforeAll(async () => {
    fresh = await playMovingItems('fresh', 'empty log');
    reading = await playMovingItems('reading', 'first run, reading the world');
    assuming = await playMovingItems('assuming', 'first run, assuming it fresh');
  }, 120_000);

  it('believes each player holds the items the log says it holds', () => {
    const believed = sorted(reading.beliefsAtStart.inventories);
    expect(believed).toEqual(sorted(reading.byTheLog.items));
    // The first run moved starter items: the fresh world's assumption is not what the log holds.
    expect(sorted(assuming.beliefsAtStart.inventories)).not.toEqual(believed);
  });

  it('believes each player in the guild the log says it joined', () => {
    const believed = guildsOfPlayers(reading.beliefsAtStart);
    expect(reading.byTheLog.guildOf.size).toBeGreaterThan(0);
    expect(Object.fromEntries(believed)).toEqual(Object.fromEntries(reading.byTheLog.guildOf));
  });

  /**
   * On an empty log the belief is right by construction: the NOT_OWNER and failed trades
   * a run meets there are the simulation's own races (a trade believed carried out before
   * the queue has), and they grow with the machine's load, since trades then take longer
   * to settle. A run that read the world should meet about as many: the fresh run's share
   * give or take twenty-five points (with 120 transfers the fresh run's share alone ranges
   * from 1 % to 14 % on a quiet machine, and the runs are played one after the other, so
   * at different loads), and at most half of what a run believing the world fresh meets.
   * That one meets them for most of what it does (84–99 %), since the first run moved most
   * starter items and a failed trade does not correct the belief.
   */
  it('hands items over and trades them about as well as on a fresh world, where believing the world fresh mostly fails', () => {
    const notOwner = (run: MovingItemsRun): number => run.transfersNotOwner / run.transfers;
    const failed = (run: MovingItemsRun): number => run.tradesFailed / Math.max(1, run.tradesAgreed);
    const figures = (run: MovingItemsRun) => ({ notOwner: notOwner(run), tradesFailed: failed(run), tradesAgreed: run.tradesAgreed });
    const seen = JSON.stringify({ fresh: figures(fresh), reading: figures(reading), assuming: figures(assuming) });
    expect(reading.tradesAgreed, seen).toBeGreaterThan(20);
    expect(notOwner(reading), seen).toBeLessThanOrEqual(notOwner(fresh) + 0.25);
    expect(failed(reading), seen).toBeLessThanOrEqual(failed(fresh) + 0.25);
    expect(notOwner(reading), seen).toBeLessThanOrEqual(notOwner(assuming) / 2);
    expect(failed(reading), seen).toBeLessThanOrEqual(failed(assuming) / 2);
    expect(notOwner(assuming), seen).toBeGreaterThan(0.5);
    expect(failed(assuming), seen).toBeGreaterThan(0.5);
  });
});
