import type { RecordedEvent } from '../../events/catalog/index.js';
import { describeHolder, type ItemHolder } from '../../events/item.js';
import { parseStreamName } from '../../events/store/stream-name.js';
import type { WorldEvent } from '../../events/world.js';
import { createGoldLedger } from './gold.js';
import { createItemCustodyLedger } from './item-custody.js';
import { createProblemLog, MAX_PROBLEMS, streamOf, type Violation, type ViolationKind, type Where } from './problems.js';
import { createProcessLedger, type ProcessLedger } from './processes.js';
import { createStreamLedger, DEFAULT_COMMAND_WINDOW } from './stream-ledger.js';

/**
 * The full-replay audit of the world: fed the whole log in its global order, it checks
 * the invariants of DESIGN.md ("Domain"): every item has exactly one owner or one escrow
 * at every position, gold is conserved, no command is applied twice, and nothing a trade
 * or an auction held is left behind when it is over. Pure: the caller reads the log and
 * decodes it (worldCodec).
 *
 * Memory is bounded by the world, not by the log: one record per stream (its revision
 * and its last commands, stream-ledger.ts), per item (its custody), per wallet, per trade
 * and auction (how far it got, and its gold pool), per guild bank, and the problems kept
 * (the first `maxProblems`). Nothing is kept per event.
 */

export interface WorldAuditReport {
  /** Events applied (each stream revision once). */
  readonly events: number;
  /** Item streams seen. */
  readonly items: number;
  /** Items with an ownership transition that contradicts the item's state at that point, counted once per item. */
  readonly itemsDuplicated: number;
  /** Items that end in escrow of a closed trade, an ended auction, or a holder whose stream never existed. */
  readonly itemsVanished: number;
  /** Credits with cause loot or adminGrant, and refunds no trade claims. */
  readonly goldMinted: number;
  /** Debits with cause purchase, repair or fee. */
  readonly goldSunk: number;
  /** Sum of the final replayed player balances. */
  readonly goldInWallets: number;
  /**
   * Gold held outside wallets: by unfinished trades and auctions, guild banks, guild bank
   * movements with one side only (goldInTransit), refunds of ended auctions still to be
   * paid, pools no trade or auction claims (goldHeldElsewhere), and leftovers of closed
   * trades and ended auctions (goldStranded).
   */
  readonly goldInEscrow: number;
  /**
   * Overdrafts of pools, banks and wallets (goldOverdrawn), bank entries no wallet paid
   * for, and balanceAfter disagreements (goldMisstated); at least what wallets and
   * escrow exceed minted − sunk by.
   */
  readonly goldCreated: number;
  readonly tradesCompleted: number;
  readonly tradesFailed: number;
  readonly tradesCancelled: number;
  /** Proposed, not closed. */
  readonly tradesOpen: number;
  /** Not closed and past negotiation (a TradeEscrowRequested was recorded). */
  readonly tradesStuck: number;
  /** Listed, not ended. */
  readonly auctionsOpen: number;
  /** First `maxProblems` (100 by default), each naming stream@revision. */
  readonly problems: readonly string[];
  /** The same problems with their kind, first event (stream, revision, position) and the streams and items involved. */
  readonly violations: readonly Violation[];
  /** Every problem, by kind, including those past the kept ones. */
  readonly violationsByKind: Readonly<Record<ViolationKind, number>>;
  /** Second applications of a command id to one stream. */
  readonly commandsRepeated: number;
  /** Refunds no trade claims (a game server paying back a purchase), counted in goldMinted. */
  readonly goldMintedByRefunds: number;

