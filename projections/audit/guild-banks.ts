import type { GoldDeposited, GoldWithdrawn } from '../../events/guild.js';
import { streamOf, type ProblemLog, type Where } from './problems.js';

/**
 * The guild banks of the world: each bank's balance from its own GoldDeposited and
 * GoldWithdrawn events, and each bank entry paired with the member's wallet entry of
 * cause guildBank that carries the same reference. A pairing whose two sides have both
 * been seen nets to zero and is forgotten, so what is kept is one balance per guild and
 * the movements still missing a side: never one entry per event.
 */

/** One bank movement and its wallet side: wallet debits and bank withdrawals add, bank deposits and wallet credits subtract. */
interface BankPairing {
  readonly player: string;
  readonly reference: string;
  guildId: string | undefined;
  net: number;
  last: Where;
}

export interface BankFigures {
  /** Sum of the banks' balances (never below zero: an overdraft is counted apart). */
  readonly inBanks: number;
  /** Gold a wallet paid and no bank received, or a bank paid and no wallet received. */
  readonly inTransit: number;
  /** Gold a bank received, or a wallet received, with nothing paying for it. */
  readonly unpaid: number;
}

export interface BankLedger {
  deposited(guildId: string, data: GoldDeposited['data'], where: Where): void;
  withdrawn(guildId: string, data: GoldWithdrawn['data'], where: Where): void;
  /** The wallet side of a movement: `delta` > 0 for a debit of cause guildBank, < 0 for a credit. */
  walletEntry(player: string, reference: string, delta: number, where: Where): void;
  /** Sum of the overdrafts of banks so far. */
  readonly overdrawn: number;
  /** The figures at this point; one-sided movements are noted in `report`. */
  figures(report: ProblemLog): BankFigures;
}

const isGoldAmount = (amount: number): boolean => Number.isSafeInteger(amount) && amount > 0;

export const createBankLedger = (problems: ProblemLog): BankLedger => {
  const banks = new Map<string, number>();
  const pairings = new Map<string, BankPairing>();
  let overdrawn = 0;

  const pair = (player: string, reference: string, delta: number, where: Where, guildId?: string): void => {
    const key = `${player}\u0000${reference}`;
    const pairing = pairings.get(key) ?? { player, reference, guildId: undefined, net: 0, last: where };
    pairing.net += delta;
    pairing.last = where;
    pairing.guildId ??= guildId;
    if (pairing.net === 0) pairings.delete(key);
    else pairings.set(key, pairing);
  };

  const validAmount = (guildId: string, what: string, amount: number, where: Where): boolean => {
    if (isGoldAmount(amount)) return true;
    problems.note(where, `guild ${guildId}'s ${what} of ${String(amount)} is not a positive whole amount; not counted`, 'invalid-entry');
    return false;
  };

  return {
    deposited(guildId, { from, amount, reference }, where) {
      if (!validAmount(guildId, 'deposit', amount, where)) return;
      banks.set(guildId, (banks.get(guildId) ?? 0) + amount);
      pair(from, reference, -amount, where, guildId);
    },

    withdrawn(guildId, { to, amount, reference }, where) {
      if (!validAmount(guildId, 'withdrawal', amount, where)) return;
      const after = (banks.get(guildId) ?? 0) - amount;
      banks.set(guildId, after);
      if (after < 0) {
        overdrawn += Math.min(amount, -after);
        problems.note(where, `guild ${guildId}'s bank paid out ${amount} gold while holding ${after + amount}`, 'gold-created', {
          streams: [streamOf('player', to)],
        });
      }
      pair(to, reference, amount, where, guildId);
    },

    walletEntry: (player, reference, delta, where) => pair(player, reference, delta, where),

    get overdrawn() {
      return overdrawn;
    },

    figures(report) {
      let inBanks = 0;
      for (const balance of banks.values()) inBanks += Math.max(0, balance);
      let inTransit = 0;
      let unpaid = 0;
      for (const { player, reference, guildId, net, last } of pairings.values()) {
        const streams = [streamOf('player', player), guildId === undefined ? undefined : streamOf('guild', guildId)];
        if (net > 0) {
          inTransit += net;
          report.note(last, `${net} gold of guild bank reference ${reference} (${player}) left one side and never reached the other`, 'gold-in-transit', { streams });
        } else {
          unpaid += -net;
          report.note(last, `${-net} gold of guild bank reference ${reference} (${player}) reached one side without leaving the other`, 'gold-created', { streams });
        }
      }
      return { inBanks, inTransit, unpaid };
    },
  };
};
