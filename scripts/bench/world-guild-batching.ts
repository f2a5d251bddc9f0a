import { Command } from 'commander';
import { guildActor } from '../../actors/guild/definition.js';
import type { RequestTransport } from '../../actors/runtime/bus.js';
import { createActorHost, type HostStats } from '../../actors/runtime/host.js';
import type { Issuer } from '../../actors/runtime/protocol/issuer.js';
import type { CommandReply } from '../../actors/runtime/protocol/reply.js';
import { createEmbeddedBus } from '../../infra/bus/index.js';
import { createCommandClient, type CommandClient } from '../../infra/client/index.js';
import { connectNats, createNatsRequestTransport } from '../../infra/nats/index.js';
import { median } from './measure.js';
import { startBenchNatsServer } from './nats-server.js';
import { startBenchChild } from './processes.js';
import {
  formatCount,
  formatMs,
  formatPercent,
  isMainModule,
  openWorldStore,
  OutcomeTally,
  pacedLoop,
  runBanner,
  type LatencySummary,
  type WorldStoreKind,
} from './world-support.js';

/**
 * Guild action batching (issue 4): how many store appends a guild's batch window saves
 * when actions arrive at a steady, realistic pace, and what it costs in latency. Both
 * modes run in one bench run, alternating, each on a fresh host and SQLite store: the
 * same offered load, once with the guild's window and once with it off (`batchWindowMs: 0`,
 * which leaves only the runtime's own group commit of what queued during an append).
 * Commands are sent through `createCommandClient`, one client per player, as each
 * player's subject names it.
 *
 * `nats` (the default, and what `npm run bench -- --suite world` reports first): the host
 * in a child process behind a nats-server, the load in this process, as in production.
 * `embedded`: host, bus and load in this one process; no network hop, but the load's
 * event loop is the host's, so a tick's burst of replies is also the client's burst.
 */
export interface GuildBatchingOptions {
  readonly guilds: number;
  /** Members per guild after setup: 1 leader, 2 officers, the rest members. */
  readonly members: number;
  /** Actions per second offered, over all guilds. */
  readonly rate: number;
  readonly durationMs: number;
  /** Unmeasured load at the same rate first, so both modes are measured warm. */
  readonly warmupMs: number;
  /** The window of the batched mode; the other mode runs with 0. */
  readonly batchWindowMs: number;
  readonly store: WorldStoreKind;
  /**
   * Rounds of (off, on), alternating; every figure is the median of the rounds. The p99 of
   * an fsync-bound run moves by tens of ms between runs on a shared disk, and the latency
   * goal compares two p99s, so one round can land on either side of it.
   */
  readonly rounds: number;
  /**
   * `nats`: the host in a child process behind a nats-server this bench starts on a free
   * loopback port, the load from this process, as in production. `embedded`: the host,
   * the bus and the load in this one process (no network; one event loop for all).
   */
  readonly transport: GuildTransport;
  /** A nats-server to use instead of starting one (`nats` only). */
  readonly natsUrl?: string;
}

export type GuildTransport = 'nats' | 'embedded';

export const DEFAULT_GUILD_BATCHING_OPTIONS: GuildBatchingOptions = {
  guilds: 20,
  members: 10,
  rate: 2_000,
  durationMs: 5_000,
  warmupMs: 500,
  batchWindowMs: 100,
  store: 'sqlite',
  rounds: 3,
  transport: 'nats',
};

/** Goals of issue 4: the fraction of store transactions saved, and the p99 latency added at most (the window). */
export const GUILD_FEWER_APPENDS_GOAL = 0.98;

/** One mode; in `GuildBatchingFigures` each number is the median of the rounds. */
export interface GuildModeFigure {
  readonly batchWindowMs: number;
  readonly sent: number;
  readonly sentPerSecond: number;
  readonly ok: number;
  readonly okPerSecond: number;
  readonly rejections: Readonly<Record<string, number>>;
  readonly appends: number;
  readonly eventsAppended: number;
  /** SQLite transactions (event-loop turns with appends; see world-support.ts). */
  readonly transactions: number;
  readonly latency: LatencySummary;
  /** CPU of the host's process per action sent (its every thread; `nats` only: a process of its own). */
  readonly hostCpuMicrosPerAction: number | undefined;
  /** CPU of the load's process per action (with `embedded`, the host's too). */
  readonly clientCpuMicrosPerAction: number;
}