  /** Every problem found, including those past the first 100. */
  readonly problemCount: number;
  /** Events whose stream revision was already applied (a repeated delivery); ignored. */
  readonly eventsSkipped: number;
  /** Ended: AuctionEnded, or an escrow that failed. */
  readonly auctionsEnded: number;
  /** Gold left in closed trades and ended auctions (part of goldInEscrow). */
  readonly goldStranded: number;
  /** Sum of the guild banks' balances (part of goldInEscrow). */
  readonly goldInGuildBanks: number;
  /** Guild bank movements whose wallet paid and bank did not receive, or the reverse for withdrawals (part of goldInEscrow). */
  readonly goldInTransit: number;
  /** Debits of cause trade or auction under a correlation id that names no trade or auction (part of goldInEscrow). */
  readonly goldHeldElsewhere: number;
  /** Refunds an ended auction still owes (part of goldInEscrow). */
  readonly goldRefundsPending: number;
  /** Sum of the overdrafts of pools, guild banks and wallets (part of goldCreated). */
  readonly goldOverdrawn: number;
  /** Sum of the balanceAfter disagreements, each new one counted once (part of goldCreated). */
  readonly goldMisstated: number;
}

export interface WorldAuditOptions {
  /** Problems kept with their details (all are counted); default 100. */
  readonly maxProblems?: number;
  /** Commands remembered per stream to find a second application; default 512 (stream-ledger.ts). */
  readonly commandWindow?: number;
}

export interface WorldAudit {
  apply(event: RecordedEvent<WorldEvent>): void;
  report(): WorldAuditReport;
}

const idOf = (stream: string): string => parseStreamName(stream)?.id ?? stream;

interface Tally {
  completed: number;
  failed: number;
  cancelled: number;
  open: number;
  stuck: number;
  auctionsOpen: number;
  auctionsEnded: number;
}

const tally = (processes: ProcessLedger): Tally => {
  const counts: Tally = { completed: 0, failed: 0, cancelled: 0, open: 0, stuck: 0, auctionsOpen: 0, auctionsEnded: 0 };
  for (const trade of processes.trades()) {
    if (trade.outcome !== undefined) counts[trade.outcome] += 1;
    else if (trade.proposed) {
      counts.open += 1;
      if (trade.escrowRequested) counts.stuck += 1;
    }
  }
  for (const auction of processes.auctions()) {
    if (auction.ending !== undefined) counts.auctionsEnded += 1;
    else if (auction.listed) counts.auctionsOpen += 1;
  }
  return counts;
};

/** Why an item may not stay in escrow of `holder` at the end of the log; undefined while the holder is unfinished. */
const holderOver = (processes: ProcessLedger, holder: ItemHolder): string | undefined => {
  const process = holder.kind === 'trade' ? processes.trade(holder.id) : processes.auction(holder.id);
  if (process === undefined) return 'never existed';
  const end = 'closedAt' in process ? process.closedAt : process.endedAt;
  return end === undefined ? undefined : 'is over';
};

