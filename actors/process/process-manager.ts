import { LRUCache } from 'lru-cache';
import type { EventStore, Subscription } from '../../events/store/index.js';
import { parseStreamName } from '../../events/store/index.js';
import { AUCTION_CATEGORY } from '../auction/commands.js';
import { auctionEventCodec } from '../auction/definition.js';
import type { AdmissionRequest, AppendedBatch, Refusal } from '../runtime/host.js';
import { TRADE_CATEGORY } from '../trade/commands.js';
import { tradeEventCodec } from '../trade/definition.js';
import { createAuctionDriver } from './auction-driver.js';
import { parseProcessKey, processKey, trackAuction, trackTrade, type ProcessKind, type TrackedProcess } from './process-index.js';
import { verdictOf } from './replies.js';
import type { CommandSender } from './sender.js';
import { voidingRefusedHolds } from './void-refused-holds.js';
import { derivedCommandId } from './step-ids.js';
import { createTradeDriver, type DriveResult } from './trade-driver.js';
import { createWorkPool, type JobOutcome, type WorkPoolStats } from './work-pool.js';

/**
 * The trade queue: drives trades and auction settlements on a bounded worker pool.
 *
 * - Prompt work: the host that appended a trade's or auction's request tells this
 *   manager (`onAppended`), which queues it at once.
 * - Recovery: on start, and all along, the manager follows the trade and auction
 *   streams of the log; anything unfinished that has been quiet for `staleAfterMs` and
 *   not driven since is queued, whoever appended it (a host killed mid-trade).
 * - Timers: trade expiries and auction ends are read from the log, so they survive
 *   restarts; when one is due the manager sends `expire` or `close`.
 * - Back-pressure: while the queue is at its bound, new trades, listings and bids are
 *   refused with OVERLOADED (`admit`); work on trades already started is never refused.
 *
 * Several hosts may each run one: they may drive the same trade at once, which costs
 * duplicate commands but never a duplicate effect (every command's id is derived from
 * the step it carries out).
 */

export interface ProcessManagerOptions {
  readonly store: EventStore;
  /** Speaks as a trusted server. */
  readonly sender: CommandSender;
  readonly clock?: () => Date;
  /** Trades and auctions driven at once; default 32. */
  readonly poolSize?: number;
  /** Waiting trades and auctions past which new ones get OVERLOADED; default 1,000. */
  readonly maxQueued?: number;
  /** Unfinished work quiet for this long and not driven since is picked up; default 2,000 ms. */
  readonly staleAfterMs?: number;
  /** How often deadlines and stale work are checked; default 250 ms. */
  readonly tickMs?: number;
  /** An escrow whose outcome stays unknown this long aborts its trade; default 30,000 ms. */
  readonly abortEscrowAfterMs?: number;
  /** Longest pause between tries of a trade whose answers were unknown; default 5,000 ms. */
  readonly maxBackoffMs?: number;
  readonly onError?: (error: unknown, context: string) => void;
}

export interface ProcessManagerStats extends WorkPoolStats {
  /** Unfinished trades and auctions known from the log. */
  readonly tracked: number;
  readonly drivesFinished: number;
  readonly drivesUnfinished: number;
  /** Drives that found a step refused that must not be (a credit past the balance limit). */
  readonly blockedSteps: number;
  readonly deadlinesSent: number;
  /** New trades, listings and bids refused because the queue was full. */
  readonly overloaded: number;
  readonly caughtUp: boolean;
  /** Trades closed in the whole world since this manager caught up with the log, by outcome. */
  readonly tradesClosed: { readonly completed: number; readonly failed: number; readonly cancelled: number };
  /** Auctions ended since then. */
  readonly auctionsEnded: number;
}

export interface ProcessManager {
  /** Follows the log; resolves once it has caught up and queued what it found unfinished. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** For the host's `admit`: OVERLOADED for new trades and auction work while the queue is full. */
  admit(request: AdmissionRequest): Refusal | undefined;
  /** For the host's `onAppended`. */
  onAppended(appended: AppendedBatch): void;
  stats(): ProcessManagerStats;
}

