import { describeHolder, sameHolder, type ItemEvent, type ItemHolder } from '../../events/item.js';
import { accept, reject, type Decider, type Decision, type DecisionContext } from '../runtime/decider.js';
import { formatIssuer } from '../runtime/protocol/issuer.js';
import {
  SERVER_ONLY_COMMANDS,
  type ConsumeCommand,
  type DestroyCommand,
  type EscrowCommand,
  type ItemCommand,
  type MintCommand,
  type ReleaseCommand,
  type TransferCommand,
  type VoidEscrowCommand,
} from './commands.js';
import { evolveItem, initialItemState, settlementOf, type ExistingItem, type ItemState } from './state.js';

/**
 * The item decider. Checks run in one order for every command, so a client can tell
 * what it got wrong: who may send it (UNAUTHORIZED), whether the data makes sense on its
 * own (REJECTED), whether the item exists (NOT_FOUND), whether the sender's claim about
 * its owner holds (NOT_OWNER), and whether the item is free to move (REJECTED).
 *
 * Consumed and destroyed items answer NOT_FOUND to every command but mint: for a
 * client they no longer exist, exactly like a forged id, and the message says which.
 * Minting over any existing stream (terminal ones included) is REJECTED: ids are never
 * reused, so the log of an id is the history of one instance.
 *
 * Messages never name an item's actual owner: the sender may be a player probing ids.
 */

type Verdict = Decision<ItemEvent>;

const gone = (state: ExistingItem, itemId: string): Verdict | undefined => {
  if (state.status === 'consumed') return reject('NOT_FOUND', `item ${itemId} was consumed`);
  if (state.status === 'destroyed') return reject('NOT_FOUND', `item ${itemId} was destroyed`);
  return undefined;
};

const missing = (itemId: string): Verdict => reject('NOT_FOUND', `item ${itemId} does not exist`);

const notOwner = (player: string, itemId: string): Verdict => reject('NOT_OWNER', `${player} does not own item ${itemId}`);

const inEscrow = (state: ExistingItem & { readonly status: 'escrowed' }, itemId: string): Verdict =>
  reject('REJECTED', `item ${itemId} is in escrow for ${describeHolder(state.holder)}`);

const mint = (command: MintCommand, state: ItemState, itemId: string): Verdict => {
  if (state.status !== 'unminted') return reject('REJECTED', `item ${itemId} already exists; item ids are never reused`);
  return accept({ type: 'ItemMinted', data: { templateId: command.data.templateId, owner: command.data.owner } });
};

const transfer = (command: TransferCommand, state: ItemState, context: DecisionContext): Verdict => {
  const { from, to } = command.data;
  const itemId = context.actorId;
  // The seed's TransferItem(from, to): a player may only give away its own items.
  if (context.issuer.kind === 'player' && context.issuer.id !== from) {
    return reject('UNAUTHORIZED', `${formatIssuer(context.issuer)} may not transfer items on behalf of ${from}`);
  }
  if (from === to) return reject('REJECTED', `cannot transfer item ${itemId} from ${from} to itself`);
  if (state.status === 'unminted') return missing(itemId);
  const ended = gone(state, itemId);
  if (ended !== undefined) return ended;
  if (state.owner !== from) return notOwner(from, itemId);
  if (state.status === 'escrowed') return inEscrow(state, itemId);
  return accept({ type: 'ItemTransferred', data: { from, to } });
};

const consume = (command: ConsumeCommand, state: ItemState, context: DecisionContext): Verdict => {
  const itemId = context.actorId;
  const { issuer } = context;
  if (issuer.kind === 'player' && command.data.owner !== undefined && command.data.owner !== issuer.id) {
    return reject('UNAUTHORIZED', `${formatIssuer(issuer)} may not consume items on behalf of ${command.data.owner}`);
  }
  // A player always consumes as itself; a server only checks the owner it was told.
  const expectedOwner = issuer.kind === 'player' ? issuer.id : command.data.owner;
  if (state.status === 'unminted') return missing(itemId);
  const ended = gone(state, itemId);
  if (ended !== undefined) return ended;
  if (expectedOwner !== undefined && state.owner !== expectedOwner) return notOwner(expectedOwner, itemId);
  if (state.status === 'escrowed') return inEscrow(state, itemId);
  return accept({ type: 'ItemConsumed', data: { owner: state.owner } });
};

const destroy = (command: DestroyCommand, state: ItemState, itemId: string): Verdict => {
  if (state.status === 'unminted') return missing(itemId);
  const ended = gone(state, itemId);
  if (ended !== undefined) return ended;
  // Escrow ends only by release, so the holder is never left holding nothing.
  if (state.status === 'escrowed') {
    return reject('REJECTED', `item ${itemId} is in escrow for ${describeHolder(state.holder)}; release it first`);
  }
  return accept({ type: 'ItemDestroyed', data: { owner: state.owner, reason: command.data.reason } });
};