export interface GuildBatchingFigures {
  readonly unbatched: GuildModeFigure;
  readonly batched: GuildModeFigure;
  /** 1 − appends_batched / appends_unbatched, per action (both runs offer the same count). */
  readonly fewerAppends: number;
  /** The same over SQLite transactions, which group commit already shares across guilds. */
  readonly fewerTransactions: number;
  /** p99 batched − p99 unbatched. */
  readonly addedP99Ms: number;
  /** Actions one guild receives per window at this pace: rate / guilds × window. */
  readonly actionsPerWindow: number;
  /**
   * What the window saves at this pace, about: one append per window's worth of actions.
   * A little more in practice, as each append also takes what arrived while it ran.
   */
  readonly expected: number;
  /** Actions per guild per window the goal needs: 1 / (1 − goal). */
  readonly actionsForGoal: number;
}

type GuildActionKind = 'create' | 'promote' | 'setMotd' | 'deposit' | 'invite' | 'acceptInvite' | 'leave';

interface GuildAction {
  readonly guildId: string;
  readonly issuer: string;
  readonly command: GuildActionKind;
  readonly data: Readonly<Record<string, unknown>>;
}

/** Recruits each guild cycles through; a recruit who left may be invited again. */
const RECRUITS_PER_GUILD = 4;
const OFFICERS = 2;

const playerId = (guild: number, member: number): string => `g${guild}-p${member}`;

/**
 * The world the actions run against: `guilds` guilds, each with a leader, two officers
 * and members. Every action is valid when decided in the order it was sent (the bus and
 * the mailbox keep per-guild order), so no append is saved by a refusal. One cycle of six
 * per guild: an officer sets a new message of the day, a member deposits (unique
 * reference), an officer invites a recruit, the recruit accepts, another member deposits,
 * the recruit leaves. The roster stays bounded however long the run.
 */
const createActionPlan = (options: GuildBatchingOptions, prefix: string) => {
  const steps = new Array<number>(options.guilds).fill(0);
  const guildId = (guild: number): string => `${prefix}-${guild}`;
  const members = Math.max(options.members, OFFICERS + 2);
  // Members who deposit: everyone but the leader and the officers.
  const depositor = (guild: number, n: number): string => playerId(guild, 1 + OFFICERS + (n % (members - 1 - OFFICERS)));
  const officer = (guild: number, n: number): string => playerId(guild, 1 + (n % OFFICERS));

  const setup = (guild: number): GuildAction[] => {
    const id = guildId(guild);
    const leader = playerId(guild, 0);
    const others = Array.from({ length: members - 1 }, (_, index) => playerId(guild, index + 1));
    const action = (issuer: string, command: GuildActionKind, data: Readonly<Record<string, unknown>>): GuildAction =>
      ({ guildId: id, issuer, command, data });
    return [
      action(leader, 'create', { name: `Guild ${guild}` }),
      ...others.map((player) => action(leader, 'invite', { playerId: player })),
      ...others.map((player) => action(player, 'acceptInvite', {})),
      ...others.slice(0, OFFICERS).map((player) => action(leader, 'promote', { playerId: player })),
    ];
  };

  const next = (guild: number): GuildAction => {
    const step = steps[guild] ?? 0;
    steps[guild] = step + 1;
    const cycle = Math.floor(step / 6);
    const id = guildId(guild);
    const recruit = `g${guild}-r${cycle % RECRUITS_PER_GUILD}`;
    switch (step % 6) {
      case 0:
        // A new text every time: setting the current one again appends nothing.
        return { guildId: id, issuer: officer(guild, cycle), command: 'setMotd', data: { text: `Raid at ${cycle % 24}:00, take ${cycle}` } };
      case 1:
        return { guildId: id, issuer: depositor(guild, 2 * cycle), command: 'deposit', data: { amount: 10, reference: `${id}-d${step}` } };
      case 2:
        return { guildId: id, issuer: officer(guild, cycle + 1), command: 'invite', data: { playerId: recruit } };
      case 3:
        return { guildId: id, issuer: recruit, command: 'acceptInvite', data: {} };
      case 4:
        return { guildId: id, issuer: depositor(guild, 2 * cycle + 1), command: 'deposit', data: { amount: 25, reference: `${id}-d${step}` } };
      default:
        return { guildId: id, issuer: recruit, command: 'leave', data: {} };
    }
  };

  return { setup, next };
};

