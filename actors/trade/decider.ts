import { describeLeg, type TradeEvent, type TradeFact, type TradeLeg } from '../../events/trade.js';
import { accept, reject, type Decider, type Decision, type DecisionContext } from '../runtime/decider.js';
import type { Issuer } from '../runtime/protocol/issuer.js';
import { SERVER_ONLY_COMMANDS, type TradeCommand } from './commands.js';
import { TRADE_ID_MAX, legsOf, offerOf, otherParty, progressOf, type TradeContext } from './legs.js';
import { requestsOf } from './requests.js';
import { contextOf, evolveTrade, initialTradeState, statusOf, takeFact, type TradeState } from './state.js';

/**
 * The trade decider. It checks who may send a command and whether it fits (with a
 * message a person can act on), turns it into the fact it establishes, and lets the
 * machine take that fact with xstate's pure `transition()`: the machine's requests
 * come back as action objects and are recorded after the fact as events. Checks run
 * in one order: issuer (UNAUTHORIZED), existence (NOT_FOUND), state (REJECTED).
 *
 * Process-manager steps are idempotent: a step already reported appends nothing.
 */

type TradeDecision = Decision<TradeEvent>;
type Refusal = Extract<TradeDecision, { ok: false }>;
type Data<Name extends TradeCommand['type']> = Extract<TradeCommand, { type: Name }>['data'];

const refusal = (code: Refusal['rejection']['code'], message: string): Refusal => ({ ok: false, rejection: { code, message } });
const isRefusal = (value: unknown): value is Refusal => typeof value === 'object' && value !== null && 'rejection' in value;
const noop = (): TradeDecision => accept<TradeEvent>();

/** The party a party command is about: the issuing player, or the one a server names. */
const partyActing = (trade: TradeContext, issuer: Issuer, named: string | undefined): string | Refusal => {
  let party: string;
  if (issuer.kind === 'player') {
    if (named !== undefined && named !== issuer.id) return refusal('UNAUTHORIZED', `${issuer.id} may not act for ${named}`);
    party = issuer.id;
  } else {
    if (named === undefined) return refusal('VALIDATION', 'a server acting for a party must name it in party');
    party = named;
  }
  if (party !== trade.initiator && party !== trade.counterparty) return refusal('UNAUTHORIZED', `${party} is not a party to this trade`);
  return party;
};

/** Lets the machine take the fact; its requests follow the fact in the same append. */
const establish = (state: TradeState, fact: TradeFact): TradeDecision => {
  const [next, actions] = takeFact(state, fact);
  // The checks below mirror the machine's guards; this only fires if they drift apart.
  if (next === state) return reject('REJECTED', `the trade cannot take ${fact.type} while ${statusOf(state)}`);
  return accept<TradeEvent>(fact, ...requestsOf(actions));
};

const propose = (state: TradeState, data: Data<'propose'>, context: DecisionContext): TradeDecision => {
  const { issuer, actorId } = context;
  if (issuer.kind === 'player' && issuer.id !== data.initiator) {
    return reject('UNAUTHORIZED', `${issuer.id} may not propose a trade on behalf of ${data.initiator}`);
  }
  if (statusOf(state) !== 'unproposed') return reject('REJECTED', `trade ${actorId} already exists; trade ids are never reused`);
  if (actorId.length > TRADE_ID_MAX) return reject('VALIDATION', `trade ids must be at most ${TRADE_ID_MAX} characters`);
  if (data.initiator === data.counterparty) return reject('REJECTED', 'a player cannot trade with itself');
  if (data.expiresAt <= context.now.getTime()) return reject('REJECTED', 'the trade would expire before it starts');
  return establish(state, { type: 'TradeProposed', data: { tradeId: actorId, ...data } });
};

const offer = (state: TradeState, data: Data<'offer'>, issuer: Issuer): TradeDecision => {
  const trade = contextOf(state);
  const party = partyActing(trade, issuer, data.party);
  if (isRefusal(party)) return party;
  if (statusOf(state) !== 'negotiating') return reject('REJECTED', `offers are closed: the trade is ${statusOf(state)}`);
  const theirs = new Set(offerOf(trade, otherParty(trade, party)).items);
  const clash = data.items.find((itemId) => theirs.has(itemId));
  if (clash !== undefined) return reject('REJECTED', `item ${clash} is already in the other party's offer`);
  const current = offerOf(trade, party);
  // Re-sending the offer one already has would only void the acceptances.
  if (current.gold === data.gold && current.items.join() === data.items.join()) return noop();
  return establish(state, {
    type: 'TradeOfferChanged',
    data: { party, items: data.items, gold: data.gold, offerVersion: trade.offerVersion + 1 },
  });
};

