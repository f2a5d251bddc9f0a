import { Command } from 'commander';
import type { EventStore } from '../../events/store/index.js';
import { createEmbeddedBus } from '../../infra/bus/index.js';
import { createCommandClient, type CommandClient } from '../../infra/client/index.js';
import { startWorldNode } from '../../infra/world/world-node.js';
import { formatRate } from './measure.js';
import {
  forEachConcurrently,
  formatCount,
  formatMs,
  isMainModule,
  LatencyRecorder,
  openWorldStore,
  runBanner,
  seededRandom,
  storeLabel,
  type LatencySummary,
  type WorldStoreKind,
} from './world-support.js';

/**
 * Completed two-party trades per second and the p99 of a trade from its proposal to
 * its close, on 1,000 players with 10 items each; and bids per second on one hot
 * auction. Through the whole world node (host of every actor plus the trade queue) on
 * the embedded bus, on SQLite beside the memory store in the same run as the baseline.
 *
 * A trade here is what two players do: propose, both offer (an item against an item
 * and gold), both accept; then the trade queue escrows the three legs, settles them and
 * closes the trade. `inFlight` trades run at once (closed loop), between players not
 * already trading, each offering an item it owns.
 */
export interface TradesOptions {
  readonly players: number;
  readonly itemsPerPlayer: number;
  readonly inFlight: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly bidders: number;
  /** Held bids after which the hot-auction run stops (5% increments bound an auction to ~560). */
  readonly bids: number;
  readonly stores: readonly WorldStoreKind[];
}

export const DEFAULT_TRADES_OPTIONS: TradesOptions = {
  players: 1_000,
  itemsPerPlayer: 10,
  inFlight: 64,
  durationMs: 5_000,
  warmupMs: 1_000,
  bidders: 64,
  bids: 400,
  stores: ['memory', 'sqlite'],
};

export interface TradeFigure {
  readonly store: WorldStoreKind;
  readonly seconds: number;
  readonly completed: number;
  readonly failed: number;
  readonly completedPerSecond: number;
  /** Proposal sent to TradeClosed appended. */
  readonly latency: LatencySummary;
  /** Last acceptance answered to TradeClosed appended: the trade queue's own part. */
  readonly queueLatency: LatencySummary;
}

export interface AuctionFigure {
  readonly store: WorldStoreKind;
  readonly seconds: number;
  readonly held: number;
  readonly heldPerSecond: number;
  readonly answered: number;
  readonly answeredPerSecond: number;
  readonly placed: number;
  /** Bid sent to its funds held (for bids that were placed and held). */
  readonly holdLatency: LatencySummary;
}

const SEED = 0x7_2ade;
const GOLD_PER_PLAYER = 1_000_000_000;

/** Tells when a stream received an event of a given type, as the append returns. */
const watchAppends = (store: EventStore) => {
  const waiters = new Map<string, (type: string) => void>();
  const watched: EventStore = {
    ...store,
    append: async (stream, events, options) => {
      const result = await store.append(stream, events, options);
      const waiter = waiters.get(stream);
      if (waiter !== undefined) for (const event of events) waiter(event.type);
      return result;
    },
    read: (stream, options) => store.read(stream, options),
    readAll: (options) => store.readAll(options),
    subscribeAll: (options) => store.subscribeAll(options),
    close: () => store.close(),
  };
  return {
    store: watched,
    /** Calls `seen` with every stored type appended to `stream` until `unwatch`. */
    watch: (stream: string, seen: (type: string) => void) => waiters.set(stream, seen),
    unwatch: (stream: string) => waiters.delete(stream),
  };
};

const must = async (client: CommandClient, category: string, actorId: string, command: string, data: Record<string, unknown>) => {
  const reply = await client.send({ category, actorId, command, data });
  if (!reply.ok) throw new Error(`${category} ${actorId} ${command}: ${reply.error.code} ${reply.error.message}`);
  return reply;
};

const startWorld = async (kind: WorldStoreKind) => {
  const opened = openWorldStore(kind);
  const watched = watchAppends(opened.store);
  const bus = createEmbeddedBus();
  const node = await startWorldNode({ bus, transport: bus, store: watched.store, world: { guildBatchWindowMs: 0 } });
  const client = createCommandClient({ transport: bus, issuer: { kind: 'server', id: 'bench-gs' }, timeoutMs: 10_000, deadlineMs: 30_000 });
  return {
    ...watched,
    bus,
    client,
    node,
    stop: async () => {
      await node.stop();
      await bus.close();
      await opened.dispose();
    },
  };
};

