import { sameHolder } from '../../events/item.js';
import type { Custody } from './item-custody.js';
import type { GuildAtPoint, ItemAtPoint, PlayerAtPoint, WorldAtPoint } from './world-state.js';

/**
 * What changed in the world between two points: each player, item and guild whose
 * state differs, with its state at both (undefined where it did not exist yet), by id.
 */

export interface Change<T> {
  readonly id: string;
  readonly before: T | undefined;
  readonly after: T | undefined;
}

export interface WorldDiff {
  /** Events between the two points (after − before; negative when the first point is the later one). */
  readonly events: number;
  readonly players: readonly Change<PlayerAtPoint>[];
  readonly items: readonly Change<ItemAtPoint>[];
  readonly guilds: readonly Change<GuildAtPoint>[];
}

export const sameCustody = (a: Custody, b: Custody): boolean => {
  switch (a.kind) {
    case 'unminted':
      return b.kind === 'unminted';
    case 'owned':
      return b.kind === 'owned' && a.owner === b.owner;
    case 'escrowed':
      return b.kind === 'escrowed' && a.owner === b.owner && sameHolder(a.holder, b.holder);
    case 'gone':
      return b.kind === 'gone' && a.owner === b.owner && a.how === b.how;
  }
};

const samePlayer = (a: PlayerAtPoint, b: PlayerAtPoint): boolean =>
  a.balance === b.balance && a.sessions === b.sessions && a.guildId === b.guildId && a.name === b.name;

const sameItem = (a: ItemAtPoint, b: ItemAtPoint): boolean => a.templateId === b.templateId && sameCustody(a.custody, b.custody);

const sameGuild = (a: GuildAtPoint, b: GuildAtPoint): boolean => {
  if (a.name !== b.name || a.status !== b.status || a.bank !== b.bank || a.members.size !== b.members.size) return false;
  for (const [playerId, rank] of a.members) if (b.members.get(playerId) !== rank) return false;
  return true;
};

/** Ids in natural order: `sim-p2` before `sim-p10`. */
export const compareIds = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

const changes = <T>(before: ReadonlyMap<string, T>, after: ReadonlyMap<string, T>, same: (a: T, b: T) => boolean): Change<T>[] => {
  const ids = [...new Set([...before.keys(), ...after.keys()])].sort(compareIds);
  const found: Change<T>[] = [];
  for (const id of ids) {
    const was = before.get(id);
    const is = after.get(id);
    if (was !== undefined && is !== undefined && same(was, is)) continue;
    found.push({ id, before: was, after: is });
  }
  return found;
};

export const diffWorlds = (before: WorldAtPoint, after: WorldAtPoint): WorldDiff => ({
  events: after.events - before.events,
  players: changes(before.players, after.players, samePlayer),
  items: changes(before.items, after.items, sameItem),
  guilds: changes(before.guilds, after.guilds, sameGuild),
});