const acceptOffer = (state: TradeState, data: Data<'accept'>, issuer: Issuer): TradeDecision => {
  const trade = contextOf(state);
  const party = partyActing(trade, issuer, data.party);
  if (isRefusal(party)) return party;
  if (statusOf(state) !== 'negotiating') return reject('REJECTED', `the trade is ${statusOf(state)}, not negotiating`);
  if (data.offerVersion !== trade.offerVersion) {
    return reject('REJECTED', `offer version ${data.offerVersion} is stale: the current offer is version ${trade.offerVersion}`);
  }
  if (trade.accepted[party] === data.offerVersion) return noop();
  if (legsOf(trade).length === 0) return reject('REJECTED', 'nothing is offered by either party');
  return establish(state, { type: 'TradeOfferAccepted', data: { party, offerVersion: data.offerVersion } });
};

const cancel = (state: TradeState, data: Data<'cancel'>, issuer: Issuer): TradeDecision => {
  const party = partyActing(contextOf(state), issuer, data.party);
  if (isRefusal(party)) return party;
  const status = statusOf(state);
  if (status !== 'negotiating' && status !== 'escrowing') return reject('REJECTED', `the trade can no longer be cancelled: it is ${status}`);
  return establish(state, { type: 'TradeCancelled', data: { party } });
};

const expire = (state: TradeState, now: Date): TradeDecision => {
  const status = statusOf(state);
  // Settlement, once begun, always finishes: every leg is already held by the trade.
  if (status !== 'negotiating' && status !== 'escrowing') return reject('REJECTED', `the trade can no longer expire: it is ${status}`);
  const { expiresAt } = contextOf(state);
  if (now.getTime() < expiresAt) return reject('REJECTED', `the trade expires at ${new Date(expiresAt).toISOString()}`);
  return establish(state, { type: 'TradeExpired', data: { at: now.getTime() } });
};

/** Only while escrowing: from settling on every leg is held and settlement always finishes. */
const abort = (state: TradeState, reason: string): TradeDecision => {
  const status = statusOf(state);
  if (status === 'releasing' || status === 'failed' || status === 'cancelled') return noop();
  if (status !== 'escrowing') return reject('REJECTED', `the trade can no longer be aborted: it is ${status}`);
  return establish(state, { type: 'TradeAborted', data: { reason } });
};

type StepCommand = Extract<TradeCommand, { type: 'escrowConfirmed' | 'escrowFailed' | 'settled' | 'released' }>;

/**
 * A process manager's report on one leg. A report the trade already holds is a no-op
 * (the manager crashed before it saw the trade's answer, and repeats itself); a report
 * that contradicts what the trade holds is refused.
 */
const step = (state: TradeState, command: StepCommand): TradeDecision => {
  const leg: TradeLeg = command.data.step;
  const progress = progressOf(contextOf(state), leg);
  if (progress === undefined) return reject('NOT_FOUND', `the trade has no leg ${describeLeg(leg)}`);
  const { status } = progress;
  const refused = reject('REJECTED', `${command.type} does not fit ${describeLeg(leg)}: it is ${status}, the trade is ${statusOf(state)}`);
  switch (command.type) {
    case 'escrowConfirmed':
      if (status === 'escrowed' || status === 'settled' || status === 'released') return noop();
      return status === 'requested' ? establish(state, { type: 'TradeEscrowConfirmed', data: { leg } }) : refused;
    case 'escrowFailed':
      if (status === 'failed') return noop();
      return status === 'requested' ? establish(state, { type: 'TradeEscrowFailed', data: { leg, reason: command.data.reason } }) : refused;
    case 'settled':
      if (status === 'settled') return noop();
      return status === 'escrowed' && statusOf(state) === 'settling' ? establish(state, { type: 'TradeLegSettled', data: { leg } }) : refused;
    case 'released':
      if (status === 'released') return noop();
      return status === 'escrowed' && statusOf(state) === 'releasing' ? establish(state, { type: 'TradeLegReleased', data: { leg } }) : refused;
    default: {
      const _: never = command;
      return reject('NOT_FOUND', 'unknown trade step');
    }
  }
};

export const decideTrade = (command: TradeCommand, state: TradeState, context: DecisionContext): TradeDecision => {
  // The host already refused these from players at the subject; a decider driven some
  // other way (tests, replays, another host) must not rely on that.
  if (SERVER_ONLY_COMMANDS.has(command.type) && context.issuer.kind !== 'server') {
    return reject('UNAUTHORIZED', `${command.type} may not be issued by a ${context.issuer.kind}`);
  }
  if (command.type !== 'propose' && statusOf(state) === 'unproposed') return reject('NOT_FOUND', `no trade ${context.actorId}`);
  switch (command.type) {
    case 'propose':
      return propose(state, command.data, context);
    case 'offer':
      return offer(state, command.data, context.issuer);
    case 'accept':
      return acceptOffer(state, command.data, context.issuer);
    case 'cancel':
      return cancel(state, command.data, context.issuer);
    case 'expire':
      return expire(state, context.now);
    case 'abort':
      return abort(state, command.data.reason);
    case 'escrowConfirmed':
    case 'escrowFailed':
    case 'settled':
    case 'released':
      return step(state, command);
    default: {
      const _: never = command;
      return reject('NOT_FOUND', 'trade has no such command');
    }
  }
};

export const tradeDecider: Decider<TradeState, TradeCommand, TradeEvent> = {
  initialState: initialTradeState,
  evolve: evolveTrade,
  decide: decideTrade,
};