export const runTrades = async (options: TradesOptions, kind: WorldStoreKind, report: (line: string) => void): Promise<TradeFigure> => {
  const world = await startWorld(kind);
  const { client } = world;
  const random = seededRandom(SEED);
  const pick = (count: number): number => Math.floor(random() * count);
  const players = Array.from({ length: options.players }, (_, index) => `p${index}`);
  const inventories = new Map<string, string[]>(players.map((player) => [player, []]));
  try {
    await forEachConcurrently(players, 128, async (player) => {
      await must(client, 'player', player, 'register', { name: player });
      await must(client, 'player', player, 'credit', { amount: GOLD_PER_PLAYER, cause: 'adminGrant', reference: 'bench-seed' });
      for (let index = 0; index < options.itemsPerPlayer; index += 1) {
        const itemId = `${player}-i${index}`;
        await must(client, 'item', itemId, 'mint', { templateId: 'gem', owner: player });
        inventories.get(player)?.push(itemId);
      }
    });

    const trading = new Set<string>();
    let sequence = 0;
    const oneTrade = async (latencies?: LatencyRecorder, queueLatencies?: LatencyRecorder): Promise<'completed' | 'failed'> => {
      const free = (): string => {
        for (;;) {
          const player = players[pick(players.length)] ?? 'p0';
          if (!trading.has(player) && (inventories.get(player)?.length ?? 0) > 0) return player;
        }
      };
      const initiator = free();
      trading.add(initiator);
      const counterparty = free();
      trading.add(counterparty);
      const mine = inventories.get(initiator) ?? [];
      const theirs = inventories.get(counterparty) ?? [];
      const give = mine.splice(pick(mine.length), 1)[0] ?? '';
      const take = theirs.splice(pick(theirs.length), 1)[0] ?? '';
      const tradeId = `t${kind}${(sequence += 1)}`;
      const stream = `trade-${tradeId}`;
      let closedAt = 0;
      const result: { outcome: 'completed' | 'failed' } = { outcome: 'failed' };
      const closed = new Promise<void>((resolve) =>
        world.watch(stream, (type) => {
          if (type === 'TradeLegSettled.v1') result.outcome = 'completed';
          if (type === 'TradeClosed.v1') {
            closedAt = performance.now();
            resolve();
          }
        }),
      );
      const started = performance.now();
      try {
        const trade = (command: string, data: Record<string, unknown>) => must(client, 'trade', tradeId, command, data);
        await trade('propose', { initiator, counterparty, expiresAt: Date.now() + 600_000 });
        await trade('offer', { items: [give], gold: 0, party: initiator });
        await trade('offer', { items: [take], gold: 1 + pick(1_000), party: counterparty });
        await trade('accept', { offerVersion: 2, party: initiator });
        await trade('accept', { offerVersion: 2, party: counterparty });
        const accepted = performance.now();
        await closed;
        latencies?.add(closedAt - started);
        queueLatencies?.add(closedAt - accepted);
      } finally {
        world.unwatch(stream);
        trading.delete(initiator);
        trading.delete(counterparty);
      }
      // The items changed hands only if the trade completed.
      const completed = result.outcome === 'completed';
      inventories.get(completed ? counterparty : initiator)?.push(give);
      inventories.get(completed ? initiator : counterparty)?.push(take);
      return result.outcome;
    };

    const loop = async (durationMs: number, latencies?: LatencyRecorder, queueLatencies?: LatencyRecorder) => {
      let running = true;
      const counts = { completed: 0, failed: 0 };
      const stop = setTimeout(() => (running = false), durationMs);
      const started = performance.now();
      await Promise.all(
        // Each trade takes two players out of play: keep half of them free, or picking
        // a free pair would spin.
        Array.from({ length: Math.min(options.inFlight, Math.floor(options.players / 4)) }, async () => {
          while (running) counts[await oneTrade(latencies, queueLatencies)] += 1;
        }),
      );
      clearTimeout(stop);
      return { ...counts, seconds: (performance.now() - started) / 1000 };
    };

    if (options.warmupMs > 0) await loop(options.warmupMs);
    const latencies = new LatencyRecorder();
    const queueLatencies = new LatencyRecorder();
    const { completed, failed, seconds } = await loop(options.durationMs, latencies, queueLatencies);
    const figure: TradeFigure = {
      store: kind,
      seconds,
      completed,
      failed,
      completedPerSecond: completed / seconds,
      latency: latencies.summary(),
      queueLatency: queueLatencies.summary(),
    };
    report(
      `${kind.padEnd(6)} trades: ${formatRate(figure.completedPerSecond)} completed/s (${formatCount(completed)} completed, ${formatCount(failed)} failed), ` +
        `p50 ${formatMs(figure.latency.p50Ms)} ms, p99 ${formatMs(figure.latency.p99Ms)} ms; queue p99 ${formatMs(figure.queueLatency.p99Ms)} ms`,
    );
    return figure;
  } finally {
    await world.stop();
  }
};

