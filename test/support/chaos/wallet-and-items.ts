import type { CommandRequest } from '../../../infra/client/index.js';
import type { ClientOutcome } from './jepsen.js';

/**
 * The commands the ambiguous-acknowledgement scenarios send (figures 2 and 8): commands
 * whose second application the log would show. Wallet credits with a distinct reference
 * each (so only the commandId stands between a retry and a second GoldCredited) and item
 * transfers (a second application would move the item again or be refused NOT_OWNER).
 *
 * One `ItemMover` per worker: each item is moved by one worker only, so its owner is known
 * between two of its transfers; an item whose transfer ended unknown is not moved again
 * until the transfer is settled.
 */
export interface WorldCommand {
  readonly commandId: string;
  readonly request: CommandRequest & { readonly commandId: string };
  readonly credit?: { readonly player: string; readonly amount: number; readonly reference: string };
  readonly transfer?: { readonly item: string; readonly from: string; readonly to: string };
}

export interface ItemMover {
  /** The next command: a credit or (when an item is free to move) a transfer, by `random`. */
  next(commandId: string, random: () => number): WorldCommand;
  /** What the client was told; a transfer of one of its items answered ok moves the item in its books. */
  settle(command: WorldCommand, outcome: ClientOutcome): void;
  /** Who each of this mover's items belongs to, as far as the answers tell. */
  readonly owners: ReadonlyMap<string, string>;
}

export const createItemMover = (players: readonly string[], items: ReadonlyMap<string, string>): ItemMover => {
  const owners = new Map(items);
  const movable = new Set(items.keys());
  const pick = <T>(values: readonly T[], random: () => number): T => {
    const value = values[Math.floor(random() * values.length)];
    if (value === undefined) throw new Error('nothing to pick from');
    return value;
  };
  return {
    owners,
    next(commandId, random) {
      if (random() < 0.5 || movable.size === 0) {
        const player = pick(players, random);
        const amount = 1 + Math.floor(random() * 1_000);
        const reference = `${commandId}-ref`;
        const data = { amount, cause: 'loot', reference };
        return { commandId, request: { category: 'player', actorId: player, command: 'credit', data, commandId }, credit: { player, amount, reference } };
      }
      const item = pick([...movable], random);
      const from = owners.get(item) ?? '';
      const to = pick(
        players.filter((player) => player !== from),
        random,
      );
      return {
        commandId,
        request: { category: 'item', actorId: item, command: 'transfer', data: { from, to }, commandId },
        transfer: { item, from, to },
      };
    },
    settle(command, outcome) {
      if (command.transfer === undefined) return;
      const { item, to } = command.transfer;
      // Another mover's item: not in these books.
      if (!owners.has(item)) return;
      if (outcome === 'ok') {
        owners.set(item, to);
        movable.add(item);
      } else if (outcome === 'unknown') {
        movable.delete(item);
      }
    },
  };
};

/** Splits `items` (item -> owner) into `parts` disjoint maps, one per worker. */
export const shareItems = (items: ReadonlyMap<string, string>, parts: number): Map<string, string>[] => {
  const shares = Array.from({ length: parts }, () => new Map<string, string>());
  [...items].forEach(([item, owner], index) => shares[index % parts]?.set(item, owner));
  return shares;
};

/** The items seedWorld mints: `<player>-i<n>`, owned by their player. */
export const seededItems = (players: readonly string[], perPlayer: number): Map<string, string> => {
  const items = new Map<string, string>();
  for (const player of players) for (let index = 0; index < perPlayer; index += 1) items.set(`${player}-i${index}`, player);
  return items;
};
