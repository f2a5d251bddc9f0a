import { Command } from 'commander';
import { itemActor } from '../../actors/item/definition.js';
import { createActorHost, type HostStats } from '../../actors/runtime/host.js';
import { createEmbeddedBus } from '../../infra/bus/index.js';
import { createCommandClient, type CommandClient } from '../../infra/client/index.js';
import { formatRate } from './measure.js';
import {
  forEachConcurrently,
  formatCount,
  formatMs,
  isMainModule,
  LatencyRecorder,
  openWorldStore,
  OutcomeTally,
  runBanner,
  seededRandom,
  storeLabel,
  type LatencySummary,
  type WorldStoreKind,
} from './world-support.js';

/**
 * Item transfers per second, with contention (a few hot items everyone trades) and
 * without (many items, rarely two transfers of one at once), through the runtime on the
 * SQLite store, beside the memory store in the same run as the baseline.
 *
 * In-process: one host on the embedded bus, one game server sending through
 * `createCommandClient` (a server may transfer on behalf of any player), `inFlight`
 * transfers outstanding at all times (closed loop) for a fixed duration.
 *
 * Each transfer is valid from what the client knows: it names as `from` the owner the
 * latest successful reply for that item established, and a random other player as `to`.
 * Under contention several transfers of one item leave with the same `from` before any of
 * them is answered; the host decides them in order, the first moves the item and the rest
 * are refused NOT_OWNER. Those refusals are the cost of contention, counted, not errors.
 */
export interface ItemTransfersOptions {
  readonly inFlight: number;
  /** Items in the contended scenario. */
  readonly hotItems: number;
  /** Items in the uncontended scenario. */
  readonly spreadItems: number;
  readonly players: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly stores: readonly WorldStoreKind[];
}

export const DEFAULT_ITEM_TRANSFERS_OPTIONS: ItemTransfersOptions = {
  inFlight: 256,
  hotItems: 10,
  spreadItems: 10_000,
  players: 1_000,
  durationMs: 5_000,
  warmupMs: 1_000,
  stores: ['memory', 'sqlite'],
};

/** Codes a transfer may get here without anything being wrong. */
const EXPECTED_REJECTIONS: ReadonlySet<string> = new Set(['NOT_OWNER']);

export interface ItemTransferFigure {
  readonly store: WorldStoreKind;
  readonly items: number;
  readonly seconds: number;
  readonly answered: number;
  readonly ok: number;
  readonly rejections: Readonly<Record<string, number>>;
  /** Rejections other than NOT_OWNER: a bench or runtime problem if ever non-zero. */
  readonly unexpected: number;
  readonly okPerSecond: number;
  readonly answeredPerSecond: number;
  readonly latency: LatencySummary;
  readonly appends: number;
  /** SQLite transactions (event-loop turns with appends; see world-support.ts). */
  readonly transactions: number;
  readonly conflicts: number;
}

interface Known {
  owner: string;
  revision: number;
}

const SEED = 0x17e4_5eed;