const escrow = (command: EscrowCommand, state: ItemState, itemId: string): Verdict => {
  const { holder, from } = command.data;
  if (state.status === 'unminted') return missing(itemId);
  // Repeats first: a step the holder already took is a no-op whatever happened since.
  if (state.status === 'escrowed' && sameHolder(state.holder, holder)) {
    return state.owner === from ? accept() : notOwner(from, itemId);
  }
  const settled = settlementOf(state, holder);
  if (settled?.voided === true) return voidedBy(holder, itemId);
  if (settled !== undefined) {
    if (settled.owner === from) return accept();
    return reject('REJECTED', `${describeHolder(holder)} already escrowed and released item ${itemId}`);
  }
  const ended = gone(state, itemId);
  if (ended !== undefined) return ended;
  if (state.owner !== from) return notOwner(from, itemId);
  if (state.status === 'escrowed') return inEscrow(state, itemId);
  return accept({ type: 'ItemEscrowed', data: { owner: from, holder } });
};

const release = (command: ReleaseCommand, state: ItemState, itemId: string): Verdict => {
  const { holder, to } = command.data;
  if (state.status === 'unminted') return missing(itemId);
  const settled = settlementOf(state, holder);
  if (settled?.voided === true) return voidedBy(holder, itemId);
  if (settled !== undefined) {
    if (settled.to === to) return accept();
    return reject('REJECTED', `${describeHolder(holder)} already released item ${itemId} to another player`);
  }
  if (state.status === 'escrowed' && sameHolder(state.holder, holder)) {
    return accept({ type: 'ItemReleased', data: { holder, to } });
  }
  const ended = gone(state, itemId);
  if (ended !== undefined) return ended;
  if (state.status === 'escrowed') {
    return reject('REJECTED', `item ${itemId} is in escrow for ${describeHolder(state.holder)}, not ${describeHolder(holder)}`);
  }
  return reject('REJECTED', `item ${itemId} is not in escrow for ${describeHolder(holder)}`);
};

/** How an escrow for a holder that holds or held the item is refused by voidEscrow. Stable: process managers read it. */
export const ESCROW_TAKEN_EFFECT = 'escrow took effect';

/** How an escrow or release for a holder that voided its escrow is refused. */
export const ESCROW_VOIDED = 'escrow voided';

export const isEscrowTakenEffect = (code: string, message: string): boolean =>
  code === 'REJECTED' && message.startsWith(`${ESCROW_TAKEN_EFFECT}:`);

const voidedBy = (holder: ItemHolder, itemId: string): Verdict =>
  reject('REJECTED', `${ESCROW_VOIDED}: ${describeHolder(holder)} voided its escrow of item ${itemId}`);

/**
 * A holder gives up on an escrow it was refused: from now on an escrow for it is refused,
 * so a late copy of the refused request (delayed in a host's mailbox while a retry was
 * refused elsewhere and the trade unwound) can never lock the item in a finished trade.
 * If the escrow did take effect (the item is, or was, held by this holder), the void is
 * refused with ESCROW_TAKEN_EFFECT: the process manager then knows the item is held after
 * all. An item that does not exist has nothing to void; voiding twice is a no-op.
 */
const voidEscrow = (command: VoidEscrowCommand, state: ItemState, itemId: string): Verdict => {
  const { holder } = command.data;
  if (state.status === 'unminted') return accept();
  const settled = settlementOf(state, holder);
  if (settled?.voided === true) return accept();
  if (settled !== undefined || (state.status === 'escrowed' && sameHolder(state.holder, holder))) {
    return reject('REJECTED', `${ESCROW_TAKEN_EFFECT}: ${describeHolder(holder)} holds or held item ${itemId}`);
  }
  return accept({ type: 'ItemEscrowVoided', data: { holder, owner: state.owner } });
};

export const decideItem = (command: ItemCommand, state: ItemState, context: DecisionContext): Verdict => {
  // The host already refused these from players at the subject; a decider that is
  // driven some other way (tests, replays, another host) must not rely on that.
  if (SERVER_ONLY_COMMANDS.has(command.type) && context.issuer.kind !== 'server') {
    return reject('UNAUTHORIZED', `${command.type} may not be issued by a ${context.issuer.kind}`);
  }
  switch (command.type) {
    case 'mint':
      return mint(command, state, context.actorId);
    case 'transfer':
      return transfer(command, state, context);
    case 'consume':
      return consume(command, state, context);
    case 'destroy':
      return destroy(command, state, context.actorId);
    case 'escrow':
      return escrow(command, state, context.actorId);
    case 'release':
      return release(command, state, context.actorId);
    case 'voidEscrow':
      return voidEscrow(command, state, context.actorId);
    default: {
      // A new command that is not handled above fails to compile here.
      const _: never = command;
      return reject('NOT_FOUND', 'item has no such command');
    }
  }
};

export const itemDecider: Decider<ItemState, ItemCommand, ItemEvent> = {
  initialState: initialItemState,
  evolve: evolveItem,
  decide: decideItem,
};