export const createWorldAudit = (options: WorldAuditOptions = {}): WorldAudit => {
  const problems = createProblemLog(options.maxProblems ?? MAX_PROBLEMS);
  const items = createItemCustodyLedger(problems);
  const processes = createProcessLedger(problems);
  const gold = createGoldLedger(problems, processes);
  const streams = createStreamLedger(problems, options.commandWindow ?? DEFAULT_COMMAND_WINDOW);
  let events = 0;
  let skipped = 0;
  let lastWhere: Where = { stream: '$all', revision: 0n };

  const apply = (event: RecordedEvent<WorldEvent>): void => {
    const where: Where = { stream: event.stream, revision: event.revision, position: event.position };
    const { commandId, occurredAt, issuer } = event.metadata;
    if (!streams.admit(where, { commandId, receivedAt: occurredAt.getTime(), issuer })) {
      skipped += 1;
      return;
    }
    events += 1;
    lastWhere = where;
    const id = idOf(event.stream);
    switch (event.type) {
      case 'GoldCredited':
        gold.credited(id, event.data, event.metadata.correlationId, where);
        return;
      case 'GoldDebited':
        gold.debited(id, event.data, event.metadata.correlationId, where);
        return;
      case 'GoldDeposited':
        gold.deposited(id, event.data, where);
        return;
      case 'GoldWithdrawn':
        gold.withdrawn(id, event.data, where);
        return;
      case 'ItemMinted':
      case 'ItemTransferred':
      case 'ItemEscrowed':
      case 'ItemReleased':
      case 'ItemEscrowVoided':
      case 'ItemConsumed':
      case 'ItemDestroyed':
        items.apply(id, event, where);
        return;
      case 'TradeProposed':
      case 'TradeOfferChanged':
      case 'TradeOfferAccepted':
      case 'TradeEscrowConfirmed':
      case 'TradeEscrowFailed':
      case 'TradeLegSettled':
      case 'TradeLegReleased':
      case 'TradeCancelled':
      case 'TradeExpired':
      case 'TradeAborted':
      case 'TradeEscrowRequested':
      case 'TradeSettlementRequested':
      case 'TradeReleaseRequested':
      case 'TradeClosed':
        processes.applyTrade(id, event, where);
        return;
      case 'AuctionListed':
      case 'AuctionItemEscrowed':
      case 'AuctionItemEscrowFailed':
      case 'AuctionBidPlaced':
      case 'AuctionBidFundsHeld':
      case 'AuctionBidRejected':
      case 'AuctionRefundRequested':
      case 'AuctionRefundConfirmed':
      case 'AuctionCancelled':
      case 'AuctionExpired':
      case 'AuctionWon':
      case 'AuctionEnded':
        processes.applyAuction(id, event, where);
        return;
      // Sessions, presence, zones and membership move neither items nor gold.
      // A voided hold moves no gold: nothing to account.
      case 'GoldDebitVoided':
      case 'PlayerRegistered':
      case 'SessionStarted':
      case 'SessionTouched':
      case 'SessionEnded':
      case 'SessionExpired':
      case 'SessionRevoked':
      case 'ZoneChanged':
      case 'PresenceChanged':
      case 'PlayerJoinedGuild':
      case 'PlayerLeftGuild':
      case 'GuildCreated':
      case 'MemberInvited':
      case 'InviteDeclined':
      case 'JoinRequested':
      case 'JoinRequestRejected':
      case 'MemberJoined':
      case 'MemberLeft':
      case 'MemberKicked':
      case 'MemberPromoted':
      case 'MemberDemoted':
      case 'LeadershipTransferred':
      case 'MotdSet':
      case 'GuildDisbanded':
        return;
    }
  };

  const report = (): WorldAuditReport => {
    // End-of-log findings go to a copy, so report() may be called at any point and again.
    const found = problems.fork();
    let vanished = 0;
    for (const { itemId, holder, where } of items.escrowed()) {
      const over = holderOver(processes, holder);
      if (over === undefined) continue;
      vanished += 1;
      found.note(where, `item ${itemId} ends in escrow of ${describeHolder(holder)}, which ${over}`, 'item-vanished', {
        streams: [streamOf(holder.kind, holder.id)],
        items: [itemId],
      });
    }
    const figures = gold.figures(found, lastWhere);
    const counts = tally(processes);
    return {
      events,
      items: items.items,
      itemsDuplicated: items.duplicated,
      itemsVanished: vanished,
      ...figures,
      tradesCompleted: counts.completed,
      tradesFailed: counts.failed,
      tradesCancelled: counts.cancelled,
      tradesOpen: counts.open,
      tradesStuck: counts.stuck,
      auctionsOpen: counts.auctionsOpen,
      auctionsEnded: counts.auctionsEnded,
      problems: found.kept,
      violations: found.violations,
      violationsByKind: found.byKind,
      commandsRepeated: streams.commandsRepeated,
      problemCount: found.total,
      eventsSkipped: skipped,
    };
  };

  return { apply, report };
};

/** Audits a whole log: an in-memory list or a store's readAll, decoded. */
export const auditEvents = async (
  events: AsyncIterable<RecordedEvent<WorldEvent>> | Iterable<RecordedEvent<WorldEvent>>,
  options: WorldAuditOptions = {},
): Promise<WorldAuditReport> => {
  const audit = createWorldAudit(options);
  for await (const event of events) audit.apply(event);
  return audit.report();
};
