export interface OncePerTurn {
  /** Runs the callback in the next `setImmediate`, unless a run is already waiting there. */
  schedule(): void;
  /** Drops the waiting run, if any. */
  cancel(): void;
}

/**
 * A callback run at most once per event-loop turn however often it is asked for: the
 * transports queue the requests made in a turn and hand them all out in one run, so 10k
 * requests cost one callback. The run is no longer waiting when it starts, so what it
 * schedules goes to the next turn.
 */
export const oncePerTurn = (run: () => void): OncePerTurn => {
  let waiting: NodeJS.Immediate | undefined;
  const start = (): void => {
    waiting = undefined;
    run();
  };
  return {
    schedule() {
      waiting ??= setImmediate(start);
    },
    cancel() {
      if (waiting !== undefined) clearImmediate(waiting);
      waiting = undefined;
    },
  };
};
