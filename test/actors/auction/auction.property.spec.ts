import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuctionCommand } from '../../../actors/auction/commands.js';
import { auctionDecider } from '../../../actors/auction/decider.js';
import { auctionSnapshotCodec } from '../../../actors/auction/snapshot.js';
import { evolveAuction, initialAuctionState, type AuctionState } from '../../../actors/auction/state.js';
import { pendingSteps } from '../../../actors/auction/steps.js';
import type { Issuer } from '../../../actors/runtime/protocol/issuer.js';
import type { AuctionEvent } from '../../../events/auction.js';
import { contextFor } from '../../support/decider-spec.js';
import { AUCTION, ENDS_AT, HOUR, LISTED_AT, SELLER, list } from './fixtures.js';

/**
 * Random sequences of bids, buyouts, process-manager reports, closes and cancels, from
 * random issuers, with the clock moving across the deadline. Small pools of bidders and
 * bid ids make retries and collisions common. After every step the invariants of the
 * auction must hold over the whole log, and folding the log must give the state.
 */
const SEED = 20261124;
const RUNS = 500;
const BIDDERS = ['p1', 'p2', 'p3', SELLER] as const;
const BID_IDS = ['b1', 'b2', 'b3', 'b4', 'b5', 'b6'] as const;

type Action =
  | { readonly kind: 'bid'; readonly bidder: string; readonly bidId: string; readonly raise: number }
  | { readonly kind: 'buyout'; readonly bidder: string; readonly bidId: string }
  | { readonly kind: 'funds'; readonly held: boolean; readonly bidId: string | undefined }
  | { readonly kind: 'refunded'; readonly bidId: string | undefined }
  | { readonly kind: 'escrow'; readonly ok: boolean }
  | { readonly kind: 'plain'; readonly type: 'close' | 'cancel' | 'settled' | 'returned'; readonly asPlayer: string | undefined }
  | { readonly kind: 'advance'; readonly ms: number };

const bidder = fc.constantFrom(...BIDDERS);
const bidId = fc.constantFrom(...BID_IDS);
/** `undefined`: the bid the state is waiting on (or owes a refund), so most reports fit. */
const reported = fc.option(bidId, { nil: undefined, freq: 2 });
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('bid' as const), bidder, bidId, raise: fc.integer({ min: -20, max: 400 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('buyout' as const), bidder, bidId }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('funds' as const), held: fc.boolean(), bidId: reported }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('refunded' as const), bidId: reported }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('escrow' as const), ok: fc.boolean() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('plain' as const),
      type: fc.constantFrom('close' as const, 'cancel' as const, 'settled' as const, 'returned' as const),
      asPlayer: fc.option(fc.constantFrom(SELLER, 'p1'), { nil: undefined, freq: 4 }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.constantFrom(1, HOUR, 12 * HOUR, 24 * HOUR) }) },
);

/** Most runs open the auction (the escrow usually succeeds); later escrow reports probe repeats. */
const escrowOutcome = fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, fc.constant(false));

const server: Issuer = { kind: 'server', id: 'gs1' };
const player = (id: string): Issuer => ({ kind: 'player', id });

/** The bid a report is about: the one named, or the one the state is waiting on. */
const target = (state: AuctionState, named: string | undefined, want: 'pending' | 'refunding'): string => {
  if (named !== undefined || state.status === 'unlisted') return named ?? 'b1';
  if (want === 'pending') return state.pending ?? 'b1';
  for (const bid of state.bids.values()) if (bid.status === 'refunding') return bid.bidId;
  return 'b1';
};

