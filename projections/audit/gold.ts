import type { GoldDeposited, GoldWithdrawn } from '../../events/guild.js';
import type { CreditCause, DebitCause, GoldCredited, GoldDebited } from '../../events/player.js';
import type { ProblemLog, Where } from './problems.js';
import type { ProcessLedger } from './processes.js';

/**
 * The gold ledger of the whole world, replayed entry by entry.
 *
 * - Wallets: every player's balance from the amounts (as the player actor folds them),
 *   with each entry's `balanceAfter` checked against it.
 * - Escrow pools: the process manager sends a trade's or an auction's wallet commands
 *   with the trade or auction id as correlation id, so entries of causes trade and
 *   refund (trade pools) and auction (auction pools) are grouped by correlation id:
 *   debits fill a pool, credits empty it, and a pool never goes below zero. A player
 *   debiting its own wallet with such a cause forms a pool that is never paid out.
 * - Guild banks: each bank's balance from its own GoldDeposited/GoldWithdrawn events,
 *   and each bank entry paired with the member's wallet entry of cause guildBank that
 *   carries the same reference.
 *
 * Gold is created when a pool, a bank or a wallet is overdrawn (the sum of the
 * overdrafts), when a bank entry has no wallet entry paying for it, or when an entry's
 * balanceAfter disagrees with the replayed balance.
 */

type CreditFlow = 'minted' | 'trade' | 'auction' | 'guildBank';
type DebitFlow = 'sunk' | 'trade' | 'auction' | 'guildBank';

const CREDIT_FLOWS: { readonly [Cause in CreditCause]: CreditFlow } = {
  loot: 'minted',
  adminGrant: 'minted',
  trade: 'trade',
  refund: 'trade',
  auction: 'auction',
  guildBank: 'guildBank',
};

const DEBIT_FLOWS: { readonly [Cause in DebitCause]: DebitFlow } = {
  purchase: 'sunk',
  repair: 'sunk',
  fee: 'sunk',
  trade: 'trade',
  auction: 'auction',
  guildBank: 'guildBank',
};

/** Stored data is only as good as the log: a cause outside the catalog is reported, not trusted. */
const flowOf = <Flow>(table: Readonly<Record<string, Flow>>, cause: string): Flow | undefined =>
  Object.hasOwn(table, cause) ? table[cause] : undefined;

const isGoldAmount = (amount: number): boolean => Number.isSafeInteger(amount) && amount > 0;

/** `<tradeId>-escrow|settle|refund`: the trade a trade ledger reference names. */
const TRADE_REFERENCE = /^(.+)-(escrow|settle|refund)$/;

type PoolKind = 'trade' | 'auction';

interface Pool {
  readonly kind: PoolKind;
  readonly id: string;
  balance: number;
}

interface Wallet {
  balance: number;
  /** balanceAfter minus the replayed balance at the last entry; 0 while they agree. */
  offset: number;
}

/** One bank movement and its wallet side: wallet debits and bank withdrawals add, bank deposits and wallet credits subtract. */
interface BankPairing {
  readonly player: string;
  readonly reference: string;
  net: number;
  last: Where;
}

export interface GoldFigures {
  readonly goldMinted: number;
  readonly goldSunk: number;
  readonly goldInWallets: number;
  readonly goldInEscrow: number;
  readonly goldCreated: number;
  readonly goldStranded: number;
  readonly goldInGuildBanks: number;
  readonly goldInTransit: number;
  readonly goldHeldElsewhere: number;
  readonly goldOverdrawn: number;
  readonly goldMisstated: number;
  readonly goldRefundsPending: number;
}

export interface GoldLedger {
  credited(player: string, data: GoldCredited['data'], correlationId: string, where: Where): void;
  debited(player: string, data: GoldDebited['data'], correlationId: string, where: Where): void;
  deposited(guildId: string, data: GoldDeposited['data'], where: Where): void;
  withdrawn(guildId: string, data: GoldWithdrawn['data'], where: Where): void;
  /** The figures at this point of the log; end-of-log findings go to `problems`. */
  figures(processes: ProcessLedger, problems: ProblemLog, lastWhere: Where): GoldFigures;
}

const sum = (values: Iterable<number>): number => {
  let total = 0;
  for (const value of values) total += value;
  return total;
};

