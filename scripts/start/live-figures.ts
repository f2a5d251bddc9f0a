import type { Deployment } from '../../infra/world/deployment.js';
import type { WorldSimulation } from '../simulation/world-simulation.js';

/** What the live figures are read from. */
export interface FigureSources {
  readonly deployment: Deployment;
  readonly simulation: WorldSimulation | undefined;
  readonly startedAt: number;
}

const ms = (value: number): string => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));

/**
 * One line of figures: commands/s and latency (from the simulated clients when there
 * are any, else commands/s from the host), resident actors, the slowest projection's
 * lag, trades closed and the trade queue, and refusals by code.
 */
export const createLiveFigures = ({ deployment, simulation, startedAt }: FigureSources): (() => string) => {
  let previousCommands = 0;
  let previousAt = Date.now();
  return () => {
    const now = Date.now();
    const host = deployment.node.host.stats();
    const queue = deployment.node.processManager.stats();
    const projections = deployment.projections.stats();
    const lag = Math.max(0, ...projections.map((stats) => stats.lagMs));
    const parts = [`${((now - startedAt) / 1000).toFixed(0).padStart(4)} s`];
    if (simulation === undefined) {
      const perSecond = ((host.commands - previousCommands) * 1000) / Math.max(1, now - previousAt);
      parts.push(`${perSecond.toFixed(0)} cmd/s`);
    } else {
      const sim = simulation.stats();
      parts.push(`${sim.commandsPerSecond.toFixed(0)} cmd/s`, `p50 ${ms(sim.latency.p50Ms)} ms`, `p99 ${ms(sim.latency.p99Ms)} ms`);
      const refusals = Object.entries(sim.outcomes)
        .filter(([code]) => code !== 'OK')
        .map(([code, count]) => `${code} ${count}`);
      parts.push(`refused ${refusals.length === 0 ? 'none' : refusals.join(', ')}`);
    }
    previousCommands = host.commands;
    previousAt = now;
    const trades = queue.tradesClosed;
    parts.push(
      `resident ${host.residentActors}`,
      `projection lag ${ms(lag)} ms`,
      `trades completed ${trades.completed}, failed ${trades.failed}, cancelled ${trades.cancelled}`,
      `auctions ended ${queue.auctionsEnded}`,
      `trade queue ${queue.active}/${queue.poolSize} active, ${queue.queued + queue.waiting} waiting`,
    );
    return parts.join(' | ');
  };
};