const toCommand = (a: Action, state: AuctionState): { command: AuctionCommand; issuer: Issuer } | undefined => {
  switch (a.kind) {
    case 'bid': {
      const lead = state.status === 'unlisted' || state.leading === undefined ? undefined : state.bids.get(state.leading);
      const amount = Math.max(1, (lead?.amount ?? 100) + a.raise);
      return { command: { type: 'bid', data: { bidId: a.bidId, amount } }, issuer: player(a.bidder) };
    }
    case 'buyout':
      return { command: { type: 'buyout', data: { bidId: a.bidId } }, issuer: player(a.bidder) };
    case 'funds': {
      const id = target(state, a.bidId, 'pending');
      return { command: { type: a.held ? 'bidFundsHeld' : 'bidFundsFailed', data: { bidId: id } }, issuer: server };
    }
    case 'refunded':
      return { command: { type: 'refunded', data: { bidId: target(state, a.bidId, 'refunding') } }, issuer: server };
    case 'escrow':
      return { command: { type: a.ok ? 'itemEscrowed' : 'itemEscrowFailed', data: {} }, issuer: server };
    case 'plain':
      return { command: { type: a.type, data: {} }, issuer: a.asPlayer === undefined ? server : player(a.asPlayer) };
    case 'advance':
      return undefined;
  }
};

/**
 * fold(events) = state: the log alone rebuilds what the actor decided on (the state here
 * was built event by event as decisions were made), and its snapshot reads back equal.
 */
const checkRebuild = (log: readonly AuctionEvent[], state: AuctionState): void => {
  expect(log.reduce(evolveAuction, initialAuctionState())).toEqual(state);
  expect(auctionSnapshotCodec.decode(JSON.parse(JSON.stringify(auctionSnapshotCodec.encode(state))))).toEqual(state);
};

/** How many events of each `type` (and `type:bidId`) the log holds. */
const tally = (log: readonly AuctionEvent[]): ((type: AuctionEvent['type'], bidId?: string) => number) => {
  const counts = new Map<string, number>();
  const bump = (key: string): void => void counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const event of log) {
    bump(event.type);
    if ('bidId' in event.data) bump(`${event.type}:${event.data.bidId}`);
  }
  return (type, bidId) => counts.get(bidId === undefined ? type : `${type}:${bidId}`) ?? 0;
};

/**
 * Every invariant of the auction, over the whole log and the state it folds to; the
 * sentences of those that fail. Collected rather than asserted one by one: thousands of
 * runs × steps × checks would spend the test's time in the assertion library.
 */
const violations = (log: readonly AuctionEvent[], state: AuctionState): string[] => {
  const found: string[] = [];
  const check = (holds: boolean, invariant: string): void => void (holds || found.push(invariant));
  const count = tally(log);

  check(count('AuctionWon') <= 1, 'at most one winner');
  const win = log.find((event) => event.type === 'AuctionWon');
  const wonBid = win?.type === 'AuctionWon' ? win.data : undefined;

  for (const id of BID_IDS) {
    check(count('AuctionBidPlaced', id) <= 1, `bid ${id} placed once`);
    check(count('AuctionBidFundsHeld', id) + count('AuctionBidRejected', id) <= 1, `bid ${id}'s funds decided once`);
    check(count('AuctionRefundRequested', id) <= 1, `bid ${id} refunded at most once`);
    check(count('AuctionRefundConfirmed', id) <= count('AuctionRefundRequested', id), `bid ${id} refund confirmed only if requested`);
    // A refund only ever returns gold that was held.
    check(count('AuctionRefundRequested', id) === 0 || count('AuctionBidFundsHeld', id) === 1, `bid ${id} refunded only if held`);
  }

  // Every held bid is exactly one of: leading (open), won, or refunded once.
  const held = log.flatMap((event) => (event.type === 'AuctionBidFundsHeld' ? [event.data] : []));
  for (const bid of held) {
    const leading = state.status === 'open' && state.leading === bid.bidId ? 1 : 0;
    const winning = wonBid?.bidId === bid.bidId ? 1 : 0;
    check(leading + winning + count('AuctionRefundRequested', bid.bidId) === 1, `held bid ${bid.bidId} leads, wins or is refunded`);
  }
  // Gold held by the auction balances: nothing created, nothing lost.
  const refundedGold = log.reduce((sum, event) => (event.type === 'AuctionRefundRequested' ? sum + event.data.amount : sum), 0);
  const heldGold = held.reduce((sum, bid) => sum + bid.amount, 0);
  const leadGold = state.status === 'open' && state.leading !== undefined ? (state.bids.get(state.leading)?.amount ?? 0) : 0;
  check(heldGold - refundedGold === leadGold + (wonBid?.amount ?? 0), 'held gold = refunds + lead + winning amount');

  // The seller is paid exactly the winning amount, which was held from the winner.
  const steps = pendingSteps(state, AUCTION);
  for (const step of steps) {
    if (step.kind !== 'paySeller') continue;
    check(wonBid !== undefined && step.amount === wonBid.amount, 'the seller gets the winning amount');
    check(held.some((bid) => bid.bidId === wonBid?.bidId && bid.amount === step.amount), 'the winning amount was held');
  }
  // The item is settled to the winner or returned to the seller, never both.
  check(!(steps.some((step) => step.kind === 'deliverItem') && steps.some((step) => step.kind === 'returnItem')), 'deliver or return');
  check(count('AuctionEnded') <= 1, 'ends once');
  const ending = log.find((event) => event.type === 'AuctionEnded');
  if (ending?.type === 'AuctionEnded') check((ending.data.outcome === 'settled') === (wonBid !== undefined), 'settled iff won');
  const decided = count('AuctionWon') + count('AuctionExpired') + count('AuctionCancelled') + count('AuctionItemEscrowFailed');
  check(decided <= 1, 'one outcome');
  return found;
};