export const createGoldLedger = (problems: ProblemLog): GoldLedger => {
  const wallets = new Map<string, Wallet>();
  const pools = new Map<string, Pool>();
  const banks = new Map<string, number>();
  const pairings = new Map<string, BankPairing>();
  let minted = 0;
  let sunk = 0;
  let overdrawn = 0;
  let misstated = 0;

  const walletOf = (player: string): Wallet => {
    const known = wallets.get(player);
    if (known !== undefined) return known;
    const created: Wallet = { balance: 0, offset: 0 };
    wallets.set(player, created);
    return created;
  };

  const poolOf = (kind: PoolKind, id: string): Pool => {
    const key = `${kind}:${id}`;
    const known = pools.get(key);
    if (known !== undefined) return known;
    const created: Pool = { kind, id, balance: 0 };
    pools.set(key, created);
    return created;
  };

  /** The part of a withdrawal of `amount` that took a balance, now `after`, below zero. */
  const overdraft = (after: number, amount: number): number => (after < 0 ? Math.min(amount, -after) : 0);

  /** Each new disagreement between balanceAfter and the replay counts its size once. */
  const checkBalanceAfter = (player: string, wallet: Wallet, balanceAfter: number, where: Where): void => {
    if (!Number.isSafeInteger(balanceAfter)) {
      problems.note(where, `${player}'s balanceAfter ${String(balanceAfter)} is not a whole number`);
      return;
    }
    const offset = balanceAfter - wallet.balance;
    if (offset !== 0 && offset !== wallet.offset) {
      misstated += Math.abs(offset);
      problems.note(where, `${player}'s balanceAfter is ${balanceAfter}, the replayed balance ${wallet.balance}`);
    }
    wallet.offset = offset;
  };

  const pair = (player: string, reference: string, delta: number, where: Where): void => {
    const key = `${player}\u0000${reference}`;
    const pairing = pairings.get(key) ?? { player, reference, net: 0, last: where };
    pairing.net += delta;
    pairing.last = where;
    pairings.set(key, pairing);
  };

  const checkTradeReference = (reference: string, correlationId: string, where: Where): void => {
    const named = TRADE_REFERENCE.exec(reference)?.[1];
    if (named !== undefined && named !== correlationId) {
      problems.note(where, `ledger reference ${reference} names trade ${named}, but the entry belongs to ${correlationId}`);
    }
  };

  const validEntry = (player: string, kind: 'credit' | 'debit', amount: number, cause: string, where: Where): boolean => {
    if (isGoldAmount(amount)) return true;
    problems.note(where, `${player}'s ${kind} (${cause}) of ${String(amount)} is not a positive whole amount; not counted`);
    return false;
  };

  const payOut = (guildId: string, amount: number, where: Where): void => {
    const after = (banks.get(guildId) ?? 0) - amount;
    banks.set(guildId, after);
    const over = overdraft(after, amount);
    if (over > 0) {
      overdrawn += over;
      problems.note(where, `guild ${guildId}'s bank paid out ${amount} gold while holding ${after + amount}`);
    }
  };

  return {
    credited(player, { amount, cause, reference, balanceAfter }, correlationId, where) {
      const wallet = walletOf(player);
      const flow = flowOf<CreditFlow>(CREDIT_FLOWS, cause);
      if (flow === undefined) {
        problems.note(where, `${player} was credited with an unknown cause ${String(cause)}; not counted`);
      } else if (validEntry(player, 'credit', amount, cause, where)) {
        wallet.balance += amount;
        switch (flow) {
          case 'minted':
            minted += amount;
            break;
          case 'guildBank':
            pair(player, reference, -amount, where);
            break;
          case 'trade':
          case 'auction': {
            if (flow === 'trade') checkTradeReference(reference, correlationId, where);
            const pool = poolOf(flow, correlationId);
            const before = pool.balance;
            pool.balance -= amount;
            const over = overdraft(pool.balance, amount);
            if (over > 0) {
              overdrawn += over;
              problems.note(where, `${player} was credited ${amount} gold (${cause} ${reference}) from ${flow} ${correlationId}, which held ${before}`);
            }
            break;
          }
        }
      }
      checkBalanceAfter(player, wallet, balanceAfter, where);
    },

    debited(player, { amount, cause, reference, balanceAfter }, correlationId, where) {
      const wallet = walletOf(player);
      const flow = flowOf<DebitFlow>(DEBIT_FLOWS, cause);
      if (flow === undefined) {
        problems.note(where, `${player} was debited with an unknown cause ${String(cause)}; not counted`);
      } else if (validEntry(player, 'debit', amount, cause, where)) {
        const before = wallet.balance;
        wallet.balance -= amount;
        const over = overdraft(wallet.balance, amount);
        if (over > 0) {
          overdrawn += over;
          problems.note(where, `${player} was debited ${amount} gold (${cause} ${reference}) while holding ${before}`);
        }
        switch (flow) {
          case 'sunk':
            sunk += amount;
            break;
          case 'guildBank':
            pair(player, reference, amount, where);
            break;
          case 'trade':
          case 'auction':
            if (flow === 'trade') checkTradeReference(reference, correlationId, where);
            poolOf(flow, correlationId).balance += amount;
            break;
        }
      }
      checkBalanceAfter(player, wallet, balanceAfter, where);
    },

    deposited(guildId, { from, amount, reference }, where) {
      if (!isGoldAmount(amount)) {
        problems.note(where, `guild ${guildId}'s deposit of ${String(amount)} is not a positive whole amount; not counted`);
        return;
      }
      banks.set(guildId, (banks.get(guildId) ?? 0) + amount);
      pair(from, reference, -amount, where);
    },

    withdrawn(guildId, { to, amount, reference }, where) {
      if (!isGoldAmount(amount)) {
        problems.note(where, `guild ${guildId}'s withdrawal of ${String(amount)} is not a positive whole amount; not counted`);
        return;
      }
      payOut(guildId, amount, where);
      pair(to, reference, amount, where);
    },

    figures(processes, report, lastWhere) {
      let open = 0;
      let stranded = 0;
      let elsewhere = 0;
      let refundsPending = 0;
      for (const pool of pools.values()) {
        const held = Math.max(0, pool.balance);
        if (pool.kind === 'trade') {
          const trade = processes.trade(pool.id);
          if (trade === undefined) {
            elsewhere += held;
          } else if (trade.closedAt === undefined) {
            open += held;
          } else if (held > 0) {
            stranded += held;
            report.note(trade.closedAt, `trade ${pool.id} closed (${trade.outcome ?? '?'}) still holding ${held} gold`);
          }
          continue;
        }
        const auction = processes.auction(pool.id);
        if (auction === undefined) {
          elsewhere += held;
        } else if (auction.endedAt === undefined) {
          open += held;
        } else {
          // Refunds may still run after the end; what they will pay back is held, not stranded.
          const pending = Math.min(held, sum(auction.refundsOutstanding.values()));
          refundsPending += pending;
          if (held > pending) {
            stranded += held - pending;
            report.note(auction.endedAt, `auction ${pool.id} ended (${auction.ending ?? '?'}) still holding ${held - pending} gold`);
          }
        }
      }

      let inBanks = 0;
      for (const balance of banks.values()) inBanks += Math.max(0, balance);

      let inTransit = 0;
      let unpaid = 0;
      for (const { player, reference, net, last } of pairings.values()) {
        if (net > 0) {
          inTransit += net;
          report.note(last, `${net} gold of guild bank reference ${reference} (${player}) left one side and never reached the other`);
        } else if (net < 0) {
          unpaid += -net;
          report.note(last, `${-net} gold of guild bank reference ${reference} (${player}) reached one side without leaving the other`);
        }
      }

      const inWallets = sum([...wallets.values()].map((wallet) => wallet.balance));
      const inEscrow = open + stranded + refundsPending + elsewhere + inBanks + inTransit;
      const detected = overdrawn + misstated + unpaid;
      // Every amount above is counted once, so wallets and escrow exceed minted − sunk by
      // at most what was detected; the check stands guard over that reasoning.
      const excess = inWallets + inEscrow - (minted - sunk);
      if (excess > detected) {
        report.note(lastWhere, `wallets (${inWallets}) and escrow (${inEscrow}) exceed minted − sunk (${minted - sunk}) by ${excess}`);
      }
      return {
        goldMinted: minted,
        goldSunk: sunk,
        goldInWallets: inWallets,
        goldInEscrow: inEscrow,
        goldCreated: Math.max(detected, excess),
        goldStranded: stranded,
        goldInGuildBanks: inBanks,
        goldInTransit: inTransit,
        goldHeldElsewhere: elsewhere,
        goldOverdrawn: overdrawn,
        goldMisstated: misstated,
        goldRefundsPending: refundsPending,
      };
    },
  };
};
