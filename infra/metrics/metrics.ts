import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CommandObserver } from './instrumented-bus.js';

/**
 * The Prometheus metrics of one process, with the usual names: `shardkeep_commands_total`
 * and `shardkeep_command_duration_seconds` observed as commands are answered, the rest
 * read at scrape time from the parts' own stats (host, trade queue, projections, read
 * cache), so nothing is counted twice and nothing on the hot path waits for metrics.
 */
export interface MetricSources {
  readonly host?: () => {
    readonly appends: number;
    readonly eventsAppended: number;
    readonly conflicts: number;
    readonly activations: number;
    readonly passivations: number;
    readonly overloaded: number;
    readonly rateLimited: number;
    readonly residentActors: number;
    readonly inFlight: number;
    readonly snapshotsWritten: number;
  };
  readonly tradeQueue?: () => {
    readonly queued: number;
    readonly waiting: number;
    readonly active: number;
    readonly poolSize: number;
    readonly overloaded: number;
    readonly blockedSteps: number;
    readonly tradesClosed: { readonly completed: number; readonly failed: number; readonly cancelled: number };
    readonly auctionsEnded: number;
  };
  readonly projections?: () => readonly {
    readonly projection: string;
    readonly lagMs: number;
    readonly eventsProjected: number;
    readonly pendingEvents: number;
    readonly fenced: number;
    readonly failures: number;
  }[];
  readonly cache?: () => { readonly hits: Readonly<Record<string, number>>; readonly misses: Readonly<Record<string, number>> };
}

export interface Metrics {
  readonly registry: Registry;
  /** Pass to `instrumentBus`. */
  readonly observeCommand: CommandObserver;
  /** The text exposition format, for GET /metrics. */
  render(): Promise<string>;
}

/** A counter whose value is another component's running total, read when scraped. */
const totalOf = (registry: Registry, name: string, help: string, labelNames: readonly string[], read: (set: (labels: Record<string, string>, value: number) => void) => void) => {
  const seen = new Map<string, number>();
  return new Counter({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      read((labels, value) => {
        const key = JSON.stringify(labels);
        const delta = value - (seen.get(key) ?? 0);
        if (delta > 0) this.inc(labels, delta);
        seen.set(key, Math.max(value, seen.get(key) ?? 0));
      });
    },
  });
};

const gaugeOf = (registry: Registry, name: string, help: string, labelNames: readonly string[], read: (set: (labels: Record<string, string>, value: number) => void) => void) =>
  new Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      read((labels, value) => this.set(labels, value));
    },
  });

export const createMetrics = (sources: MetricSources): Metrics => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'shardkeep_' });
  const commands = new Counter({
    name: 'shardkeep_commands_total',
    help: 'Commands answered, by actor category, command and outcome (OK or the error code).',
    labelNames: ['category', 'command', 'outcome'],
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'shardkeep_command_duration_seconds',
    help: 'From a command reaching the host to its reply, by actor category.',
    labelNames: ['category'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });

  const { host, tradeQueue, projections, cache } = sources;
  if (host !== undefined) {
    const hostTotals = [
      ['shardkeep_appends_total', 'Appends to the event store (one per batch of commands of one actor).', 'appends'],
      ['shardkeep_events_appended_total', 'Events appended.', 'eventsAppended'],
      ['shardkeep_conflicts_total', 'Appends refused for a stale expected revision (then retried).', 'conflicts'],
      ['shardkeep_activations_total', 'Actors loaded into memory.', 'activations'],
      ['shardkeep_passivations_total', 'Actors dropped from memory (idle or LRU).', 'passivations'],
      ['shardkeep_overloaded_total', 'Commands refused with OVERLOADED.', 'overloaded'],
      ['shardkeep_rate_limited_total', 'Commands refused with RATE_LIMITED: their issuer was past its budget for the kind.', 'rateLimited'],
      ['shardkeep_snapshots_written_total', 'Snapshots written.', 'snapshotsWritten'],
    ] as const;
    for (const [name, help, field] of hostTotals) totalOf(registry, name, help, [], (set) => set({}, host()[field]));
    gaugeOf(registry, 'shardkeep_resident_actors', 'Actors in memory.', [], (set) => set({}, host().residentActors));
    gaugeOf(registry, 'shardkeep_commands_in_flight', 'Commands accepted and not yet answered.', [], (set) => set({}, host().inFlight));
  }
  if (tradeQueue !== undefined) {
    gaugeOf(registry, 'shardkeep_trade_queue_depth', 'Trades and auctions waiting for a worker or out a pause.', [], (set) => {
      const stats = tradeQueue();
      set({}, stats.queued + stats.waiting);
    });
    gaugeOf(registry, 'shardkeep_trade_queue_active', 'Trades and auctions being driven now.', [], (set) => set({}, tradeQueue().active));
    gaugeOf(registry, 'shardkeep_trade_queue_pool_size', 'Workers of the trade queue.', [], (set) => set({}, tradeQueue().poolSize));
    totalOf(registry, 'shardkeep_trade_queue_overloaded_total', 'New trades, listings and bids refused because the queue was full.', [], (set) =>
      set({}, tradeQueue().overloaded),
    );
    totalOf(registry, 'shardkeep_trade_queue_blocked_total', 'Drives that found a step refused that must not be.', [], (set) => set({}, tradeQueue().blockedSteps));
    totalOf(registry, 'shardkeep_trades_closed_total', 'Trades closed, by outcome.', ['outcome'], (set) => {
      const closed = tradeQueue().tradesClosed;
      for (const outcome of ['completed', 'failed', 'cancelled'] as const) set({ outcome }, closed[outcome]);
    });
    totalOf(registry, 'shardkeep_auctions_ended_total', 'Auctions ended.', [], (set) => set({}, tradeQueue().auctionsEnded));
  }
  if (projections !== undefined) {
    gaugeOf(registry, 'shardkeep_projection_lag_seconds', 'How far a projection is behind the newest event it has seen.', ['projection'], (set) => {
      for (const stats of projections()) set({ projection: stats.projection }, stats.lagMs / 1000);
    });
    gaugeOf(registry, 'shardkeep_projection_pending_events', 'Events read and not yet committed.', ['projection'], (set) => {
      for (const stats of projections()) set({ projection: stats.projection }, stats.pendingEvents);
    });
    totalOf(registry, 'shardkeep_projection_events_total', 'Events projected.', ['projection'], (set) => {
      for (const stats of projections()) set({ projection: stats.projection }, stats.eventsProjected);
    });
    totalOf(registry, 'shardkeep_projection_failures_total', 'Batches that failed to commit (then retried).', ['projection'], (set) => {
      for (const stats of projections()) set({ projection: stats.projection }, stats.failures);
    });
  }
  if (cache !== undefined) {
    totalOf(registry, 'shardkeep_cache_requests_total', 'Read-through cache lookups, by level and result.', ['level', 'result'], (set) => {
      const { hits, misses } = cache();
      for (const [level, count] of Object.entries(hits)) set({ level, result: 'hit' }, count);
      for (const [level, count] of Object.entries(misses)) set({ level, result: 'miss' }, count);
    });
  }

  return {
    registry,
    observeCommand: (category, command, outcome, seconds) => {
      commands.inc({ category, command, outcome });
      durations.observe({ category }, seconds);
    },
    render: () => registry.metrics(),
  };
};
