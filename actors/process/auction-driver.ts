import type { EventStore } from '../../events/store/index.js';
import { streamName } from '../../events/store/index.js';
import { AUCTION_CATEGORY } from '../auction/commands.js';
import { auctionEventCodec } from '../auction/definition.js';
import { auctionStepCommand, auctionStepFollowUp } from '../auction/manager-steps.js';
import { evolveAuction, initialAuctionState, type AuctionState } from '../auction/state.js';
import { pendingSteps } from '../auction/steps.js';
import { createStreamFolder } from './folded-streams.js';
import { verdictOf } from './replies.js';
import type { CommandSender } from './sender.js';
import type { DriveResult } from './trade-driver.js';

/**
 * Drives one auction as far as it can go now. Its steps run one after another, in the
 * order `pendingSteps` gives (escrow, holds and refunds, then the item and the seller's
 * pay), and a drive stops at the first step whose outcome is unknown: the seller is
 * paid and the sale reported only once the item reached the winner.
 */

/** Auctions remembered folded between drives. */
const FOLDED_AUCTIONS = 10_000;

const MAX_ROUNDS = 8;
const FINAL = new Set(['settled', 'returned', 'cancelled']);

export const createAuctionDriver = (options: { readonly store: EventStore; readonly sender: CommandSender }) => {
  const { store, sender } = options;
  const auctions = createStreamFolder<AuctionState>({
    store,
    initial: initialAuctionState,
    fold: (state, stored) => evolveAuction(state, auctionEventCodec.decode(stored)),
    max: FOLDED_AUCTIONS,
  });
  return async (auctionId: string): Promise<DriveResult> => {
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      const stream = streamName(AUCTION_CATEGORY, auctionId);
      const { state, revision } = await auctions.load(stream);
      const steps = pendingSteps(state, auctionId);
      if (steps.length === 0) {
        const finished = FINAL.has(state.status);
        if (finished) auctions.forget(stream);
        return { kind: 'settled', revision, finished };
      }
      for (const step of steps) {
        const followUp = auctionStepFollowUp(auctionId, step, await sender.send(auctionStepCommand(auctionId, step)));
        if (followUp.kind !== 'report') return { kind: 'unfinished', blocked: followUp.kind === 'blocked', reason: followUp.reason };
        if (followUp.command === undefined) continue;
        const verdict = verdictOf(await sender.send(followUp.command));
        if (verdict.kind === 'unknown') return { kind: 'unfinished', blocked: false, reason: `${verdict.code}: ${verdict.message}` };
        // A refused report: the auction moved on meanwhile; the next round reads where it is.
        if (verdict.kind === 'refused') break;
      }
    }
    return { kind: 'unfinished', blocked: false, reason: `more than ${MAX_ROUNDS} rounds in one drive` };
  };
};
