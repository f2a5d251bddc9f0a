import type { CurrentWorld } from './current-world.js';

/**
 * What the simulated game servers believe about their world: who owns what, who is
 * logged in, which guilds and auctions exist. It is only a belief, corrected by the
 * replies (a NOT_OWNER says an item moved on); the log is the truth.
 */
export interface SimulatedPlayer {
  readonly id: string;
  sessionId: string | undefined;
  readonly items: Set<string>;
  guildId: string | undefined;
}

export interface SimulatedGuild {
  readonly id: string;
  readonly leader: string;
  readonly members: Set<string>;
}

export interface SimulatedAuction {
  readonly id: string;
  readonly seller: string;
  readonly endsAt: number;
  lead: number;
}

export interface Population {
  readonly players: readonly SimulatedPlayer[];
  readonly byId: ReadonlyMap<string, SimulatedPlayer>;
  readonly guilds: SimulatedGuild[];
  readonly auctions: SimulatedAuction[];
  /** Moves an item in the belief; `to` undefined when it left every inventory. */
  moveItem(itemId: string, from: string | undefined, to: string | undefined): void;
}

/** The items a player is seeded with: the same ids on every run, so seeding a second time mints nothing new. */
export const starterItemIds = (playerId: string, itemsPerPlayer: number): string[] =>
  Array.from({ length: itemsPerPlayer }, (_, n) => `${playerId}-i${n}`);

/** The belief of a fresh world: every player holds its starter items, nobody is logged in or in a guild. */
export const createPopulation = (playerIds: readonly string[], itemsPerPlayer: number): Population => {
  const players = playerIds.map(
    (id): SimulatedPlayer => ({ id, sessionId: undefined, items: new Set(starterItemIds(id, itemsPerPlayer)), guildId: undefined }),
  );
  const byId = new Map(players.map((player) => [player.id, player]));
  return {
    players,
    byId,
    guilds: [],
    auctions: [],
    moveItem: (itemId, from, to) => {
      if (from !== undefined) byId.get(from)?.items.delete(itemId);
      if (to !== undefined) byId.get(to)?.items.add(itemId);
    },
  };
};

/**
 * Replaces the belief about items and guilds with the world as it stands: what the
 * simulated players hold, and the guilds any of them is in. Sessions stay unknown (a
 * player logs in again) and so do earlier runs' auctions (they end on their own).
 */
export const adoptCurrentWorld = (population: Population, current: CurrentWorld): void => {
  for (const player of population.players) {
    player.items.clear();
    for (const itemId of current.inventories.get(player.id) ?? []) player.items.add(itemId);
    player.guildId = undefined;
  }
  population.guilds.splice(0);
  for (const guild of current.guilds) {
    const simulatedMembers = guild.members.flatMap((memberId) => population.byId.get(memberId) ?? []);
    if (simulatedMembers.length === 0) continue;
    population.guilds.push({ id: guild.id, leader: guild.leader, members: new Set(guild.members) });
    for (const member of simulatedMembers) member.guildId = guild.id;
  }
};

/** The belief as it stands, in the shape of a current world: to compare with the log's. */
export const believedWorld = (population: Population): CurrentWorld => ({
  inventories: new Map(population.players.map((player) => [player.id, [...player.items]])),
  guilds: population.guilds.map((guild) => ({ id: guild.id, leader: guild.leader, members: [...guild.members] })),
});
