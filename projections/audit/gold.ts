import type { GoldDeposited, GoldWithdrawn } from '../../events/guild.js';
import type { CreditCause, DebitCause, GoldCredited, GoldDebited } from '../../events/player.js';
import { createBankLedger } from './guild-banks.js';
import { streamOf, type ProblemLog, type Where } from './problems.js';
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
 * - Refunds outside trades: a credit of cause refund whose correlation id names no trade
 *   (no trade stream and no trade pool so far: a trade's refunds always follow its
 *   proposal and its escrow) is a game server paying back a purchase. It is gold entering
 *   the economy, counted as minted, on a line of its own (goldMintedByRefunds).
 * - Guild banks (guild-banks.ts): each bank's balance, each bank entry paired with the
 *   member's wallet entry of cause guildBank that carries the same reference.
 *
 * Gold is created when a pool, a bank or a wallet is overdrawn (the sum of the
 * overdrafts), when a bank entry has no wallet entry paying for it, or when an entry's
 * balanceAfter disagrees with the replayed balance.
 *
 * Memory: one record per wallet, per pool (trade or auction) and per guild bank, and the
 * bank movements still missing a side; nothing per event.
 */

type CreditFlow = 'minted' | 'trade' | 'refund' | 'auction' | 'guildBank';
type DebitFlow = 'sunk' | 'trade' | 'auction' | 'guildBank';