/** Commands that start new work for the queue. */
const NEW_WORK: ReadonlySet<string> = new Set(['trade.propose', 'auction.list', 'auction.bid', 'auction.buyout']);
/** Trade appends that ask for steps; other trade events (offers, acceptances) owe nothing. */
const TRADE_REQUESTS: ReadonlySet<string> = new Set(['TradeEscrowRequested', 'TradeSettlementRequested', 'TradeReleaseRequested']);
/** A deadline command not answered by the log within this is sent again. */
const DEADLINE_RESEND_MS = 5_000;
/** Finished processes remembered, so a subscription lagging behind a drive does not revive them. */
const FINISHED_REMEMBERED = 100_000;
const BLOCKED_RETRY_MS = 30_000;

export const createProcessManager = (options: ProcessManagerOptions): ProcessManager => {
  const { store, sender } = options;
  const clock = options.clock ?? (() => new Date());
  const now = (): number => clock().getTime();
  const onError = options.onError ?? (() => undefined);
  const staleAfterMs = options.staleAfterMs ?? 2_000;
  const tickMs = options.tickMs ?? 250;
  const maxBackoffMs = options.maxBackoffMs ?? 5_000;

  const tracked = new Map<string, TrackedProcess>();
  const finished = new LRUCache<string, true>({ max: FINISHED_REMEMBERED });
  const attempts = new Map<string, number>();
  const counters = { drivesFinished: 0, drivesUnfinished: 0, blockedSteps: 0, deadlinesSent: 0, overloaded: 0 };
  let caughtUp = false;
  const tradesClosed = { completed: 0, failed: 0, cancelled: 0 };
  let auctionsEnded = 0;
  let signalCaughtUp: () => void = () => undefined;
  const whenCaughtUp = new Promise<void>((resolve) => (signalCaughtUp = resolve));
  let subscription: Subscription | undefined;
  let following: Promise<void> | undefined;
  let ticker: NodeJS.Timeout | undefined;
  let stopped = false;

  // Steps go through a sender that makes every refused hold final before it is reported.
  const steps = voidingRefusedHolds(sender);
  const driveTrade = createTradeDriver({ store, sender: steps, now, abortEscrowAfterMs: options.abortEscrowAfterMs ?? 30_000, onError });
  const driveAuction = createAuctionDriver({ store, sender: steps });

  const entryFor = (kind: ProcessKind, id: string): TrackedProcess => {
    const key = processKey(kind, id);
    let entry = tracked.get(key);
    if (entry === undefined) {
      entry = { kind, id, deadline: undefined, deadlineSentAt: undefined, seenRevision: -1n, drivenRevision: -1n, seenAt: now(), refundsOwed: new Set(), ended: false };
      tracked.set(key, entry);
    }
    return entry;
  };

  const run = async (key: string): Promise<JobOutcome> => {
    const process = parseProcessKey(key);
    if (process === undefined) return { kind: 'idle' };
    const result: DriveResult = process.kind === 'trade' ? await driveTrade(process.id) : await driveAuction(process.id);
    if (result.kind === 'settled') {
      counters.drivesFinished += 1;
      attempts.delete(key);
      if (result.finished) {
        tracked.delete(key);
        finished.set(key, true);
      } else {
        const entry = tracked.get(key);
        if (entry !== undefined && entry.drivenRevision < result.revision) entry.drivenRevision = result.revision;
      }
      return { kind: 'idle' };
    }
    counters.drivesUnfinished += 1;
    if (result.blocked) {
      counters.blockedSteps += 1;
      onError(new Error(result.reason), `${key} is blocked`);
      return { kind: 'retry', afterMs: BLOCKED_RETRY_MS };
    }
    const attempt = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, attempt);
    const pause = Math.min(maxBackoffMs, 50 * 2 ** Math.min(attempt, 10));
    return { kind: 'retry', afterMs: pause * (0.5 + Math.random()) };
  };

  const pool = createWorkPool({
    poolSize: options.poolSize ?? 32,
    maxQueued: options.maxQueued ?? 1_000,
    run,
    onError: (error, key) => onError(error, `driving ${key}`),
  });

  const follow = async (sub: Subscription): Promise<void> => {
    for await (const message of sub) {
      if (message.kind === 'caught_up') {
        caughtUp = true;
        signalCaughtUp();
        // Everything unfinished found in the log is owed a drive now (a crash left it).
        for (const [key] of tracked) pool.offer(key);
        continue;
      }
      if (message.kind !== 'event') continue;
      const stored = message.event;
      const address = parseStreamName(stored.stream);
      if (address === undefined) continue;
      const kind: ProcessKind | undefined =
        address.category === TRADE_CATEGORY ? 'trade' : address.category === AUCTION_CATEGORY ? 'auction' : undefined;
      if (kind === undefined) continue;
      const key = processKey(kind, address.id);
      if (finished.has(key)) continue;
      try {
        const entry = entryFor(kind, address.id);
        let change: ReturnType<typeof trackTrade>;
        if (kind === 'trade') {
          const event = tradeEventCodec.decode(stored);
          if (caughtUp && event.type === 'TradeClosed') tradesClosed[event.data.outcome] += 1;
          change = trackTrade(entry, event);
        } else {
          const event = auctionEventCodec.decode(stored);
          if (caughtUp && event.type === 'AuctionEnded') auctionsEnded += 1;
          change = trackAuction(entry, event);
        }
        if (change === 'finished') {
          tracked.delete(key);
          finished.set(key, true);
          continue;
        }
        if (entry.seenRevision < stored.revision) entry.seenRevision = stored.revision;
        entry.seenAt = now();
      } catch (error) {
        onError(error, `reading ${stored.stream}@${stored.revision}`);
      }
    }
  };

  const sendDeadline = (entry: TrackedProcess, at: number): void => {
    entry.deadlineSentAt = at;
    counters.deadlinesSent += 1;
    const command = entry.kind === 'trade' ? 'expire' : 'close';
    const category = entry.kind === 'trade' ? TRADE_CATEGORY : AUCTION_CATEGORY;
    void sender
      .send({ category, actorId: entry.id, command, data: {}, commandId: derivedCommandId(entry.kind, entry.id, command, String(at)), correlationId: entry.id })
      .then((reply) => {
        const verdict = verdictOf(reply);
        // REJECTED: not due by the actor's clock yet, or waiting on a bid's funds; sent again later.
        if (verdict.kind === 'refused' && verdict.code !== 'REJECTED') onError(new Error(`${verdict.code}: ${verdict.message}`), `${command} ${entry.id}`);
      });
  };

  const tick = (): void => {
    if (!caughtUp) return;
    const at = now();
    for (const [key, entry] of tracked) {
      if (entry.deadline !== undefined && entry.deadline <= at && (entry.deadlineSentAt === undefined || at - entry.deadlineSentAt >= DEADLINE_RESEND_MS)) {
        sendDeadline(entry, at);
      }
      if (entry.seenRevision > entry.drivenRevision && at - entry.seenAt >= staleAfterMs) {
        // Queued once per quiet spell: the drive records the revision it read.
        entry.drivenRevision = entry.seenRevision;
        pool.offer(key);
      }
    }
  };

  return {
    start: async () => {
      const sub = store.subscribeAll({ from: 'start', filter: { on: 'streamName', prefixes: [`${TRADE_CATEGORY}-`, `${AUCTION_CATEGORY}-`] } });
      subscription = sub;
      const run = follow(sub);
      following = run.catch((error: unknown) => {
        if (!stopped) onError(error, 'following the trade and auction streams');
      });
      // A subscription that fails before catching up fails the start.
      await Promise.race([whenCaughtUp, run]);
      ticker = setInterval(tick, tickMs);
      ticker.unref();
    },
    stop: async () => {
      stopped = true;
      clearInterval(ticker);
      await subscription?.close();
      await following?.catch(() => undefined);
      await pool.stop();
    },
    admit: (request) => {
      if (!NEW_WORK.has(`${request.category}.${request.command}`) || !pool.saturated()) return undefined;
      counters.overloaded += 1;
      const { queued, poolSize } = pool.stats();
      return { code: 'OVERLOADED', message: `the trade queue is full: ${queued} waiting for ${poolSize} workers; retry shortly` };
    },
    onAppended: (appended) => {
      if (appended.category === TRADE_CATEGORY) {
        if (appended.eventTypes.some((type) => TRADE_REQUESTS.has(type))) pool.offer(processKey('trade', appended.actorId));
      } else if (appended.category === AUCTION_CATEGORY) {
        pool.offer(processKey('auction', appended.actorId));
      }
    },
    stats: () => ({ ...pool.stats(), ...counters, tracked: tracked.size, caughtUp, tradesClosed: { ...tradesClosed }, auctionsEnded }),
  };
};