export const runHotAuction = async (options: TradesOptions, kind: WorldStoreKind, report: (line: string) => void): Promise<AuctionFigure> => {
  const world = await startWorld(kind);
  const { client } = world;
  const bidders = Array.from({ length: options.bidders }, (_, index) => `b${index}`);
  try {
    await forEachConcurrently(['seller', ...bidders], 64, async (player) => {
      await must(client, 'player', player, 'register', { name: player });
      // Bids grow by 5% each: the last ones approach the 10^12 ceiling of one operation.
      for (const reference of ['seed-1', 'seed-2']) {
        await must(client, 'player', player, 'credit', { amount: 1_000_000_000_000, cause: 'adminGrant', reference });
      }
    });
    await must(client, 'item', 'relic', 'mint', { templateId: 'relic', owner: 'seller' });
    const auctionId = `hot-${kind}`;
    const stream = `auction-${auctionId}`;
    let held = 0;
    let heldWaiter: (() => void) | undefined;
    const holdTimes: number[] = [];
    world.watch(stream, (type) => {
      if (type === 'AuctionBidFundsHeld.v1') {
        held += 1;
        holdTimes.push(performance.now());
        heldWaiter?.();
      }
      if (type === 'AuctionItemEscrowed.v1') heldWaiter?.();
    });
    const escrowed = new Promise<void>((resolve) => (heldWaiter = resolve));
    await must(client, 'auction', auctionId, 'list', { seller: 'seller', itemId: 'relic', startingPrice: 10, endsAt: Date.now() + 3_600_000 });
    await escrowed;
    heldWaiter = undefined;

    // Bids are taken one at a time: while one awaits its funds the others are refused
    // ("retry shortly"), so the k-th hold belongs to the k-th bid placed.
    let lead = 0;
    let answered = 0;
    const placedTimes: number[] = [];
    const started = performance.now();
    const deadline = started + options.durationMs * 4;
    const nextAmount = (): number => (lead === 0 ? 10 : lead + Math.max(1, Math.ceil((lead * 5) / 100)) + 1);
    await Promise.all(
      bidders.map(async (bidder) => {
        const bidderClient = createCommandClient({ transport: world.bus, issuer: { kind: 'player', id: bidder }, timeoutMs: 10_000, deadlineMs: 30_000 });
        for (let attempt = 0; held < options.bids && performance.now() < deadline; attempt += 1) {
          const amount = nextAmount();
          if (amount > 1_000_000_000_000) break;
          const sentAt = performance.now();
          const reply = await bidderClient.send({ category: 'auction', actorId: auctionId, command: 'bid', data: { amount, bidId: `${bidder}x${attempt}` } });
          answered += 1;
          if (reply.ok && reply.events.includes('AuctionBidPlaced')) {
            placedTimes.push(sentAt);
            lead = Math.max(lead, amount);
          } else {
            // Refused (another bid pending, or outbid meanwhile): let the queue run first.
            await new Promise((resolve) => setImmediate(resolve));
          }
        }
      }),
    );
    const holdLatencies = new LatencyRecorder();
    holdTimes.forEach((heldAt, index) => {
      const placedAt = placedTimes[index];
      if (placedAt !== undefined) holdLatencies.add(heldAt - placedAt);
    });
    const placed = placedTimes.length;
    const seconds = (performance.now() - started) / 1000;
    const figure: AuctionFigure = {
      store: kind,
      seconds,
      held,
      heldPerSecond: held / seconds,
      answered,
      answeredPerSecond: answered / seconds,
      placed,
      holdLatency: holdLatencies.summary(),
    };
    report(
      `${kind.padEnd(6)} hot auction: ${formatRate(figure.heldPerSecond)} bids held/s (${formatCount(held)} held, ${formatCount(placed)} placed), ` +
        `${formatRate(figure.answeredPerSecond)} bids answered/s, placed→held p50 ${formatMs(figure.holdLatency.p50Ms)} ms, p99 ${formatMs(figure.holdLatency.p99Ms)} ms`,
    );
    return figure;
  } finally {
    await world.stop();
  }
};

export interface TradesFigures {
  readonly trades: readonly TradeFigure[];
  readonly auctions: readonly AuctionFigure[];
}

