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

export const createPopulation = (playerIds: readonly string[], itemsPerPlayer: number): Population => {
  const players = playerIds.map(
    (id): SimulatedPlayer => ({ id, sessionId: undefined, items: new Set(Array.from({ length: itemsPerPlayer }, (_, n) => `${id}-i${n}`)), guildId: undefined }),
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
