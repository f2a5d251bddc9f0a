import type { AuctionEvent } from '../../events/auction.js';
import { accept, reject, type Decider, type Decision, type DecisionContext } from '../runtime/decider.js';
import { formatIssuer } from '../runtime/protocol/issuer.js';
import { MAX_GOLD_PER_OPERATION } from '../shared/values.js';
import { decideBid, decideBuyout, decideFundsFailed, decideFundsHeld, decideRefunded } from './bidding.js';
import {
  AUCTION_ISSUERS,
  MAX_AUCTION_DURATION_MS,
  MIN_AUCTION_DURATION_MS,
  type AuctionCommand,
  type CancelCommand,
  type ConfirmationCommand,
  type ListCommand,
} from './commands.js';
import { evolveAuction, initialAuctionState, type AuctionState, type ListedAuction } from './state.js';

/**
 * The auction decider. Checks run in one order: who may send the command
 * (UNAUTHORIZED), whether its data makes sense on its own (VALIDATION), whether the
 * auction exists (NOT_FOUND), whether the state allows it (REJECTED).
 *
 * Every command the scheduler or the process manager sends is idempotent: repeating a
 * step that already took effect is accepted with no events, because those senders retry
 * after crashes under new command ids.
 */

type Verdict = Decision<AuctionEvent>;

const missing = (auctionId: string): Verdict => reject('NOT_FOUND', `no auction ${auctionId}`);

const isGold = (amount: number): boolean => Number.isSafeInteger(amount) && amount > 0 && amount <= MAX_GOLD_PER_OPERATION;

const invalidListing = ({ startingPrice, buyoutPrice, endsAt }: ListCommand['data'], now: number): Verdict | undefined => {
  if (!isGold(startingPrice)) return reject('VALIDATION', `startingPrice must be a whole number in 1..${MAX_GOLD_PER_OPERATION}`);
  if (buyoutPrice !== undefined && !isGold(buyoutPrice)) {
    return reject('VALIDATION', `buyoutPrice must be a whole number in 1..${MAX_GOLD_PER_OPERATION}`);
  }
  // Equal prices would leave no amount a bid could take.
  if (buyoutPrice !== undefined && buyoutPrice <= startingPrice) return reject('VALIDATION', 'buyoutPrice must exceed startingPrice');
  if (!Number.isSafeInteger(endsAt) || endsAt < now + MIN_AUCTION_DURATION_MS || endsAt > now + MAX_AUCTION_DURATION_MS) {
    return reject('VALIDATION', `endsAt must be between ${MIN_AUCTION_DURATION_MS} ms and ${MAX_AUCTION_DURATION_MS} ms from now`);
  }
  return undefined;
};

const list = (command: ListCommand, state: AuctionState, context: DecisionContext): Verdict => {
  const { issuer, actorId } = context;
  if (issuer.kind === 'player' && issuer.id !== command.data.seller) {
    return reject('UNAUTHORIZED', `${formatIssuer(issuer)} may not list for ${command.data.seller}`);
  }
  const now = context.now.getTime();
  const invalid = invalidListing(command.data, now);
  if (invalid !== undefined) return invalid;
  // Ids are never reused, so the stream of an id is the history of one auction.
  if (state.status !== 'unlisted') return reject('REJECTED', `auction ${actorId} already exists; auction ids are never reused`);
  const { seller, itemId, startingPrice, buyoutPrice, endsAt } = command.data;
  // No `buyoutPrice: undefined` key: the stored event says "no buyout" by leaving it out.
  const buyout = buyoutPrice === undefined ? {} : { buyoutPrice };
  return accept({ type: 'AuctionListed', data: { seller, itemId, startingPrice, ...buyout, endsAt, listedAt: now } });
};

const cancel = (_command: CancelCommand, state: ListedAuction, context: DecisionContext): Verdict => {
  const { issuer, actorId } = context;
  if (issuer.kind === 'player' && issuer.id !== state.seller) {
    return reject('UNAUTHORIZED', `only the seller may cancel auction ${actorId}`);
  }
  const cancelled =
    (state.status === 'closing' && state.closing.outcome === 'cancelled') || (state.status === 'cancelled' && state.reason === 'seller');
  if (cancelled) return accept();
  if (state.status === 'pending-escrow') return reject('REJECTED', `auction ${actorId}'s item is being escrowed; cancel once it is open`);
  if (state.status !== 'open') return reject('REJECTED', `auction ${actorId} is over`);
  // A bid awaiting its funds counts: its bidder is about to hold gold against this item.
  if (state.leading !== undefined || state.pending !== undefined) {
    return reject('REJECTED', `auction ${actorId} has bids; it can no longer be cancelled`);
  }
  return accept({ type: 'AuctionCancelled', data: {} });
};

