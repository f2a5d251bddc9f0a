export interface BackoffOptions {
  /** Pause before the first retry, before jitter; default 20 ms. */
  readonly initialMs?: number;
  /** Cap of the doubling pause; default 500 ms. */
  readonly maxMs?: number;
}

/**
 * Doubling pauses with "equal jitter" (half fixed, half random), so clients that failed
 * together (a host restart, an OVERLOADED burst) do not come back together.
 */
export const backoffPause = (retry: number, options: BackoffOptions, random: () => number): number => {
  const ceiling = Math.min(options.maxMs ?? 500, (options.initialMs ?? 20) * 2 ** retry);
  return ceiling / 2 + random() * (ceiling / 2);
};
