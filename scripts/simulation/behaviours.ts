import type { Issuer } from '../../actors/runtime/protocol/issuer.js';
import type { CommandReply } from '../../actors/runtime/protocol/reply.js';
import type { Population, SimulatedPlayer } from './population.js';
import type { Dice } from './random.js';

/**
 * What simulated players and their game servers do, one behaviour per kind of play.
 * Each sends its commands through `send` and keeps the population's belief in step
 * with the answers. They aim at valid commands; refusals still happen (a race, a stale
 * belief), and are part of what a real world looks like.
 */
export type Send = (issuer: Issuer, category: string, actorId: string, command: string, data: Record<string, unknown>) => Promise<CommandReply>;

export interface World {
  readonly population: Population;
  readonly dice: Dice;
  readonly send: Send;
  readonly now: () => number;
  /** A fresh id, unique across runs on the same log. */
  readonly newId: (prefix: string) => string;
  readonly counters: { tradesAgreed: number; auctionsListed: number; bidsPlaced: number; guildsCreated: number };
}

export const BEHAVIOURS = ['login', 'touch', 'zone', 'loot', 'purchase', 'transfer', 'trade', 'auction', 'bid', 'guild', 'logout'] as const;
export type Behaviour = (typeof BEHAVIOURS)[number];

/** How often each happens, relative to the others. */
export const DEFAULT_MIX: Readonly<Record<Behaviour, number>> = {
  login: 4,
  touch: 20,
  zone: 10,
  loot: 18,
  purchase: 6,
  transfer: 10,
  trade: 8,
  auction: 2,
  bid: 8,
  guild: 8,
  logout: 3,
};

const server: Issuer = { kind: 'server', id: 'sim-gs' };
const as = (player: SimulatedPlayer): Issuer => ({ kind: 'player', id: player.id });
const ZONES = ['harbor', 'forest', 'caves', 'citadel', 'marsh'];

const someone = (world: World): SimulatedPlayer | undefined => world.dice.pick(world.population.players);
const someoneElse = (world: World, player: SimulatedPlayer): SimulatedPlayer | undefined => {
  const other = someone(world);
  return other === undefined || other.id === player.id ? undefined : other;
};
const itemOf = (world: World, player: SimulatedPlayer): string | undefined => world.dice.pick([...player.items]);

/** A NOT_OWNER or a missing item means the belief was stale: forget the item there. */
const correct = (world: World, reply: CommandReply, itemId: string, believedOwner: string): void => {
  if (!reply.ok && (reply.error.code === 'NOT_OWNER' || reply.error.code === 'NOT_FOUND' || reply.error.code === 'REJECTED')) {
    world.population.moveItem(itemId, believedOwner, undefined);
  }
};

const login = async (world: World, player: SimulatedPlayer): Promise<void> => {
  const reply = await world.send(as(player), 'player', player.id, 'login', {});
  if (reply.ok && typeof reply.result?.['sessionId'] === 'string') player.sessionId = reply.result['sessionId'];
};

const touch = async (world: World, player: SimulatedPlayer): Promise<void> => {
  if (player.sessionId === undefined) return login(world, player);
  const reply = await world.send(as(player), 'player', player.id, 'touch', { sessionId: player.sessionId });
  if (!reply.ok || reply.result?.['expired'] === true) player.sessionId = undefined;
};

const logout = async (world: World, player: SimulatedPlayer): Promise<void> => {
  if (player.sessionId === undefined) return;
  await world.send(as(player), 'player', player.id, 'logout', { sessionId: player.sessionId });
  player.sessionId = undefined;
};

const zone = async (world: World, player: SimulatedPlayer): Promise<void> => {
  await world.send(as(player), 'player', player.id, 'changeZone', { zone: world.dice.pick(ZONES) ?? 'harbor' });
};

const loot = async (world: World, player: SimulatedPlayer): Promise<void> => {
  await world.send(server, 'player', player.id, 'credit', { amount: 1 + world.dice.int(500), cause: 'loot', reference: world.newId('loot') });
  if (world.dice.chance(0.3)) {
    const itemId = world.newId('it');
    const reply = await world.send(server, 'item', itemId, 'mint', { templateId: world.dice.pick(['sword', 'shield', 'potion', 'gem']) ?? 'gem', owner: player.id });
    if (reply.ok) player.items.add(itemId);
  }
};

const purchase = async (world: World, player: SimulatedPlayer): Promise<void> => {
  await world.send(as(player), 'player', player.id, 'debit', { amount: 1 + world.dice.int(200), cause: 'purchase', reference: world.newId('buy') });
};

const transfer = async (world: World, player: SimulatedPlayer): Promise<void> => {
  const itemId = itemOf(world, player);
  const other = someoneElse(world, player);
  if (itemId === undefined || other === undefined) return;
  const reply = await world.send(as(player), 'item', itemId, 'transfer', { from: player.id, to: other.id });
  if (reply.ok) world.population.moveItem(itemId, player.id, other.id);
  else correct(world, reply, itemId, player.id);
};