const runScenario = async (
  options: ItemTransfersOptions,
  kind: WorldStoreKind,
  items: number,
  report: (line: string) => void,
): Promise<ItemTransferFigure> => {
  const store = openWorldStore(kind);
  const bus = createEmbeddedBus();
  const host = createActorHost({ bus, store: store.store, actors: [itemActor()] });
  await host.start();
  const client: CommandClient = createCommandClient({ transport: bus, issuer: { kind: 'server', id: 'bench-gs' } });
  // The same seed for every store: each scenario offers the same picks in the same order.
  const random = seededRandom(SEED + items);
  const pick = (count: number): number => Math.floor(random() * count);
  const players = Array.from({ length: options.players }, (_, index) => `p${index}`);
  const itemIds = Array.from({ length: items }, (_, index) => `it${items}-${index}`);

  try {
    // Mint every item to a random player, `inFlight` at a time (not all at once: 10,000
    // requests would meet the host's own in-flight bound and measure its refusals).
    const known = new Map<string, Known>();
    await forEachConcurrently(itemIds, options.inFlight, async (itemId) => {
      const owner = players[pick(players.length)] ?? 'p0';
      const reply = await client.send({ category: 'item', actorId: itemId, command: 'mint', data: { templateId: 'longsword', owner } });
      if (!reply.ok) throw new Error(`minting ${itemId} failed: ${reply.error.code} ${reply.error.message}`);
      known.set(itemId, { owner, revision: reply.revision });
    });

    const transferLoop = async (durationMs: number, tally: OutcomeTally | undefined, latencies: LatencyRecorder | undefined) => {
      let running = true;
      const stop = setTimeout(() => (running = false), durationMs);
      const started = performance.now();
      try {
        await Promise.all(
          Array.from({ length: options.inFlight }, async () => {
            while (running) {
              const itemId = itemIds[pick(itemIds.length)] ?? '';
              const item = known.get(itemId);
              if (item === undefined) throw new Error(`no owner known for ${itemId}`);
              const from = item.owner;
              let to = players[pick(players.length)] ?? 'p0';
              if (to === from) to = players[(players.indexOf(to) + 1) % players.length] ?? 'p0';
              const sentAt = performance.now();
              const reply = await client.send({ category: 'item', actorId: itemId, command: 'transfer', data: { from, to } });
              latencies?.add(performance.now() - sentAt);
              tally?.add(reply);
              // Replies of one item arrive in the order they were decided; the revision
              // guard keeps a late one from rolling the known owner back anyway.
              if (reply.ok && reply.revision > item.revision) {
                item.owner = to;
                item.revision = reply.revision;
              }
            }
          }),
        );
      } finally {
        clearTimeout(stop);
      }
      return (performance.now() - started) / 1000;
    };

    if (options.warmupMs > 0) await transferLoop(options.warmupMs, undefined, undefined);
    const before: HostStats = host.stats();
    const transactionsBefore = store.transactions();
    const tally = new OutcomeTally();
    const latencies = new LatencyRecorder();
    const seconds = await transferLoop(options.durationMs, tally, latencies);
    const after: HostStats = host.stats();

    const rejections = tally.rejections();
    const latency = latencies.summary();
    const figure: ItemTransferFigure = {
      store: kind,
      items,
      seconds,
      answered: latency.count,
      ok: tally.count('OK'),
      rejections,
      unexpected: Object.entries(rejections).reduce((sum, [code, count]) => sum + (EXPECTED_REJECTIONS.has(code) ? 0 : count), 0),
      okPerSecond: tally.count('OK') / seconds,
      answeredPerSecond: latency.count / seconds,
      latency,
      appends: after.appends - before.appends,
      transactions: store.transactions() - transactionsBefore,
      conflicts: after.conflicts - before.conflicts,
    };
    report(
      `${kind.padEnd(6)} ${String(items).padStart(6)} items: ${formatRate(figure.okPerSecond)} ok/s, ` +
        `${formatRate(figure.answeredPerSecond)} answered/s, rejected ${describeRejections(rejections)}, ` +
        `${formatCount(figure.appends)} appends, ${formatCount(figure.transactions)} store transactions, ` +
        `p50 ${formatMs(latency.p50Ms)} ms, p99 ${formatMs(latency.p99Ms)} ms`,
    );
    return figure;
  } finally {
    await host.stop();
    await bus.close();
    await store.dispose();
  }
};

const describeRejections = (rejections: Readonly<Record<string, number>>): string => {
  const entries = Object.entries(rejections);
  return entries.length === 0 ? 'none' : entries.map(([code, count]) => `${code} ${formatCount(count)}`).join(', ');
};

export const benchItemTransfers = async (
  options: ItemTransfersOptions,
  report: (line: string) => void,
): Promise<ItemTransferFigure[]> => {
  const figures: ItemTransferFigure[] = [];
  // Each scenario on every store back to back, the baseline first, so a ratio compares
  // runs minutes apart at most.
  for (const items of [options.hotItems, options.spreadItems]) {
    for (const kind of options.stores) figures.push(await runScenario(options, kind, items, report));
  }
  return figures;
};

