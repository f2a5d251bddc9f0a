/** A wait that `interrupt()` ends early: the runner's backoff must not delay a stop. */
export interface Pause {
  wait(ms: number): Promise<void>;
  interrupt(): void;
}

export const createPause = (): Pause => {
  let wake: (() => void) | undefined;
  return {
    wait: (ms) =>
      new Promise((resolve) => {
        const timer = setTimeout(done, ms);
        function done(): void {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        }
        wake = done;
      }),
    interrupt: () => wake?.(),
  };
};

/** Doubles from `firstMs` up to `maxMs` with the number of failures in a row. */
export const backoffMs = (failuresInARow: number, firstMs: number, maxMs: number): number =>
  Math.min(maxMs, firstMs * 2 ** Math.min(failuresInARow, 20));
