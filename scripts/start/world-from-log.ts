import type { EventStore } from '../../events/store/index.js';
import { worldCodec } from '../../events/world.js';
import { createWorldFold } from '../../projections/audit/world-state.js';
import type { CurrentGuild, CurrentWorld } from '../simulation/current-world.js';

/**
 * The current world as the log holds it, for a simulation starting on an existing log:
 * the audit's fold (the actors' own rules) over the item and guild streams only, which
 * are all that ownership and membership depend on; players' streams, the busiest, are
 * not read. One pass, at start, before the simulation plays.
 */
export const readWorldFromLog = async (store: EventStore): Promise<CurrentWorld> => {
  const fold = createWorldFold();
  for await (const stored of store.readAll({ filter: { on: 'streamName', prefixes: ['item-', 'guild-'] } })) {
    const event = worldCodec.tryDecode(stored);
    if (event !== undefined) fold.apply(event);
  }
  const world = fold.snapshot();

  const inventories = new Map<string, string[]>();
  for (const { itemId, custody } of world.items.values()) {
    if (custody.kind !== 'owned') continue;
    const held = inventories.get(custody.owner);
    if (held === undefined) inventories.set(custody.owner, [itemId]);
    else held.push(itemId);
  }

  const guilds: CurrentGuild[] = [];
  for (const { guildId, status, members } of world.guilds.values()) {
    const leader = [...members].find(([, rank]) => rank === 'leader')?.[0];
    if (status !== 'active' || leader === undefined) continue;
    guilds.push({ id: guildId, leader, members: [...members.keys()] });
  }
  return { inventories, guilds };
};
