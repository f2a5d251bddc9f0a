/**
 * Ranks 0..n-1 drawn with probability proportional to 1 / (rank + 1)^exponent: a few hot
 * players read most of the time, a long tail now and then.
 */
export const zipfSampler = (n: number, exponent: number, random: () => number): (() => number) => {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let rank = 0; rank < n; rank += 1) {
    total += 1 / (rank + 1) ** exponent;
    cumulative[rank] = total;
  }
  return () => {
    const target = random() * total;
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((cumulative[middle] ?? 0) < target) low = middle + 1;
      else high = middle;
    }
    return low;
  };
};