export const benchTrades = async (options: TradesOptions, report: (line: string) => void): Promise<TradesFigures> => {
  const trades: TradeFigure[] = [];
  const auctions: AuctionFigure[] = [];
  // The baseline first, then SQLite, for each measure: a ratio compares runs a minute apart at most.
  for (const kind of options.stores) trades.push(await runTrades(options, kind, report));
  for (const kind of options.stores) auctions.push(await runHotAuction(options, kind, report));
  return { trades, auctions };
};

export const tradesTable = ({ trades, auctions }: TradesFigures, options: TradesOptions): string => {
  const memoryTrades = trades.find((figure) => figure.store === 'memory');
  const memoryAuction = auctions.find((figure) => figure.store === 'memory');
  const ratio = (value: number, baseline: number | undefined): string => (baseline === undefined || baseline === 0 ? '' : (value / baseline).toFixed(3));
  return [
    `${formatCount(options.players)} players with ${options.itemsPerPlayer} items each; ${options.inFlight} trades at once (closed loop) ` +
      `for ${formatCount(options.durationMs)} ms after ${formatCount(options.warmupMs)} ms of warm-up. Each trade: propose, ` +
      'both offer (an item against an item and gold), both accept, then the trade queue escrows the three legs, settles ' +
      'them and closes the trade. Latency from the proposal sent to TradeClosed appended; "queue" from the last ' +
      'acceptance answered to TradeClosed. One world node in-process on the embedded bus (host of every actor plus the ' +
      'trade queue), commands through createCommandClient; SQLite with synchronous=full in a temp dir, group commit on.',
    '',
    '| store | trades/s completed | vs memory | completed | failed | p50 ms | p99 ms | queue p50 ms | queue p99 ms |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...trades.map(
      (figure) =>
        `| ${storeLabel(figure.store)} | ${formatRate(figure.completedPerSecond)} | ${ratio(figure.completedPerSecond, memoryTrades?.completedPerSecond)} | ` +
        `${formatCount(figure.completed)} | ${formatCount(figure.failed)} | ${formatMs(figure.latency.p50Ms)} | ${formatMs(figure.latency.p99Ms)} | ` +
        `${formatMs(figure.queueLatency.p50Ms)} | ${formatMs(figure.queueLatency.p99Ms)} |`,
    ),
    '',
    `One hot auction, ${options.bidders} bidders bidding the minimum over the lead as fast as they are answered, until ` +
      `${options.bids} bids are held. Bids are taken one at a time (a bid must hold its gold before it leads), so ` +
      'the others are refused "retry shortly" meanwhile; held bids/s is the auction\'s real pace.',
    '',
    '| store | bids held/s | vs memory | held | bids answered/s | placed → held p50 ms | p99 ms |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...auctions.map(
      (figure) =>
        `| ${storeLabel(figure.store)} | ${formatRate(figure.heldPerSecond)} | ${ratio(figure.heldPerSecond, memoryAuction?.heldPerSecond)} | ` +
        `${formatCount(figure.held)} | ${formatRate(figure.answeredPerSecond)} | ${formatMs(figure.holdLatency.p50Ms)} | ${formatMs(figure.holdLatency.p99Ms)} |`,
    ),
  ].join('\n');
};

if (isMainModule(import.meta.url)) {
  const integer = (value: string): number => Number.parseInt(value, 10);
  const defaults = DEFAULT_TRADES_OPTIONS;
  const cli = new Command('world-trades')
    .description('Completed trades per second and their p99, and bids per second on one hot auction, on SQLite beside memory.')
    .option('--players <n>', 'players, each with --items items', integer, defaults.players)
    .option('--items <n>', 'items per player', integer, defaults.itemsPerPlayer)
    .option('--in-flight <n>', 'trades running at once', integer, defaults.inFlight)
    .option('--duration <ms>', 'measured time per store', integer, defaults.durationMs)
    .option('--warmup <ms>', 'unmeasured trading per store first', integer, defaults.warmupMs)
    .option('--bidders <n>', 'bidders on the hot auction', integer, defaults.bidders)
    .option('--bids <n>', 'held bids that end the hot-auction run', integer, defaults.bids)
    .parse();
  const flags = cli.opts<{ players: number; items: number; inFlight: number; duration: number; warmup: number; bidders: number; bids: number }>();
  const options: TradesOptions = {
    ...defaults,
    players: flags.players,
    itemsPerPlayer: flags.items,
    inFlight: flags.inFlight,
    durationMs: flags.duration,
    warmupMs: flags.warmup,
    bidders: flags.bidders,
    bids: flags.bids,
  };
  console.log(runBanner('world-trades'));
  console.log('\n## Trades and a hot auction\n');
  const figures = await benchTrades(options, (line) => console.error(line));
  console.log(tradesTable(figures, options));
}
