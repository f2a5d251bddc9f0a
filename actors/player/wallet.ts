import type { PlayerEvent } from '../../events/player.js';
import { accept, acceptWith, reject, type Decision } from '../runtime/decider.js';
import { MAX_BALANCE, MAX_GOLD_PER_OPERATION, fitsBalance } from '../shared/values.js';
import type { CreditCommand, DebitCommand, VoidDebitCommand } from './commands.js';
import { ledgerKey, voidedDebitKey, type RegisteredPlayer } from './state.js';

/**
 * The host validated amounts against GoldAmount already. Checked again here because
 * gold is where dupes come from, and a decider may be driven without the host (a
 * process manager in process, a replay tool): an amount that is not an exact positive
 * integer within bounds never reaches the ledger.
 */
const invalidAmount = (amount: number): Decision<never> | undefined =>
  Number.isSafeInteger(amount) && amount > 0 && amount <= MAX_GOLD_PER_OPERATION
    ? undefined
    : reject('VALIDATION', `amount must be a whole number in 1..${MAX_GOLD_PER_OPERATION}`);

/**
 * How a repeated ledger entry is refused. Stable: a process manager that repeats a
 * gold step after a crash reads this refusal as "already applied" (the reference names
 * the trade or bid, so the entry it finds is its own).
 */
export const DUPLICATE_LEDGER_ENTRY = 'duplicate ledger entry';

export const isDuplicateLedgerEntry = (code: string, message: string): boolean =>
  code === 'REJECTED' && message.startsWith(`${DUPLICATE_LEDGER_ENTRY}:`);

/** The reply carries the new balance so a game server need not read a projection. */
export const decideCredit = (state: RegisteredPlayer, { amount, cause, reference }: CreditCommand['data']): Decision<PlayerEvent> => {
  const invalid = invalidAmount(amount);
  if (invalid !== undefined) return invalid;
  // Checked before the balance: a retried credit must say "already applied", not "too much".
  if (state.recentLedgerKeys.includes(ledgerKey('credit', cause, reference))) {
    return reject('REJECTED', `${DUPLICATE_LEDGER_ENTRY}: credit ${cause} ${reference} already applied`);
  }
  if (!fitsBalance(state.balance, amount)) {
    return reject('REJECTED', `balance limit: has ${state.balance}, credit of ${amount} would exceed ${MAX_BALANCE}`);
  }
  const balanceAfter = state.balance + amount;
  return acceptWith({ balance: balanceAfter }, { type: 'GoldCredited', data: { amount, cause, reference, balanceAfter } });
};

export const decideDebit = (state: RegisteredPlayer, { amount, cause, reference }: DebitCommand['data']): Decision<PlayerEvent> => {
  const invalid = invalidAmount(amount);
  if (invalid !== undefined) return invalid;
  if (state.recentLedgerKeys.includes(ledgerKey('debit', cause, reference))) {
    return reject('REJECTED', `${DUPLICATE_LEDGER_ENTRY}: debit ${cause} ${reference} already applied`);
  }
  if (state.recentLedgerKeys.includes(voidedDebitKey(cause, reference))) {
    return reject('REJECTED', `${VOIDED_LEDGER_ENTRY}: debit ${cause} ${reference} was voided by its trade or auction`);
  }
  if (amount > state.balance) return reject('REJECTED', `insufficient gold: has ${state.balance}, needs ${amount}`);
  const balanceAfter = state.balance - amount;
  return acceptWith({ balance: balanceAfter }, { type: 'GoldDebited', data: { amount, cause, reference, balanceAfter } });
};

/** How a debit under a voided reference is refused. */
export const VOIDED_LEDGER_ENTRY = 'voided ledger entry';

/**
 * A trade or auction gives up on a hold it was refused: from now on no debit under that
 * cause and reference can take effect, so a late copy of the refused request (delayed in
 * a host's mailbox while a retry was refused elsewhere) cannot take gold for a trade that
 * already unwound. If the debit did take effect, the void is refused as a duplicate
 * ledger entry, which tells the process manager that the gold is held after all.
 * Voiding twice is a no-op.
 */
export const decideVoidDebit = (state: RegisteredPlayer, { cause, reference }: VoidDebitCommand['data']): Decision<PlayerEvent> => {
  if (state.recentLedgerKeys.includes(ledgerKey('debit', cause, reference))) {
    return reject('REJECTED', `${DUPLICATE_LEDGER_ENTRY}: debit ${cause} ${reference} already applied`);
  }
  if (state.recentLedgerKeys.includes(voidedDebitKey(cause, reference))) return accept();
  return accept({ type: 'GoldDebitVoided', data: { cause, reference } });
};
