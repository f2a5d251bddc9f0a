import { performance } from 'node:perf_hooks';

/** Median of a non-empty list. */
export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

export const percentile = (sortedAscending: readonly number[], fraction: number): number =>
  sortedAscending[Math.min(sortedAscending.length - 1, Math.floor(sortedAscending.length * fraction))] ?? 0;

/**
 * Runs `work` `repeats` times and returns the median rate of `units` per second.
 * Each repeat gets a fresh fixture, so one run's data never speeds up the next.
 */
export const medianRate = async (
  repeats: number,
  run: () => Promise<{ units: number; seconds: number }>,
): Promise<number> => {
  const rates: number[] = [];
  for (let repeat = 0; repeat < repeats; repeat += 1) {
    const { units, seconds } = await run();
    rates.push(units / seconds);
  }
  return median(rates);
};

export const timed = async (work: () => Promise<number>): Promise<{ units: number; seconds: number }> => {
  const start = performance.now();
  const units = await work();
  return { units, seconds: (performance.now() - start) / 1000 };
};

export const formatRate = (rate: number): string =>
  rate >= 10_000 ? `${Math.round(rate / 1000)}k` : rate >= 1000 ? `${(rate / 1000).toFixed(1)}k` : rate.toFixed(0);
