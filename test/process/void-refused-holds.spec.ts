import { describe, expect, it } from 'vitest';
import type { CommandSender, OutgoingCommand } from '../../actors/process/sender.js';
import { voidOf, voidingRefusedHolds } from '../../actors/process/void-refused-holds.js';
import { failure, success, type CommandReply } from '../../actors/runtime/protocol/reply.js';

/** A sender that answers from a script, one reply per command sent, and records what it was sent. */
const scripted = (...replies: CommandReply[]) => {
  const sent: string[] = [];
  const sender: CommandSender = {
    send: (command: OutgoingCommand) => {
      sent.push(`${command.category}.${command.command}`);
      const reply = replies.shift();
      if (reply === undefined) throw new Error(`no reply scripted for ${command.command}`);
      return Promise.resolve(reply);
    },
  };
  return { sender: voidingRefusedHolds(sender), sent };
};

const goldHold: OutgoingCommand = {
  category: 'player',
  actorId: 'bob',
  command: 'debit',
  data: { amount: 40, cause: 'trade', reference: 't1-escrow' },
  commandId: 'c-hold',
  correlationId: 't1',
};
const itemHold: OutgoingCommand = {
  category: 'item',
  actorId: 'sword',
  command: 'escrow',
  data: { holder: { kind: 'trade', id: 't1' }, from: 'alice' },
  commandId: 'c-escrow',
  correlationId: 't1',
};
const insufficient = failure('REJECTED', 'insufficient gold: has 0, needs 40');

describe('a refused hold is voided before its refusal is reported', () => {
  it('given a refused gold hold, when the void goes through, then the refusal is reported and stands', async () => {
    const { sender, sent } = scripted(insufficient, success(3, ['GoldDebitVoided']));
    expect(await sender.send(goldHold)).toEqual(insufficient);
    expect(sent).toEqual(['player.debit', 'player.voidDebit']);
  });

  it('given a refused hold whose late copy took effect before the void, then the hold is asked again and reported held', async () => {
    const applied = failure('REJECTED', 'duplicate ledger entry: debit trade t1-escrow already applied');
    const { sender, sent } = scripted(insufficient, applied, applied);
    expect(await sender.send(goldHold)).toEqual(applied);
    expect(sent).toEqual(['player.debit', 'player.voidDebit', 'player.debit']);
  });

  it('given a refused item escrow whose late copy took effect, then the escrow is asked again and its no-op success returned', async () => {
    const notOwner = failure('NOT_OWNER', 'alice does not own item sword');
    const held = failure('REJECTED', 'escrow took effect: trade t1 holds or held item sword');
    const { sender, sent } = scripted(notOwner, held, success(2, []));
    expect(await sender.send(itemHold)).toEqual(success(2, []));
    expect(sent).toEqual(['item.escrow', 'item.voidEscrow', 'item.escrow']);
  });

  it('given the void times out, then the outcome stays unknown and the step is retried', async () => {
    const { sender } = scripted(insufficient, failure('TIMEOUT', 'no reply'));
    expect(await sender.send(goldHold)).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
  });

  it('given the void is refused for another reason, then INTERNAL: the refusal is never reported unvoided', async () => {
    const { sender } = scripted(insufficient, failure('UNAUTHORIZED', 'voidDebit may only be issued by a server'));
    expect(await sender.send(goldHold)).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('passes through holds that succeed, unknown outcomes, and commands that are not holds', async () => {
    const purchase = { ...goldHold, data: { ...goldHold.data, cause: 'purchase' } };
    const credit = { ...goldHold, command: 'credit', data: { ...goldHold.data, cause: 'refund' } };
    const { sender, sent } = scripted(success(1, ['GoldDebited']), failure('TIMEOUT', 'x'), insufficient, failure('REJECTED', 'balance limit'));
    await sender.send(goldHold);
    await sender.send(goldHold);
    await sender.send(purchase);
    await sender.send(credit);
    expect(sent).toEqual(['player.debit', 'player.debit', 'player.debit', 'player.credit']);
  });

  it('derives one void per hold: the same command id on every repeat, another for another hold', () => {
    expect(voidOf(goldHold)).toEqual({ ...voidOf(goldHold) });
    expect(voidOf(goldHold).commandId).not.toBe(voidOf(itemHold).commandId);
    expect(voidOf(goldHold)).toMatchObject({ command: 'voidDebit', data: { cause: 'trade', reference: 't1-escrow' }, correlationId: 't1' });
    expect(voidOf(itemHold)).toMatchObject({ command: 'voidEscrow', data: { holder: { kind: 'trade', id: 't1' } } });
  });
});