const describeRejections = (rejections: Readonly<Record<string, number>>): string => {
  const entries = Object.entries(rejections);
  return entries.length === 0 ? 'none' : entries.map(([code, count]) => `${code} ${count}`).join(', ');
};

/** Where the actions go: a host in this process, or one in a child process over NATS. */
interface ModeTarget {
  send(action: GuildAction): Promise<CommandReply>;
  /** The host's counters; `transactions` are its event-loop turns with appends (SQLite transactions). */
  counters(): Promise<{ readonly appends: number; readonly eventsAppended: number; readonly transactions: number; readonly hostCpuMicros: number | undefined }>;
  close(): Promise<void>;
}

/** One client per player: the issuer is part of the subject, fixed per client. */
const playerClients = (transport: RequestTransport): ((action: GuildAction) => Promise<CommandReply>) => {
  const clients = new Map<string, CommandClient>();
  return (action) => {
    let client = clients.get(action.issuer);
    if (client === undefined) {
      const issuer: Issuer = { kind: 'player', id: action.issuer };
      client = createCommandClient({ transport, issuer });
      clients.set(action.issuer, client);
    }
    return client.send({ category: 'guild', actorId: action.guildId, command: action.command, data: action.data });
  };
};

/** One host in this process on the embedded bus: no network hop, client and host share one event loop. */
const embeddedTarget = async (options: GuildBatchingOptions, batchWindowMs: number): Promise<ModeTarget> => {
  const store = openWorldStore(options.store);
  const bus = createEmbeddedBus();
  const host = createActorHost({ bus, store: store.store, actors: [guildActor({ batchWindowMs })] });
  await host.start();
  return {
    send: playerClients(bus),
    counters: () => {
      const stats: HostStats = host.stats();
      return Promise.resolve({ appends: stats.appends, eventsAppended: stats.eventsAppended, transactions: store.transactions(), hostCpuMicros: undefined });
    },
    close: async () => {
      await host.stop();
      await bus.close();
      await store.dispose();
    },
  };
};

/**
 * One host in a child process (host-process.ts: its own SQLite file, synchronous=full,
 * group commit on, in a temp dir), reached through nats-server; the load comes from this
 * process over one connection, as a game server's would. The host reports its counters
 * and append turns over its stdout.
 */
const natsTarget = async (options: GuildBatchingOptions, batchWindowMs: number, transport: RequestTransport): Promise<ModeTarget> => {
  const child = await startBenchChild({
    mode: 'host',
    url: options.natsUrl ?? '',
    store: options.store,
    actor: 'guild',
    batchWindowMs: String(batchWindowMs),
  });
  const counters = async (): Promise<Awaited<ReturnType<ModeTarget['counters']>>> => {
    const report = await child.stats();
    return {
      appends: report.host?.appends ?? 0,
      eventsAppended: report.host?.eventsAppended ?? 0,
      transactions: report.appendTurns,
      hostCpuMicros: report.cpuMicros,
    };
  };
  return {
    send: playerClients(transport),
    counters,
    close: async () => {
      await child.stop();
    },
  };
};

