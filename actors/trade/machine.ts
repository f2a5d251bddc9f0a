import { assign, setup } from 'xstate';
import type { TradeFact, TradeLeg, TradeOutcome, TradeStep } from '../../events/trade.js';
import {
  emptyContext,
  escrowStep,
  legsIn,
  legsOf,
  progressOf,
  releaseStep,
  settleStep,
  withStatus,
  type LegStatus,
  type TradeContext,
} from './legs.js';

/**
 * The trade as an xstate machine whose events are the trade's facts (the stored
 * events), so folding the stream through `transition()` rebuilds the very snapshot the
 * decider produced. It is never started as an actor: the decider and `evolve` call
 * xstate's pure `transition()`, and the requests below come back as data (action
 * objects with their params) instead of being run.
 *
 *   unproposed ─TradeProposed→ negotiating ─both accepted one version→ escrowing
 *   negotiating ─TradeCancelled | TradeExpired→ cancelled
 *   escrowing ─every leg escrowed→ settling ─every leg settled→ completed
 *   escrowing ─TradeEscrowFailed→ releasing(failed) ─nothing held→ failed
 *   escrowing ─TradeCancelled | TradeExpired→ releasing(cancelled) ─nothing held→ cancelled
 *   escrowing ─TradeAborted→ releasing(failed) ─nothing held→ failed
 *
 * "Nothing held" means every leg failed or was released: a leg whose escrow was still
 * in flight is waited for, and released if it turns out to have been escrowed.
 */

/** The leg a step fact is about; undefined for other facts. */
const legOf = (event: TradeFact): TradeLeg | undefined =>
  event.type === 'TradeEscrowConfirmed' || event.type === 'TradeEscrowFailed' || event.type === 'TradeLegSettled' || event.type === 'TradeLegReleased'
    ? event.data.leg
    : undefined;

const legIs = (context: TradeContext, event: TradeFact, status: LegStatus): boolean => {
  const leg = legOf(event);
  return leg !== undefined && progressOf(context, leg)?.status === status;
};

const holdsNothing = (context: TradeContext): boolean =>
  context.legs.every((progress) => progress.status === 'failed' || progress.status === 'released');

type Steps = { readonly steps: readonly TradeStep[] };

