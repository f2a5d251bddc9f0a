import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { isTradeRequest, type TradeEvent, type TradeFact, type TradeStep } from '../../events/trade.js';
import { escrowStep, legsIn, releaseStep, settleStep, type TradeContext } from './legs.js';
import { tradeMachine, type TradeStatus } from './machine.js';

/**
 * The trade's state is the machine's snapshot, rebuilt by folding the stream's facts
 * through `transition()`. There is deliberately no snapshot codec: a stored snapshot
 * is never trusted, and a trade's stream is short (tens of events).
 */
export type TradeState = SnapshotFrom<typeof tradeMachine>;

export const initialTradeState = (): TradeState => initialTransition(tradeMachine)[0];

/** The machine's snapshots only ever sit in one top-level state, named by TradeStatus. */
export const statusOf = (state: TradeState): TradeStatus => state.value;

export const contextOf = (state: TradeState): TradeContext => state.context;

/**
 * Never throws; a fact that does not fit the state leaves it unchanged (the machine
 * has no transition for it, or its guard fails). Requests are skipped: they are what
 * the machine asked for when it took the preceding fact, and taking that fact again
 * here asks for them again.
 */
export const evolveTrade = (state: TradeState, event: TradeEvent): TradeState => {
  if (isTradeRequest(event)) return state;
  // The runtime folds each fact the decider just established: reuse that transition.
  if (lastTransition !== undefined && lastTransition.state === state && lastTransition.fact === event) return lastTransition.next;
  try {
    return transition(tradeMachine, state, event)[0];
  } catch {
    // Only a corrupt event (data missing) can make an assignment throw; the audit
    // replays the log with its own checks, the actor keeps the state it had.
    return state;
  }
};

/**
 * The transition the decider computed last, kept so that folding the very fact it
 * returned (same state object, same event object) does not run the machine again.
 * Identity only, on immutable values: it can only ever return what `transition()`
 * would; anything else misses and is computed.
 */
let lastTransition: { readonly state: TradeState; readonly fact: TradeFact; readonly next: TradeState } | undefined;

/** An action `transition()` returns: the machine's requests, as data. */
export interface MachineAction {
  readonly type: string;
  readonly params?: unknown;
}

/** `transition()` for the decider, remembered for the fold that follows. */
export const takeFact = (state: TradeState, fact: TradeFact): [TradeState, readonly MachineAction[]] => {
  const [next, actions] = transition(tradeMachine, state, fact);
  lastTransition = { state, fact, next };
  return [next, actions];
};

/**
 * What a process manager still has to do for this trade, e.g. after a crash: every
 * leg whose step has not been reported back. A leg whose escrow outcome is unknown
 * when the trade is already unwinding is asked again: a repeat is a no-op on the
 * item or wallet, and its answer (escrowed, then released; or failed) settles the leg.
 */
export const pendingSteps = (state: TradeState): readonly TradeStep[] => {
  const context = contextOf(state);
  const status = statusOf(state);
  switch (status) {
    case 'escrowing':
      return legsIn(context, 'requested').map((leg) => escrowStep(context, leg));
    case 'settling':
      return legsIn(context, 'escrowed').map((leg) => settleStep(context, leg));
    case 'releasing':
      return [
        ...legsIn(context, 'escrowed').map((leg) => releaseStep(context, leg)),
        ...legsIn(context, 'requested').map((leg) => escrowStep(context, leg)),
      ];
    case 'unproposed':
    case 'negotiating':
    case 'completed':
    case 'failed':
    case 'cancelled':
      return [];
    default: {
      const _: never = status;
      return [];
    }
  }
};
