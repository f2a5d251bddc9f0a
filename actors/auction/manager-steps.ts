import { ITEM_CATEGORY } from '../item/commands.js';
import { PLAYER_CATEGORY } from '../player/definition.js';
import { isDuplicateLedgerEntry } from '../player/wallet.js';
import { verdictOf } from '../process/replies.js';
import type { OutgoingCommand } from '../process/sender.js';
import { derivedCommandId } from '../process/step-ids.js';
import type { CommandReply } from '../runtime/protocol/reply.js';
import { AUCTION_CATEGORY } from './commands.js';
import type { AuctionStep } from './steps.js';

/**
 * The auction process manager's steps as data: the command that carries out each
 * step (steps.ts says which), and what the auction is told once the answer is in.
 * Pure; the driver (actors/process) sends them, one auction's steps in order.
 */

const stepKey = (step: AuctionStep): string => ('bidId' in step ? `${step.kind}:${step.bidId}` : step.kind);

/** Every auction gold movement: a ledger entry of cause `auction` on one player's wallet. */
const wallet = (player: string, command: 'debit' | 'credit', amount: number, reference: string) => ({
  category: PLAYER_CATEGORY,
  actorId: player,
  command,
  data: { amount, cause: 'auction', reference },
});

export const auctionStepCommand = (auctionId: string, step: AuctionStep): OutgoingCommand => {
  const address = { commandId: derivedCommandId('auction', auctionId, stepKey(step)), correlationId: auctionId };
  switch (step.kind) {
    case 'escrowItem':
      return { ...address, category: ITEM_CATEGORY, actorId: step.itemId, command: 'escrow', data: { holder: step.holder, from: step.from } };
    case 'deliverItem':
    case 'returnItem':
      return { ...address, category: ITEM_CATEGORY, actorId: step.itemId, command: 'release', data: { holder: step.holder, to: step.to } };
    case 'holdBidFunds':
      return { ...address, ...wallet(step.bidder, 'debit', step.amount, step.reference) };
    case 'refundBid':
      return { ...address, ...wallet(step.bidder, 'credit', step.amount, step.reference) };
    case 'paySeller':
      return { ...address, ...wallet(step.seller, 'credit', step.amount, step.reference) };
    default: {
      const _: never = step;
      throw new TypeError('unknown auction step');
    }
  }
};

/**
 * `report`: tell the auction (or, for `deliverItem`, nothing yet: `paySeller` follows
 * and reports the settlement once both are done). `retry`: outcome unknown, send the
 * same step later. `blocked`: a step that must not be refused was refused (a payment
 * past the balance limit); retried slowly and counted.
 */
export type AuctionFollowUp =
  | { readonly kind: 'report'; readonly command: OutgoingCommand | undefined }
  | { readonly kind: 'retry'; readonly reason: string }
  | { readonly kind: 'blocked'; readonly reason: string };

const tell = (auctionId: string, command: string, data: Readonly<Record<string, unknown>>, key: string): AuctionFollowUp => ({
  kind: 'report',
  command: {
    category: AUCTION_CATEGORY,
    actorId: auctionId,
    command,
    data,
    commandId: derivedCommandId('auction', auctionId, 'report', command, key),
    correlationId: auctionId,
  },
});

const isGold = (step: AuctionStep): boolean => step.kind === 'holdBidFunds' || step.kind === 'refundBid' || step.kind === 'paySeller';

export const auctionStepFollowUp = (auctionId: string, step: AuctionStep, reply: CommandReply): AuctionFollowUp => {
  const verdict = verdictOf(reply);
  const done = verdict.kind === 'done' || (verdict.kind === 'refused' && isGold(step) && isDuplicateLedgerEntry(verdict.code, verdict.message));
  if (!done && verdict.kind === 'unknown') return { kind: 'retry', reason: `${verdict.code}: ${verdict.message}` };
  switch (step.kind) {
    case 'escrowItem':
      return tell(auctionId, done ? 'itemEscrowed' : 'itemEscrowFailed', {}, 'escrow');
    case 'holdBidFunds':
      return tell(auctionId, done ? 'bidFundsHeld' : 'bidFundsFailed', { bidId: step.bidId }, step.bidId);
    case 'refundBid':
      return done ? tell(auctionId, 'refunded', { bidId: step.bidId }, step.bidId) : blocked(verdict);
    case 'deliverItem':
      return done ? { kind: 'report', command: undefined } : blocked(verdict);
    case 'paySeller':
      return done ? tell(auctionId, 'settled', {}, 'settled') : blocked(verdict);
    case 'returnItem':
      return done ? tell(auctionId, 'returned', {}, 'returned') : blocked(verdict);
    default: {
      const _: never = step;
      throw new TypeError('unknown auction step');
    }
  }
};

const blocked = (verdict: ReturnType<typeof verdictOf>): AuctionFollowUp =>
  ({ kind: 'blocked', reason: verdict.kind === 'done' ? 'done' : `${verdict.code}: ${verdict.message}` });