export const itemTransfersTable = (figures: readonly ItemTransferFigure[], options: ItemTransfersOptions): string => {
  const baseline = (items: number): ItemTransferFigure | undefined =>
    figures.find((figure) => figure.items === items && figure.store === 'memory');
  const row = (figure: ItemTransferFigure): string => {
    const memory = baseline(figure.items);
    const others = Object.entries(figure.rejections).filter(([code]) => !EXPECTED_REJECTIONS.has(code));
    return (
      `| ${storeLabel(figure.store)} | ${formatCount(figure.items)}${figure.items === options.hotItems ? ' (hot)' : ''} | ` +
      `${formatRate(figure.okPerSecond)} | ${memory === undefined ? '' : (figure.okPerSecond / memory.okPerSecond).toFixed(3)} | ` +
      `${formatRate(figure.answeredPerSecond)} | ${formatCount(figure.rejections['NOT_OWNER'] ?? 0)} | ` +
      `${others.length === 0 ? '0' : others.map(([code, count]) => `${code} ${formatCount(count)}`).join(', ')} | ` +
      `${formatMs(figure.latency.p50Ms)} | ${formatMs(figure.latency.p99Ms)} | ` +
      `${(figure.appends / Math.max(1, figure.ok)).toFixed(3)} | ` +
      `${figure.store === 'sqlite' ? (figure.transactions / Math.max(1, figure.ok)).toFixed(3) : ''} |`
    );
  };
  return [
    `${options.inFlight} transfers in flight (closed loop) for ${formatCount(options.durationMs)} ms after ` +
      `${formatCount(options.warmupMs)} ms of warm-up, among ${formatCount(options.players)} players; items minted first. ` +
      'Each transfer names the owner the last successful reply established; a NOT_OWNER is a transfer that lost the ' +
      'race for a contended item, counted, not an error. One host in-process on the embedded bus, commands through ' +
      'createCommandClient; SQLite with synchronous=full in a temp dir, group commit on. The "vs memory" ratio is ok ' +
      'transfers/s against the memory store on the same items in the same run; latencies are over every answered ' +
      'transfer, ok or refused, from send to reply.',
    '',
    '| store | items | transfers/s ok | vs memory | answered/s | NOT_OWNER | other rejections | p50 ms | p99 ms | appends/ok transfer | SQLite transactions/ok transfer |',
    '|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|',
    ...figures.map(row),
  ].join('\n');
};

if (isMainModule(import.meta.url)) {
  const integer = (value: string): number => Number.parseInt(value, 10);
  const defaults = DEFAULT_ITEM_TRANSFERS_OPTIONS;
  const cli = new Command('world-item-transfers')
    .description('Item transfers per second, with and without contention, on SQLite beside memory.')
    .option('--in-flight <n>', 'transfers outstanding at all times', integer, defaults.inFlight)
    .option('--hot-items <n>', 'items in the contended scenario', integer, defaults.hotItems)
    .option('--spread-items <n>', 'items in the uncontended scenario', integer, defaults.spreadItems)
    .option('--players <n>', 'players owning the items', integer, defaults.players)
    .option('--duration <ms>', 'measured time per scenario and store', integer, defaults.durationMs)
    .option('--warmup <ms>', 'unmeasured load per scenario and store first', integer, defaults.warmupMs)
    .parse();
  const flags = cli.opts<{ inFlight: number; hotItems: number; spreadItems: number; players: number; duration: number; warmup: number }>();
  const options: ItemTransfersOptions = {
    ...defaults,
    inFlight: flags.inFlight,
    hotItems: flags.hotItems,
    spreadItems: flags.spreadItems,
    players: flags.players,
    durationMs: flags.duration,
    warmupMs: flags.warmup,
  };
  console.log(runBanner('world-item-transfers'));
  console.log('\n## Item transfers per second, with and without contention\n');
  const figures = await benchItemTransfers(options, (line) => console.log(`  ${line}`));
  console.log(`\n${itemTransfersTable(figures, options)}\n`);
  if (figures.some((figure) => figure.unexpected > 0)) process.exitCode = 1;
}
