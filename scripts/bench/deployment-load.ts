import { loadavg } from 'node:os';
import type { RequestTransport } from '../../actors/runtime/bus.js';
import { summarise, type LatencySummary } from '../loadgen/latencies.js';
import { createWorldSimulation } from '../simulation/world-simulation.js';
import type { HostCounters } from './deployment-hosts.js';
import { startNoiseProbe, type NoiseFloor } from './deployment-noise.js';

/**
 * One measured run of the load generator's simulated world (the same
 * `createWorldSimulation` and settings as `npm run loadgen`) against a deployment,
 * through any transport: seed, run unmeasured for a warm-up, then measure.
 */
export type LoadShape = { readonly kind: 'rate'; readonly actionsPerSecond: number } | { readonly kind: 'concurrency'; readonly players: number };

export interface LoadRunOptions {
  readonly transport: RequestTransport;
  readonly shape: LoadShape;
  readonly players: number;
  readonly itemsPerPlayer: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly runTag: string;
  /** The deployment's runtime counters, summed over its hosts. */
  readonly hostCounters: () => Promise<HostCounters>;
}

export interface LoadRunResult {
  readonly shape: LoadShape;
  readonly seconds: number;
  /** Actions the simulation started per second in the window: below the offered rate when its timer fell behind. */
  readonly actionsPerSecond: number;
  /** Replies received per second in the window. */
  readonly commandsPerSecond: number;
  readonly all: LatencySummary;
  /** Every command but those to guilds, which wait for the guild's batch window (100 ms) by design. */
  readonly excludingGuild: LatencySummary;
  readonly guild: LatencySummary;
  /** Replies in the window by outcome, `OK` left out. */
  readonly refusals: Readonly<Record<string, number>>;
  /** Actions the simulation did not start because `maxInFlight` were running. */
  readonly skipped: number;
  /** The hosts' counters over the window. */
  readonly host: HostCounters;
  /** An idle process's timer lateness over the window: the machine's share of any p99. */
  readonly noise: NoiseFloor;
  /** The machine's 1-minute load average at the end of the window (2 cores, shared). */
  readonly loadAverage: number;
}

/** One setup's runs, in order. */
export interface SetupFigures {
  readonly setup: string;
  readonly runs: readonly LoadRunResult[];
}

const GUILD = 'guild';
// The load generator's own settings (scripts/loadgen.ts), so these figures are its figures.
const MAX_IN_FLIGHT = 10_000;
const SEED = 1;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const runLoad = async (options: LoadRunOptions): Promise<LoadRunResult> => {
  const all: number[] = [];
  const excludingGuild: number[] = [];
  const guild: number[] = [];
  const refusals = new Map<string, number>();
  let measuring = false;
  const { shape } = options;
  const simulation = createWorldSimulation({
    transport: options.transport,
    players: options.players,
    itemsPerPlayer: options.itemsPerPlayer,
    actionsPerSecond: shape.kind === 'rate' ? shape.actionsPerSecond : 1,
    ...(shape.kind === 'concurrency' ? { concurrency: shape.players } : {}),
    maxInFlight: MAX_IN_FLIGHT,
    seed: SEED,
    runTag: options.runTag,
    onReply: (ms, outcome, category) => {
      if (!measuring) return;
      all.push(ms);
      (category === GUILD ? guild : excludingGuild).push(ms);
      if (outcome !== 'OK') refusals.set(outcome, (refusals.get(outcome) ?? 0) + 1);
    },
  });
  await simulation.start();
  await sleep(options.warmupMs);
  const before = simulation.stats();
  const hostBefore = await options.hostCounters();
  const probe = startNoiseProbe();
  measuring = true;
  const started = performance.now();
  await sleep(options.durationMs);
  measuring = false;
  const seconds = (performance.now() - started) / 1000;
  const after = simulation.stats();
  const loadAverage = loadavg()[0] ?? 0;
  const noise = await probe.stop();
  const hostAfter = await options.hostCounters();
  await simulation.stop();
  return {
    shape,
    seconds,
    actionsPerSecond: (after.actions - before.actions) / seconds,
    commandsPerSecond: all.length / seconds,
    all: summarise(all),
    excludingGuild: summarise(excludingGuild),
    guild: summarise(guild),
    refusals: Object.fromEntries([...refusals].sort((a, b) => b[1] - a[1])),
    skipped: after.skipped - before.skipped,
    host: { conflicts: hostAfter.conflicts - hostBefore.conflicts, activations: hostAfter.activations - hostBefore.activations },
    noise,
    loadAverage,
  };
};