const CREDIT_FLOWS: { readonly [Cause in CreditCause]: CreditFlow } = {
  loot: 'minted',
  adminGrant: 'minted',
  trade: 'trade',
  refund: 'refund',
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

export interface GoldFigures {
  readonly goldMinted: number;
  /** Refunds no trade claims (a game server paying back a purchase); part of goldMinted. */
  readonly goldMintedByRefunds: number;
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
  /** The figures at this point of the log; end-of-log findings go to `report`. */
  figures(report: ProblemLog, lastWhere: Where): GoldFigures;
}

const sum = (values: Iterable<number>): number => {
  let total = 0;
  for (const value of values) total += value;
  return total;
};

export const createGoldLedger = (problems: ProblemLog, processes: ProcessLedger): GoldLedger => {
  const wallets = new Map<string, Wallet>();
  const pools = new Map<string, Pool>();
  const banks = createBankLedger(problems);
  let minted = 0;
  let mintedByRefunds = 0;
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

  const poolKey = (kind: PoolKind, id: string): string => `${kind}:${id}`;

  const poolOf = (kind: PoolKind, id: string): Pool => {
    const key = poolKey(kind, id);
    const known = pools.get(key);
    if (known !== undefined) return known;
    const created: Pool = { kind, id, balance: 0 };
    pools.set(key, created);
    return created;
  };

  /** A refund belongs to a trade when its correlation id names one seen so far, as a stream or a pool. */
  const namesATrade = (correlationId: string): boolean =>
    processes.trade(correlationId) !== undefined || pools.has(poolKey('trade', correlationId));

  /** The part of a withdrawal of `amount` that took a balance, now `after`, below zero. */
  const overdraft = (after: number, amount: number): number => (after < 0 ? Math.min(amount, -after) : 0);

  /** Each new disagreement between balanceAfter and the replay counts its size once. */
  const checkBalanceAfter = (player: string, wallet: Wallet, balanceAfter: number, where: Where): void => {
    if (!Number.isSafeInteger(balanceAfter)) {
      problems.note(where, `${player}'s balanceAfter ${String(balanceAfter)} is not a whole number`, 'invalid-entry');
      return;
    }
    const offset = balanceAfter - wallet.balance;
    if (offset !== 0 && offset !== wallet.offset) {
      misstated += Math.abs(offset);
      problems.note(where, `${player}'s balanceAfter is ${balanceAfter}, the replayed balance ${wallet.balance}`, 'gold-created');
    }
    wallet.offset = offset;
  };

  const checkTradeReference = (reference: string, correlationId: string, where: Where): void => {
    const named = TRADE_REFERENCE.exec(reference)?.[1];
    if (named !== undefined && named !== correlationId) {
      problems.note(where, `ledger reference ${reference} names trade ${named}, but the entry belongs to ${correlationId}`, 'invalid-entry', {
        streams: [streamOf('trade', named), streamOf('trade', correlationId)],
      });
    }
  };

  const validEntry = (player: string, kind: 'credit' | 'debit', amount: number, cause: string, where: Where): boolean => {
    if (isGoldAmount(amount)) return true;
    problems.note(where, `${player}'s ${kind} (${cause}) of ${String(amount)} is not a positive whole amount; not counted`, 'invalid-entry');
    return false;
  };

  /** A credit paid out of the pool of `kind` named by `correlationId`. */
  const payFromPool = (player: string, kind: PoolKind, amount: number, cause: string, reference: string, correlationId: string, where: Where): void => {
    if (kind === 'trade') checkTradeReference(reference, correlationId, where);
    const pool = poolOf(kind, correlationId);
    const before = pool.balance;
    pool.balance -= amount;
    const over = overdraft(pool.balance, amount);
    if (over > 0) {
      overdrawn += over;
      problems.note(where, `${player} was credited ${amount} gold (${cause} ${reference}) from ${kind} ${correlationId}, which held ${before}`, 'gold-created', {
        streams: [streamOf(kind, correlationId)],
      });
    }
  };

  return {
    credited(player, { amount, cause, reference, balanceAfter }, correlationId, where) {
      const wallet = walletOf(player);
      const flow = flowOf<CreditFlow>(CREDIT_FLOWS, cause);
      if (flow === undefined) {
        problems.note(where, `${player} was credited with an unknown cause ${String(cause)}; not counted`, 'invalid-entry');
      } else if (validEntry(player, 'credit', amount, cause, where)) {
        wallet.balance += amount;
        switch (flow) {
          case 'minted':
            minted += amount;
            break;
          case 'refund':
            if (namesATrade(correlationId)) {
              payFromPool(player, 'trade', amount, cause, reference, correlationId, where);
            } else {
              minted += amount;
              mintedByRefunds += amount;
            }
            break;
          case 'guildBank':
            banks.walletEntry(player, reference, -amount, where);
            break;
          case 'trade':
          case 'auction':
            payFromPool(player, flow, amount, cause, reference, correlationId, where);
            break;
        }
      }
      checkBalanceAfter(player, wallet, balanceAfter, where);
    },

    debited(player, { amount, cause, reference, balanceAfter }, correlationId, where) {
      const wallet = walletOf(player);
      const flow = flowOf<DebitFlow>(DEBIT_FLOWS, cause);
      if (flow === undefined) {
        problems.note(where, `${player} was debited with an unknown cause ${String(cause)}; not counted`, 'invalid-entry');
      } else if (validEntry(player, 'debit', amount, cause, where)) {
        const before = wallet.balance;
        wallet.balance -= amount;
        const over = overdraft(wallet.balance, amount);
        if (over > 0) {
          overdrawn += over;
          problems.note(where, `${player} was debited ${amount} gold (${cause} ${reference}) while holding ${before}`, 'gold-created');
        }
        switch (flow) {
          case 'sunk':
            sunk += amount;
            break;
          case 'guildBank':
            banks.walletEntry(player, reference, amount, where);
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

    deposited: (guildId, data, where) => banks.deposited(guildId, data, where),
    withdrawn: (guildId, data, where) => banks.withdrawn(guildId, data, where),

    figures(report, lastWhere) {
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
            report.note(trade.closedAt, `trade ${pool.id} closed (${trade.outcome ?? '?'}) still holding ${held} gold`, 'gold-stranded');
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
            report.note(auction.endedAt, `auction ${pool.id} ended (${auction.ending ?? '?'}) still holding ${held - pending} gold`, 'gold-stranded');
          }
        }
      }

      const bank = banks.figures(report);
      let inWallets = 0;
      for (const wallet of wallets.values()) inWallets += wallet.balance;
      const inEscrow = open + stranded + refundsPending + elsewhere + bank.inBanks + bank.inTransit;
      const allOverdrawn = overdrawn + banks.overdrawn;
      const detected = allOverdrawn + misstated + bank.unpaid;
      // Every amount above is counted once, so wallets and escrow exceed minted − sunk by
      // at most what was detected; the check stands guard over that reasoning.
      const excess = inWallets + inEscrow - (minted - sunk);
      if (excess > detected) {
        report.note(lastWhere, `wallets (${inWallets}) and escrow (${inEscrow}) exceed minted − sunk (${minted - sunk}) by ${excess}`, 'gold-created');
      }
      return {
        goldMinted: minted,
        goldMintedByRefunds: mintedByRefunds,
        goldSunk: sunk,
        goldInWallets: inWallets,
        goldInEscrow: inEscrow,
        goldCreated: Math.max(detected, excess),
        goldStranded: stranded,
        goldInGuildBanks: bank.inBanks,
        goldInTransit: bank.inTransit,
        goldHeldElsewhere: elsewhere,
        goldOverdrawn: allOverdrawn,
        goldMisstated: misstated,
        goldRefundsPending: refundsPending,
      };
    },
  };
};