describe('auction properties', () => {
  it('random bids, buyouts, reports and closes keep every invariant', () => {
    // Which events the runs reached: a property that never sells, refunds or returns proves nothing.
    const reached = new Map<string, number>();
    fc.assert(
      fc.property(escrowOutcome, fc.array(action, { minLength: 5, maxLength: 80, size: 'max' }), (escrowOk, actions) => {
        let now = LISTED_AT;
        let state = auctionDecider.initialState();
        const log: AuctionEvent[] = [];
        const decide = (command: AuctionCommand, issuer: Issuer): void => {
          const decision = auctionDecider.decide(command, state, contextFor(AUCTION, issuer, { now: new Date(now) }));
          if (!decision.ok) return;
          for (const event of decision.events) {
            // Bids only count before the deadline; the auction only ends early by buyout.
            if (event.type === 'AuctionBidPlaced') expect(now).toBeLessThan(ENDS_AT);
            if (event.type === 'AuctionExpired') expect(now).toBeGreaterThanOrEqual(ENDS_AT);
            log.push(event);
            const key = event.type === 'AuctionEnded' ? `AuctionEnded:${event.data.outcome}` : event.type;
            reached.set(key, (reached.get(key) ?? 0) + 1);
            state = auctionDecider.evolve(state, event);
          }
        };
        decide(list(), player(SELLER));
        decide({ type: escrowOk ? 'itemEscrowed' : 'itemEscrowFailed', data: {} }, server);
        for (const a of actions) {
          if (a.kind === 'advance') now += a.ms;
          const next = toCommand(a, state);
          if (next !== undefined) decide(next.command, next.issuer);
          expect(violations(log, state)).toEqual([]);
          // Rebuilding from a prefix of the log is what a restart mid-auction does.
          if (log.length % 7 === 0) checkRebuild(log, state);
        }
        checkRebuild(log, state);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    for (const type of [
      'AuctionItemEscrowFailed',
      'AuctionBidFundsHeld',
      'AuctionBidRejected',
      'AuctionRefundRequested',
      'AuctionRefundConfirmed',
      'AuctionWon',
      'AuctionExpired',
      'AuctionCancelled',
      'AuctionEnded:settled',
      'AuctionEnded:returned',
      'AuctionEnded:cancelled',
    ]) {
      expect(reached.get(type) ?? 0, `${type} in ${JSON.stringify([...reached])}`).toBeGreaterThan(0);
    }
  });
});
