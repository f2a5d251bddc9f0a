/**
 * Latencies of the last few seconds, for live figures: samples go into one bucket per
 * second and a summary merges the buckets still inside the window. Bounded: at most
 * `maxPerSecond` samples are kept per second (the rest are counted, not stored).
 */
export interface LatencySnapshot {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export const createLatencyWindow = (options: { readonly seconds: number; readonly maxPerSecond?: number; readonly now?: () => number }) => {
  const now = options.now ?? (() => performance.now());
  const maxPerSecond = options.maxPerSecond ?? 20_000;
  const buckets = new Map<number, number[]>();
  const counts = new Map<number, number>();

  const second = (): number => Math.floor(now() / 1000);
  const prune = (current: number): void => {
    for (const key of buckets.keys()) if (key <= current - options.seconds) buckets.delete(key);
    for (const key of counts.keys()) if (key <= current - options.seconds) counts.delete(key);
  };

  return {
    add: (ms: number): void => {
      const current = second();
      let bucket = buckets.get(current);
      if (bucket === undefined) {
        prune(current);
        bucket = [];
        buckets.set(current, bucket);
      }
      counts.set(current, (counts.get(current) ?? 0) + 1);
      if (bucket.length < maxPerSecond) bucket.push(ms);
    },
    snapshot: (): LatencySnapshot => {
      prune(second());
      const samples = [...buckets.values()].flat().sort((a, b) => a - b);
      const at = (q: number): number => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? 0;
      return { count: [...counts.values()].reduce((sum, n) => sum + n, 0), p50Ms: at(0.5), p99Ms: at(0.99) };
    },
  };
};