const runMode = async (
  options: GuildBatchingOptions,
  batchWindowMs: number,
  round: number,
  target: ModeTarget,
  report: (line: string) => void,
): Promise<GuildModeFigure> => {
  const sendAction = (action: GuildAction): Promise<CommandReply> => target.send(action);
  try {
    // Distinct guild ids per mode, although each mode has a host and a store of its own.
    const plan = createActionPlan(options, `w${batchWindowMs}r${round}`);
    const setupReplies = await Promise.all(
      Array.from({ length: options.guilds }, (_, guild) => plan.setup(guild)).flat().map(sendAction),
    );
    const failedSetup = setupReplies.find((reply) => !reply.ok);
    if (failedSetup !== undefined && !failedSetup.ok) throw new Error(`guild setup failed: ${failedSetup.error.code} ${failedSetup.error.message}`);

    // Actions go round-robin over the guilds: each guild gets rate / guilds per second.
    const act = (tally: OutcomeTally | undefined) => async (index: number): Promise<void> => {
      const reply = await sendAction(plan.next(index % options.guilds));
      tally?.add(reply);
    };
    if (options.warmupMs > 0) await pacedLoop(act(undefined), options.rate, options.warmupMs);

    const before = await target.counters();
    const clientCpuBefore = process.cpuUsage();
    const tally = new OutcomeTally();
    const run = await pacedLoop(act(tally), options.rate, options.durationMs);
    const clientCpu = process.cpuUsage(clientCpuBefore);
    const after = await target.counters();

    const figure: GuildModeFigure = {
      batchWindowMs,
      sent: run.sent,
      sentPerSecond: run.sentPerSecond,
      ok: tally.count('OK'),
      okPerSecond: tally.count('OK') / (options.durationMs / 1000),
      rejections: tally.rejections(),
      appends: after.appends - before.appends,
      eventsAppended: after.eventsAppended - before.eventsAppended,
      transactions: after.transactions - before.transactions,
      latency: run.latency,
      hostCpuMicrosPerAction:
        after.hostCpuMicros === undefined || before.hostCpuMicros === undefined
          ? undefined
          : (after.hostCpuMicros - before.hostCpuMicros) / Math.max(1, run.sent),
      clientCpuMicrosPerAction: (clientCpu.user + clientCpu.system) / Math.max(1, run.sent),
    };
    report(
      `round ${round}, window ${String(batchWindowMs).padStart(3)} ms: ${formatCount(figure.sentPerSecond)} actions/s sent, ${formatCount(figure.ok)} ok ` +
        `(rejected: ${describeRejections(figure.rejections)}), ${formatCount(figure.appends)} appends ` +
        `(${(figure.appends / Math.max(1, figure.sent)).toFixed(3)}/action), ${formatCount(figure.transactions)} store transactions, ` +
        `p50 ${formatMs(figure.latency.p50Ms)} ms, p99 ${formatMs(figure.latency.p99Ms)} ms, max ${formatMs(figure.latency.maxMs)} ms` +
        (figure.hostCpuMicrosPerAction === undefined ? '' : `, host CPU ${figure.hostCpuMicrosPerAction.toFixed(0)} µs/action`) +
        `, load CPU ${figure.clientCpuMicrosPerAction.toFixed(0)} µs/action`,
    );
    return figure;
  } finally {
    await target.close();
  }
};

export const benchGuildBatching = async (
  options: GuildBatchingOptions,
  report: (line: string) => void,
): Promise<GuildBatchingFigures> => {
  let openTarget: (batchWindowMs: number) => Promise<ModeTarget> = (batchWindowMs) => embeddedTarget(options, batchWindowMs);
  let cleanup = async (): Promise<void> => undefined;
  if (options.transport === 'nats') {
    const server = options.natsUrl === undefined ? await startBenchNatsServer() : undefined;
    const url = options.natsUrl ?? server?.url ?? '';
    if (server !== undefined) report(`nats-server pid ${server.pid} on ${url}; the host runs in a child process, the load in this one`);
    try {
      const nc = await connectNats({ servers: url, name: 'bench-world-guild-load' });
      const transport = createNatsRequestTransport(nc);
      openTarget = (batchWindowMs) => natsTarget({ ...options, natsUrl: url }, batchWindowMs, transport);
      cleanup = async () => {
        await transport.close();
        await nc.close();
        await server?.stop();
      };
    } catch (error) {
      await server?.stop();
      throw error;
    }
  }
  try {
    // Each run gets a fresh store and host, and its own warm-up; alternating the modes
    // spreads any drift of the machine over both.
    const rounds: { unbatched: GuildModeFigure[]; batched: GuildModeFigure[] } = { unbatched: [], batched: [] };
    for (let round = 1; round <= Math.max(1, options.rounds); round += 1) {
      rounds.unbatched.push(await runMode(options, 0, round, await openTarget(0), report));
      rounds.batched.push(await runMode(options, options.batchWindowMs, round, await openTarget(options.batchWindowMs), report));
    }
    const unbatched = medianFigure(rounds.unbatched);
    const batched = medianFigure(rounds.batched);
    const perAction = (figure: GuildModeFigure, count: number): number => count / Math.max(1, figure.sent);
    const actionsPerWindow = (options.rate / options.guilds) * (options.batchWindowMs / 1000);
    return {
      unbatched,
      batched,
      fewerAppends: 1 - perAction(batched, batched.appends) / perAction(unbatched, unbatched.appends),
      fewerTransactions: 1 - perAction(batched, batched.transactions) / perAction(unbatched, unbatched.transactions),
      addedP99Ms: batched.latency.p99Ms - unbatched.latency.p99Ms,
      actionsPerWindow,
      expected: actionsPerWindow <= 1 ? 0 : 1 - 1 / actionsPerWindow,
      actionsForGoal: 1 / (1 - GUILD_FEWER_APPENDS_GOAL),
    };
  } finally {
    await cleanup();
  }
};