export const tradeMachine = setup({
  types: { context: {} as TradeContext, events: {} as TradeFact },
  guards: {
    /** The acceptance that makes both parties' accepted versions equal the current offer. */
    completesAcceptance: ({ context, event }) => {
      if (event.type !== 'TradeOfferAccepted' || event.data.offerVersion !== context.offerVersion) return false;
      const accepted = { ...context.accepted, [event.data.party]: event.data.offerVersion };
      return accepted[context.initiator] === context.offerVersion && accepted[context.counterparty] === context.offerVersion;
    },
    legRequested: ({ context, event }) => legIs(context, event, 'requested'),
    legEscrowed: ({ context, event }) => legIs(context, event, 'escrowed'),
    everyLegEscrowed: ({ context }) => context.legs.every((progress) => progress.status === 'escrowed'),
    everyLegSettled: ({ context }) => context.legs.every((progress) => progress.status === 'settled'),
    cancelledAndHoldsNothing: ({ context }) => context.unwinding === 'cancelled' && holdsNothing(context),
    holdsNothing: ({ context }) => holdsNothing(context),
  },
  // The request actions are never executed: `transition()` returns them as data and the decider records them.
  actions: {
    /** Moves the event's leg to `status`. */
    markLeg: assign(({ context, event }, params: { readonly status: LegStatus }) => {
      const leg = legOf(event);
      return leg === undefined ? {} : { legs: withStatus(context, leg, params.status) };
    }),
    requestEscrow: (_: unknown, _params: Steps) => undefined,
    requestSettlement: (_: unknown, _params: Steps) => undefined,
    requestRelease: (_: unknown, _params: Steps) => undefined,
    close: (_: unknown, _params: { readonly outcome: TradeOutcome }) => undefined,
  },
}).createMachine({
  id: 'trade',
  context: emptyContext(),
  initial: 'unproposed',
  states: {
    unproposed: {
      on: {
        TradeProposed: {
          target: 'negotiating',
          actions: assign(({ event }) => ({ ...emptyContext(), ...event.data })),
        },
      },
    },
    negotiating: {
      on: {
        TradeOfferChanged: {
          actions: assign(({ context, event }) => ({
            offers: { ...context.offers, [event.data.party]: { items: event.data.items, gold: event.data.gold } },
            offerVersion: event.data.offerVersion,
            accepted: {},
          })),
        },
        TradeOfferAccepted: [
          {
            guard: 'completesAcceptance',
            target: 'escrowing',
            actions: assign(({ context, event }) => ({ accepted: { ...context.accepted, [event.data.party]: event.data.offerVersion } })),
          },
          {
            actions: assign(({ context, event }) => ({ accepted: { ...context.accepted, [event.data.party]: event.data.offerVersion } })),
          },
        ],
        TradeCancelled: { target: 'cancelled' },
        TradeExpired: { target: 'cancelled' },
      },
    },
    escrowing: {
      entry: [
        // The offers are frozen from here: the legs are exactly what both accepted.
        assign(({ context }) => ({ legs: legsOf(context).map((leg) => ({ leg, status: 'requested' as const })) })),
        { type: 'requestEscrow', params: ({ context }) => ({ steps: context.legs.map((progress) => escrowStep(context, progress.leg)) }) },
      ],
      always: { guard: 'everyLegEscrowed', target: 'settling' },
      on: {
        TradeEscrowConfirmed: { guard: 'legRequested', actions: { type: 'markLeg', params: { status: 'escrowed' } } },
        TradeEscrowFailed: { guard: 'legRequested', target: 'releasing', actions: [{ type: 'markLeg', params: { status: 'failed' } }, assign({ unwinding: 'failed' })] },
        TradeCancelled: { target: 'releasing', actions: assign({ unwinding: 'cancelled' }) },
        TradeExpired: { target: 'releasing', actions: assign({ unwinding: 'cancelled' }) },
        TradeAborted: { target: 'releasing', actions: assign({ unwinding: 'failed' }) },
      },
    },
    settling: {
      entry: {
        type: 'requestSettlement',
        params: ({ context }) => ({ steps: legsIn(context, 'escrowed').map((leg) => settleStep(context, leg)) }),
      },
      always: { guard: 'everyLegSettled', target: 'completed' },
      on: { TradeLegSettled: { guard: 'legEscrowed', actions: { type: 'markLeg', params: { status: 'settled' } } } },
    },
    releasing: {
      entry: {
        type: 'requestRelease',
        params: ({ context }) => ({ steps: legsIn(context, 'escrowed').map((leg) => releaseStep(context, leg)) }),
      },
      always: [
        { guard: 'cancelledAndHoldsNothing', target: 'cancelled' },
        { guard: 'holdsNothing', target: 'failed' },
      ],
      on: {
        // An escrow that was in flight when the trade began to unwind: hand it back too.
        TradeEscrowConfirmed: {
          guard: 'legRequested',
          actions: [
            { type: 'markLeg', params: { status: 'escrowed' } },
            { type: 'requestRelease', params: ({ context, event }) => ({ steps: [releaseStep(context, event.data.leg)] }) },
          ],
        },
        TradeEscrowFailed: { guard: 'legRequested', actions: { type: 'markLeg', params: { status: 'failed' } } },
        TradeLegReleased: { guard: 'legEscrowed', actions: { type: 'markLeg', params: { status: 'released' } } },
      },
    },
    completed: { type: 'final', entry: { type: 'close', params: { outcome: 'completed' } } },
    failed: { type: 'final', entry: { type: 'close', params: { outcome: 'failed' } } },
    cancelled: { type: 'final', entry: { type: 'close', params: { outcome: 'cancelled' } } },
  },
});

export type TradeMachine = typeof tradeMachine;
export type TradeStatus = 'unproposed' | 'negotiating' | 'escrowing' | 'settling' | 'releasing' | 'completed' | 'failed' | 'cancelled';
