/**
 * The console's charts: one sample of the deployment's figures per interval, the last
 * `capacity` of them kept (five minutes at one a second). Latency comes from the
 * commands this host answered in the interval.
 */
export interface FigureSample {
  /** Epoch ms. */
  readonly at: number;
  readonly commandsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly residentActors: number;
  readonly projectionLagMs: number;
  readonly tradeQueueDepth: number;
  readonly tradesCompleted: number;
}

export interface FigureReadings {
  commandsAnswered(): number;
  residentActors(): number;
  projectionLagMs(): number;
  tradeQueueDepth(): number;
  tradesCompleted(): number;
}

export interface FiguresHistory {
  /** Feed every answered command's latency (the bus instrumentation does). */
  observeLatency(seconds: number): void;
  samples(): readonly FigureSample[];
  stop(): void;
}

const MAX_LATENCIES_PER_SAMPLE = 20_000;

export const startFiguresHistory = (readings: FigureReadings, options: { readonly everyMs?: number; readonly capacity?: number } = {}): FiguresHistory => {
  const everyMs = options.everyMs ?? 1_000;
  const capacity = options.capacity ?? 300;
  const samples: FigureSample[] = [];
  let latencies: number[] = [];
  let previousCommands = readings.commandsAnswered();
  let previousAt = Date.now();

  const percentile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const timer = setInterval(() => {
    const now = Date.now();
    const commands = readings.commandsAnswered();
    const sorted = latencies.sort((a, b) => a - b);
    latencies = [];
    samples.push({
      at: now,
      commandsPerSecond: ((commands - previousCommands) * 1000) / Math.max(1, now - previousAt),
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
      residentActors: readings.residentActors(),
      projectionLagMs: readings.projectionLagMs(),
      tradeQueueDepth: readings.tradeQueueDepth(),
      tradesCompleted: readings.tradesCompleted(),
    });
    if (samples.length > capacity) samples.shift();
    previousCommands = commands;
    previousAt = now;
  }, everyMs);
  timer.unref();

  return {
    observeLatency: (seconds) => {
      if (latencies.length < MAX_LATENCIES_PER_SAMPLE) latencies.push(seconds * 1000);
    },
    samples: () => samples,
    stop: () => clearInterval(timer),
  };
};