/** Each number the median over the rounds, each on its own; rejections summed. */
const medianFigure = (figures: readonly GuildModeFigure[]): GuildModeFigure => {
  const of = (field: (figure: GuildModeFigure) => number): number => median(figures.map(field));
  const rejections: Record<string, number> = {};
  for (const figure of figures) {
    for (const [code, count] of Object.entries(figure.rejections)) rejections[code] = (rejections[code] ?? 0) + count;
  }
  return {
    batchWindowMs: figures[0]?.batchWindowMs ?? 0,
    sent: of((figure) => figure.sent),
    sentPerSecond: of((figure) => figure.sentPerSecond),
    ok: of((figure) => figure.ok),
    okPerSecond: of((figure) => figure.okPerSecond),
    rejections,
    appends: of((figure) => figure.appends),
    eventsAppended: of((figure) => figure.eventsAppended),
    transactions: of((figure) => figure.transactions),
    latency: {
      count: of((figure) => figure.latency.count),
      p50Ms: of((figure) => figure.latency.p50Ms),
      p99Ms: of((figure) => figure.latency.p99Ms),
      maxMs: of((figure) => figure.latency.maxMs),
    },
    hostCpuMicrosPerAction: figures.some((figure) => figure.hostCpuMicrosPerAction === undefined)
      ? undefined
      : of((figure) => figure.hostCpuMicrosPerAction ?? 0),
    clientCpuMicrosPerAction: of((figure) => figure.clientCpuMicrosPerAction),
  };
};

const yesNo = (met: boolean): string => (met ? 'yes' : 'no');

export const guildBatchingTable = (figures: GuildBatchingFigures, options: GuildBatchingOptions): string => {
  const storeName = options.store === 'sqlite' ? 'SQLite synchronous=full (temp dir, group commit on)' : 'the memory store';
  const row = (label: string, figure: GuildModeFigure): string =>
    `| ${label} | ${formatCount(figure.sentPerSecond)} | ${formatCount(figure.okPerSecond)} | ${formatCount(figure.sent)} | ` +
    `${formatCount(figure.appends)} | ${(figure.appends / Math.max(1, figure.sent)).toFixed(3)} | ` +
    `${formatCount(figure.transactions)} | ${(figure.transactions / Math.max(1, figure.sent)).toFixed(3)} | ` +
    `${formatMs(figure.latency.p50Ms)} | ${formatMs(figure.latency.p99Ms)} | ${formatMs(figure.latency.maxMs)} | ` +
    `${figure.hostCpuMicrosPerAction === undefined ? '' : figure.hostCpuMicrosPerAction.toFixed(0)} | ${figure.clientCpuMicrosPerAction.toFixed(0)} |`;
  const where =
    options.transport === 'nats'
      ? 'The host runs in a child process (scripts/bench/host-process.ts, a fresh host and store per run) behind a nats-server ' +
        'the bench starts on a free loopback port; the load comes from the bench process over one NATS connection, through ' +
        'createCommandClient (one per player); store transactions are the host\'s event-loop turns with appends, reported by the host.'
      : 'One host in-process on the embedded bus, commands through createCommandClient: client, bus and host share one event loop ' +
        '(and one process: the load CPU column is the host\'s too).';
  const window = options.batchWindowMs;
  return [
    `${options.guilds} guilds of ${options.members} members, ${formatCount(options.rate)} actions/s paced (open loop, ` +
      `${formatCount(options.rate / options.guilds)}/s per guild) for ${formatCount(options.durationMs)} ms after ` +
      `${formatCount(options.warmupMs)} ms of warm-up, median of ${options.rounds} alternating rounds, on ${storeName}. Actions cycle: setMotd (officer), deposit ` +
      `(member, unique reference), invite, acceptInvite, deposit, leave; every one valid. ${where} Latency from each scheduled send to its reply. ` +
      'Both modes in one run; the baseline is the batch window off. CPU columns: µs of process CPU per action.',
    '',
    '| guild batch window | actions/s sent | actions/s ok | actions | appends | appends/action | store transactions | transactions/action | p50 ms | p99 ms | max ms | host CPU | load CPU |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    row('off (0 ms, baseline)', figures.unbatched),
    row(`${window} ms`, figures.batched),
    '',
    '| figure | value | goal | met |',
    '|---|---:|---:|---|',
    `| fewer store transactions (fsyncs): 1 − transactions_batched / transactions_off | ${formatPercent(figures.fewerTransactions)} | ≥ ${formatPercent(GUILD_FEWER_APPENDS_GOAL)} | ${yesNo(figures.fewerTransactions >= GUILD_FEWER_APPENDS_GOAL)} |`,
    `| fewer appends to guild streams: 1 − appends_batched / appends_off | ${formatPercent(figures.fewerAppends)} |  |  |`,
    `| appends saved at most at this pace: 1 − 1 / (${formatCount(figures.actionsPerWindow)} actions per guild per window) | ${formatPercent(figures.expected)} |  |  |`,
    `| added p99 latency: p99_batched − p99_off | ${formatMs(figures.addedP99Ms)} ms | ≤ ${window} ms | ${yesNo(figures.addedP99Ms <= window)} |`,
  ].join('\n');
};

