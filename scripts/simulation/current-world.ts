/**
 * The world as it stands when a simulation starts, as far as its game servers need to
 * know it: who holds which item and who is in which guild. A simulation on a log that
 * already holds a world (a second `npm start`) starts from this instead of its initial
 * assumptions; the composition root supplies it from the log.
 */
export interface CurrentGuild {
  readonly id: string;
  readonly leader: string;
  /** The leader among them. */
  readonly members: readonly string[];
}

export interface CurrentWorld {
  /** Player id → the items the player holds now; items in escrow (a trade, an auction) are nobody's. */
  readonly inventories: ReadonlyMap<string, readonly string[]>;
  /** The guilds not disbanded. */
  readonly guilds: readonly CurrentGuild[];
}

/** Reads the current world; called once, after the players are registered and seeded. */
export type CurrentWorldReader = () => Promise<CurrentWorld>;