/** Two players agree a trade; the trade queue carries it out. The belief assumes it completes. */
const trade = async (world: World, player: SimulatedPlayer): Promise<void> => {
  const other = someoneElse(world, player);
  const give = itemOf(world, player);
  if (other === undefined || give === undefined) return;
  const take = itemOf(world, other);
  const tradeId = world.newId('tr');
  const steps: [SimulatedPlayer, string, Record<string, unknown>][] = [
    [player, 'propose', { initiator: player.id, counterparty: other.id, expiresAt: world.now() + 120_000 }],
    [player, 'offer', { items: [give], gold: 0 }],
    [other, 'offer', { items: take === undefined ? [] : [take], gold: 1 + world.dice.int(300) }],
    [player, 'accept', { offerVersion: 2 }],
    [other, 'accept', { offerVersion: 2 }],
  ];
  for (const [by, command, data] of steps) {
    const reply = await world.send(as(by), 'trade', tradeId, command, data);
    if (!reply.ok) return;
  }
  world.counters.tradesAgreed += 1;
  world.population.moveItem(give, player.id, other.id);
  if (take !== undefined) world.population.moveItem(take, other.id, player.id);
};

const auction = async (world: World, player: SimulatedPlayer): Promise<void> => {
  const itemId = itemOf(world, player);
  if (itemId === undefined) return;
  const auctionId = world.newId('au');
  const endsAt = world.now() + 90_000 + world.dice.int(60_000);
  const startingPrice = 10 + world.dice.int(90);
  const reply = await world.send(as(player), 'auction', auctionId, 'list', { seller: player.id, itemId, startingPrice, endsAt });
  if (!reply.ok) return;
  world.counters.auctionsListed += 1;
  world.population.moveItem(itemId, player.id, undefined);
  world.population.auctions.push({ id: auctionId, seller: player.id, endsAt, lead: startingPrice - 1 });
};

const bid = async (world: World, player: SimulatedPlayer): Promise<void> => {
  const auctions = world.population.auctions;
  // Forget auctions past their end: the trade queue closes them.
  while (auctions.length > 0 && (auctions[0]?.endsAt ?? 0) < world.now()) auctions.shift();
  const target = world.dice.pick(auctions);
  if (target === undefined || target.seller === player.id) return;
  const amount = target.lead + Math.max(1, Math.ceil(target.lead / 20)) + world.dice.int(5);
  const reply = await world.send(as(player), 'auction', target.id, 'bid', { amount, bidId: world.newId('bid') });
  if (reply.ok) {
    world.counters.bidsPlaced += 1;
    target.lead = Math.max(target.lead, amount);
  }
};

const guild = async (world: World, player: SimulatedPlayer): Promise<void> => {
  const { guilds } = world.population;
  const current = player.guildId === undefined ? undefined : guilds.find((candidate) => candidate.id === player.guildId);
  if (current === undefined) {
    if (guilds.length === 0 || world.dice.chance(0.1)) {
      const guildId = world.newId('g');
      const reply = await world.send(as(player), 'guild', guildId, 'create', { name: `Guild ${guildId.slice(-6)}` });
      if (!reply.ok) return;
      world.counters.guildsCreated += 1;
      guilds.push({ id: guildId, leader: player.id, members: new Set([player.id]) });
      player.guildId = guildId;
      return;
    }
    const joining = world.dice.pick(guilds);
    if (joining === undefined) return;
    const leader = world.population.byId.get(joining.leader);
    if (leader === undefined) return;
    const invited = await world.send(as(leader), 'guild', joining.id, 'invite', { playerId: player.id });
    if (!invited.ok) return;
    const joined = await world.send(as(player), 'guild', joining.id, 'acceptInvite', {});
    if (joined.ok) {
      joining.members.add(player.id);
      player.guildId = joining.id;
    }
    return;
  }
  if (world.dice.chance(0.15) && current.leader !== player.id) {
    const left = await world.send(as(player), 'guild', current.id, 'leave', {});
    if (left.ok) {
      current.members.delete(player.id);
      player.guildId = undefined;
    }
    return;
  }
  // A deposit: the wallet's debit and the bank's record share one reference (README, Guilds).
  const amount = 1 + world.dice.int(50);
  const reference = world.newId('dep');
  const debited = await world.send(server, 'player', player.id, 'debit', { amount, cause: 'guildBank', reference });
  if (!debited.ok) return;
  const deposited = await world.send(server, 'guild', current.id, 'deposit', { amount, reference, from: player.id });
  // The bank refused (the player left meanwhile): the game server pays the gold back.
  if (!deposited.ok && deposited.error.code !== 'TIMEOUT') {
    player.guildId = undefined;
    await world.send(server, 'player', player.id, 'credit', { amount, cause: 'guildBank', reference });
  }
};

const RUN: Readonly<Record<Behaviour, (world: World, player: SimulatedPlayer) => Promise<void>>> = {
  login,
  touch,
  zone,
  loot,
  purchase,
  transfer,
  trade,
  auction,
  bid,
  guild,
  logout,
};

export const play = (world: World, behaviour: Behaviour): Promise<void> => {
  const player = someone(world);
  return player === undefined ? Promise.resolve() : RUN[behaviour](world, player);
};
