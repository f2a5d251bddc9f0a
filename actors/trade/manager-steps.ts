import type { ItemHolder } from '../../events/item.js';
import type { TradeLeg, TradeStep } from '../../events/trade.js';
import type { CommandReply } from '../runtime/protocol/reply.js';
import { ITEM_CATEGORY } from '../item/commands.js';
import { PLAYER_CATEGORY } from '../player/definition.js';
import { isDuplicateLedgerEntry } from '../player/wallet.js';
import { verdictOf } from '../process/replies.js';
import type { OutgoingCommand } from '../process/sender.js';
import { derivedCommandId } from '../process/step-ids.js';
import { FAILURE_REASON_MAX, TRADE_CATEGORY } from './commands.js';

/**
 * The trade process manager's steps as data: which command carries out a step on an
 * item or a wallet, and what the trade is told once the answer is in. Pure; the
 * driver (actors/process) sends them.
 */

const legKey = (leg: TradeLeg): string => (leg.kind === 'item' ? `item:${leg.itemId}:${leg.party}` : `gold:${leg.party}`);

const holderOf = (tradeId: string): ItemHolder => ({ kind: 'trade', id: tradeId });

export const tradeStepCommand = (tradeId: string, step: TradeStep): OutgoingCommand => {
  const address = { commandId: derivedCommandId('trade', tradeId, step.kind, legKey(step.leg)), correlationId: tradeId };
  const holder = holderOf(tradeId);
  switch (step.kind) {
    case 'escrowItem':
      return { ...address, category: ITEM_CATEGORY, actorId: step.itemId, command: 'escrow', data: { holder, from: step.from } };
    case 'settleItem':
    case 'releaseItem':
      return { ...address, category: ITEM_CATEGORY, actorId: step.itemId, command: 'release', data: { holder, to: step.to } };
    case 'escrowGold':
      return {
        ...address,
        category: PLAYER_CATEGORY,
        actorId: step.party,
        command: 'debit',
        data: { amount: step.amount, cause: 'trade', reference: step.reference },
      };
    case 'settleGold':
    case 'releaseGold':
      return {
        ...address,
        category: PLAYER_CATEGORY,
        actorId: step.to,
        command: 'credit',
        data: { amount: step.amount, cause: step.kind === 'settleGold' ? 'trade' : 'refund', reference: step.reference },
      };
    default: {
      const _: never = step;
      throw new TypeError('unknown trade step');
    }
  }
};

/**
 * What to do with a step's answer. `report`: tell the trade. `retry`: the outcome is
 * unknown; send the same step again later. `blocked`: the item or wallet refuses a step
 * that must not be refused (a settlement credit past the balance limit); it is retried
 * slowly and counted, because the trade cannot end until it goes through.
 */
export type StepFollowUp =
  | { readonly kind: 'report'; readonly command: OutgoingCommand }
  | { readonly kind: 'retry'; readonly reason: string }
  | { readonly kind: 'blocked'; readonly reason: string };

const report = (tradeId: string, command: string, data: Readonly<Record<string, unknown>>, leg: TradeLeg): StepFollowUp => ({
  kind: 'report',
  command: {
    category: TRADE_CATEGORY,
    actorId: tradeId,
    command,
    data,
    commandId: derivedCommandId('trade', tradeId, 'report', command, legKey(leg)),
    correlationId: tradeId,
  },
});

const isEscrow = (step: TradeStep): boolean => step.kind === 'escrowItem' || step.kind === 'escrowGold';
const isGold = (step: TradeStep): boolean => step.kind === 'escrowGold' || step.kind === 'settleGold' || step.kind === 'releaseGold';

const reasonOf = (code: string, message: string): string => `${code}: ${message}`.slice(0, FAILURE_REASON_MAX);

export const tradeStepFollowUp = (tradeId: string, step: TradeStep, reply: CommandReply): StepFollowUp => {
  const verdict = verdictOf(reply);
  // The wallet already holds this trade's entry: the step took effect on an earlier try.
  const done = verdict.kind === 'done' || (verdict.kind === 'refused' && isGold(step) && isDuplicateLedgerEntry(verdict.code, verdict.message));
  const leg = step.leg;
  if (done) {
    if (isEscrow(step)) return report(tradeId, 'escrowConfirmed', { step: leg }, leg);
    return report(tradeId, step.kind === 'settleItem' || step.kind === 'settleGold' ? 'settled' : 'released', { step: leg }, leg);
  }
  if (verdict.kind === 'unknown') return { kind: 'retry', reason: reasonOf(verdict.code, verdict.message) };
  if (isEscrow(step)) return report(tradeId, 'escrowFailed', { step: leg, reason: reasonOf(verdict.code, verdict.message) }, leg);
  return { kind: 'blocked', reason: reasonOf(verdict.code, verdict.message) };
};