const close = (state: ListedAuction, context: DecisionContext): Verdict => {
  const { actorId } = context;
  if (state.status === 'pending-escrow') return reject('REJECTED', `auction ${actorId} never opened: its item is being escrowed`);
  // The scheduler may fire twice (a restart rebuilt its timers); any later status means done.
  if (state.status !== 'open') return accept();
  const now = context.now.getTime();
  if (now < state.endsAt) return reject('REJECTED', `auction ${actorId} runs until ${new Date(state.endsAt).toISOString()}`);
  // The bid was placed in time; its outcome decides the winner, so the close waits for it.
  if (state.pending !== undefined) return reject('REJECTED', `bid ${state.pending} is awaiting its funds; close again shortly`);
  const lead = state.leading === undefined ? undefined : state.bids.get(state.leading);
  if (lead === undefined) return accept({ type: 'AuctionExpired', data: { endedAt: now } });
  return accept({
    type: 'AuctionWon',
    data: { winner: lead.bidder, bidId: lead.bidId, amount: lead.amount, seller: state.seller, itemId: state.itemId },
  });
};

const escrowReport = (state: ListedAuction, succeeded: boolean, auctionId: string): Verdict => {
  const failedBefore = state.status === 'cancelled' && state.reason === 'escrowFailed';
  if (state.status === 'pending-escrow') {
    return succeeded ? accept({ type: 'AuctionItemEscrowed', data: {} }) : accept({ type: 'AuctionItemEscrowFailed', data: {} });
  }
  if (succeeded !== failedBefore) return accept();
  return reject('REJECTED', `auction ${auctionId}'s escrow was already reported ${failedBefore ? 'failed' : 'done'}`);
};

const settled = (state: ListedAuction, auctionId: string): Verdict => {
  if (state.status === 'settled') return accept();
  if (state.status === 'closing' && state.closing.outcome === 'sold') return accept({ type: 'AuctionEnded', data: { outcome: 'settled' } });
  return reject('REJECTED', `auction ${auctionId} has no sale to settle`);
};

const returned = (state: ListedAuction, auctionId: string): Verdict => {
  if (state.status === 'returned' || (state.status === 'cancelled' && state.reason === 'seller')) return accept();
  if (state.status === 'closing' && state.closing.outcome !== 'sold') {
    const outcome = state.closing.outcome === 'unsold' ? 'returned' : 'cancelled';
    return accept({ type: 'AuctionEnded', data: { outcome } });
  }
  return reject('REJECTED', `auction ${auctionId} has no item to return`);
};

const confirm = (command: ConfirmationCommand, state: ListedAuction, auctionId: string): Verdict => {
  switch (command.type) {
    case 'itemEscrowed':
      return escrowReport(state, true, auctionId);
    case 'itemEscrowFailed':
      return escrowReport(state, false, auctionId);
    case 'bidFundsHeld':
      return decideFundsHeld(state, command.data.bidId);
    case 'bidFundsFailed':
      return decideFundsFailed(state, command.data.bidId);
    case 'refunded':
      return decideRefunded(state, command.data.bidId);
    case 'settled':
      return settled(state, auctionId);
    case 'returned':
      return returned(state, auctionId);
    default: {
      const _: never = command;
      return reject('NOT_FOUND', 'auction has no such command');
    }
  }
};

export const decideAuction = (command: AuctionCommand, state: AuctionState, context: DecisionContext): Verdict => {
  // The host already checked the issuer at the subject; a decider driven some other way
  // (tests, replays, a process manager in process) must not rely on that.
  if (!AUCTION_ISSUERS[command.type].includes(context.issuer.kind)) {
    return reject('UNAUTHORIZED', `${command.type} may not be issued by a ${context.issuer.kind}`);
  }
  switch (command.type) {
    case 'list':
      return list(command, state, context);
    case 'bid':
      return decideBid(command, state, context);
    case 'buyout':
      return decideBuyout(command, state, context);
    case 'cancel':
      return state.status === 'unlisted' ? missing(context.actorId) : cancel(command, state, context);
    case 'close':
      return state.status === 'unlisted' ? missing(context.actorId) : close(state, context);
    case 'itemEscrowed':
    case 'itemEscrowFailed':
    case 'bidFundsHeld':
    case 'bidFundsFailed':
    case 'refunded':
    case 'settled':
    case 'returned':
      return state.status === 'unlisted' ? missing(context.actorId) : confirm(command, state, context.actorId);
    default: {
      // A new command that is not handled above fails to compile here.
      const _: never = command;
      return reject('NOT_FOUND', 'auction has no such command');
    }
  }
};

export const auctionDecider: Decider<AuctionState, AuctionCommand, AuctionEvent> = {
  initialState: initialAuctionState,
  evolve: evolveAuction,
  decide: decideAuction,
};
