import type { AuctionState } from './state.js';

/**
 * The deadline lives in the auction's state (from `AuctionListed.endsAt`), not in a
 * timer: after a restart the scheduler folds the auction streams again and asks these
 * helpers what to close. A close sent twice is a no-op, so firing late or twice is safe;
 * firing early is refused by the decider.
 */

/** When the scheduler must send `close`: the deadline of an open auction, otherwise none. */
export const nextDeadline = (state: AuctionState): number | undefined => (state.status === 'open' ? state.endsAt : undefined);

export interface DueAuction {
  readonly auctionId: string;
  readonly endsAt: number;
}

/**
 * The auctions whose deadline has passed at `now` (epoch ms) and that are still open,
 * earliest first, so a scheduler that was down for a while closes them in order.
 */
export const dueAuctions = (states: Iterable<readonly [auctionId: string, state: AuctionState]>, now: number): readonly DueAuction[] => {
  const due: DueAuction[] = [];
  for (const [auctionId, state] of states) {
    const endsAt = nextDeadline(state);
    if (endsAt !== undefined && endsAt <= now) due.push({ auctionId, endsAt });
  }
  return due.sort((a, b) => a.endsAt - b.endsAt || (a.auctionId < b.auctionId ? -1 : a.auctionId > b.auctionId ? 1 : 0));
};
