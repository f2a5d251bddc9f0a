import { ITEM_CATEGORY } from '../item/commands.js';
import { isEscrowTakenEffect } from '../item/decider.js';
import { PLAYER_CATEGORY } from '../player/definition.js';
import { isDuplicateLedgerEntry } from '../player/wallet.js';
import { failure, type CommandReply } from '../runtime/protocol/reply.js';
import { verdictOf } from './replies.js';
import type { CommandSender, OutgoingCommand } from './sender.js';
import { derivedCommandId } from './step-ids.js';

/**
 * Makes a refused hold final before a process manager acts on the refusal.
 *
 * A hold (an item escrow, or a debit of a trade's or an auction's gold) may be refused on
 * one host while an earlier copy of the same request still waits in another host's
 * mailbox: the first attempt timed out, its retry reached a host that said no (the gold
 * was not there yet), and the trade unwound. Without more, that late copy could still
 * take effect and leave the gold or the item held by a trade that is over. So before a
 * refusal reaches the trade or the auction, the hold is voided on its actor: from then
 * on no copy of it can take effect (the void and any late copy are ordered by the actor's
 * expected-revision appends). If a copy did take effect first, the void is refused as
 * such, and the hold is asked again so that its answer says it is held.
 *
 * Every other command and reply passes through unchanged.
 */

const HOLD_CAUSES: ReadonlySet<unknown> = new Set(['trade', 'auction']);

const isHold = (command: OutgoingCommand): boolean =>
  (command.category === ITEM_CATEGORY && command.command === 'escrow') ||
  (command.category === PLAYER_CATEGORY && command.command === 'debit' && HOLD_CAUSES.has(command.data['cause']));

/** The command that voids `hold` on its actor; its id is derived from the hold's, so repeats are one command. */
export const voidOf = (hold: OutgoingCommand): OutgoingCommand => {
  const address = { category: hold.category, actorId: hold.actorId, commandId: derivedCommandId('void', hold.commandId), correlationId: hold.correlationId };
  return hold.category === ITEM_CATEGORY
    ? { ...address, command: 'voidEscrow', data: { holder: hold.data['holder'] } }
    : { ...address, command: 'voidDebit', data: { cause: hold.data['cause'], reference: hold.data['reference'] } };
};

/** The void was refused because the hold took effect after all. */
const tookEffect = (reply: CommandReply): boolean =>
  !reply.ok && (isDuplicateLedgerEntry(reply.error.code, reply.error.message) || isEscrowTakenEffect(reply.error.code, reply.error.message));

export const voidingRefusedHolds = (sender: CommandSender): CommandSender => ({
  async send(command) {
    const reply = await sender.send(command);
    if (!isHold(command)) return reply;
    const verdict = verdictOf(reply);
    if (verdict.kind !== 'refused' || isDuplicateLedgerEntry(verdict.code, verdict.message)) return reply;
    const voided = await sender.send(voidOf(command));
    const outcome = verdictOf(voided);
    if (outcome.kind === 'done') return reply;
    if (outcome.kind === 'unknown') return voided;
    if (tookEffect(voided)) return sender.send(command);
    // Never expected (the void is a server command on an actor that just answered): keep the step open.
    return failure('INTERNAL', `voiding a refused ${command.command} on ${command.category} ${command.actorId} was refused: ${outcome.code} ${outcome.message}`);
  },
});
