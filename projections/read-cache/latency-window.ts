/** p50 and p99 of the most recent reads, in milliseconds. */
export interface LatencySummary {
  /** Reads measured since the start (the percentiles cover the most recent `window`). */
  readonly count: number;
  readonly p50Ms: number | undefined;
  readonly p99Ms: number | undefined;
}

/**
 * The latencies of the last `size` reads in a ring of doubles: constant memory and no
 * allocation per read; sorting happens only when a summary is asked for.
 */
export class LatencyWindow {
  private readonly samples: Float64Array;
  private count = 0;

  constructor(size = 2_048) {
    this.samples = new Float64Array(size);
  }

  record(ms: number): void {
    this.samples[this.count % this.samples.length] = ms;
    this.count += 1;
  }

  summary(): LatencySummary {
    const filled = Math.min(this.count, this.samples.length);
    if (filled === 0) return { count: 0, p50Ms: undefined, p99Ms: undefined };
    const sorted = this.samples.slice(0, filled).sort();
    const at = (quantile: number): number => sorted[Math.min(filled - 1, Math.floor(quantile * filled))] ?? 0;
    return { count: this.count, p50Ms: at(0.5), p99Ms: at(0.99) };
  }
}