if (isMainModule(import.meta.url)) {
  const integer = (value: string): number => Number.parseInt(value, 10);
  const defaults = DEFAULT_GUILD_BATCHING_OPTIONS;
  const cli = new Command('world-guild-batching')
    .description('Guild action batching: appends and latency with the batch window on and off, in one run.')
    .option('--guilds <n>', 'guilds', integer, defaults.guilds)
    .option('--members <n>', 'members per guild', integer, defaults.members)
    .option('--rate <n>', 'actions per second, over all guilds', integer, defaults.rate)
    .option('--duration <ms>', 'measured time per mode', integer, defaults.durationMs)
    .option('--warmup <ms>', 'unmeasured load per mode first', integer, defaults.warmupMs)
    .option('--window <ms>', 'batch window of the batched mode', integer, defaults.batchWindowMs)
    .option('--store <kind>', 'sqlite or memory', defaults.store)
    .option('--rounds <n>', 'alternating rounds of both modes; medians reported', integer, defaults.rounds)
    .option('--transport <kind>', 'nats (host in a child process behind a nats-server) or embedded (all in this process)', defaults.transport)
    .option('--nats-url <url>', 'use this nats-server instead of starting one (nats only)')
    .parse();
  const flags = cli.opts<{
    guilds: number;
    members: number;
    rate: number;
    duration: number;
    warmup: number;
    window: number;
    store: string;
    rounds: number;
    transport: string;
    natsUrl?: string;
  }>();
  if (flags.store !== 'sqlite' && flags.store !== 'memory') throw new Error(`--store must be sqlite or memory, got ${flags.store}`);
  if (flags.transport !== 'nats' && flags.transport !== 'embedded') throw new Error(`--transport must be nats or embedded, got ${flags.transport}`);
  const options: GuildBatchingOptions = {
    guilds: flags.guilds,
    members: flags.members,
    rate: flags.rate,
    durationMs: flags.duration,
    warmupMs: flags.warmup,
    batchWindowMs: flags.window,
    store: flags.store,
    rounds: flags.rounds,
    transport: flags.transport,
    ...(flags.natsUrl === undefined ? {} : { natsUrl: flags.natsUrl }),
  };
  console.log(runBanner('world-guild-batching'));
  console.log(`\n## Guild action batching (${options.transport}): appends per action, window on and off\n`);
  const figures = await benchGuildBatching(options, (line) => console.log(`  ${line}`));
  console.log(`\n${guildBatchingTable(figures, options)}\n`);
}
