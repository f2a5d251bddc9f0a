import { percentile } from './measure.js';

/** Sends one command; `worker` and `count` let the caller pick the actor. Rejects on a failed reply. */
export type Send = (worker: number, count: number) => Promise<void>;

export interface ClosedLoopResult {
  readonly completed: number;
  readonly rate: number;
  /** CPU time of this (load-generating) process per command, user + system. */
  readonly cpuMicrosPerCommand: number;
}

/**
 * Closed loop: `inFlight` workers, each sending its next command as soon as its last one
 * is answered, for `durationMs`. Measures the peak rate the far side sustains.
 */
export const closedLoop = async (send: Send, inFlight: number, durationMs: number): Promise<ClosedLoopResult> => {
  let running = true;
  let completed = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const stop = setTimeout(() => (running = false), durationMs);
  try {
    await Promise.all(
      Array.from({ length: inFlight }, async (_, worker) => {
        for (let count = 0; running; count += 1) {
          await send(worker, count);
          completed += 1;
        }
      }),
    );
  } finally {
    clearTimeout(stop);
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { completed, rate: completed / seconds, cpuMicrosPerCommand: (cpu.user + cpu.system) / Math.max(1, completed) };
};

export interface OpenLoopResult {
  readonly sent: number;
  /** Commands sent per second of the run, to check that the schedule was kept. */
  readonly rate: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

const TICK_MS = 1;

/**
 * Open loop: commands are sent on a fixed schedule (`rate` per second, in the bursts that
 * are due at each ~1 ms timer tick), whether or not earlier ones were answered, so a slow
 * answer cannot slow the offered load. Latency of each command runs from its send to its
 * reply, measured with performance.now().
 */
export const openLoop = async (send: (index: number) => Promise<void>, rate: number, durationMs: number): Promise<OpenLoopResult> => {
  const total = Math.max(1, Math.floor((rate * durationMs) / 1000));
  const latencies = new Float64Array(total);
  const replies: Promise<void>[] = [];
  let sent = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const due = Math.min(total, Math.floor(((performance.now() - started) * rate) / 1000));
      for (; sent < due; sent += 1) {
        const index = sent;
        const sentAt = performance.now();
        replies.push(send(index).then(() => void (latencies[index] = performance.now() - sentAt)));
      }
      if (sent < total) setTimeout(tick, TICK_MS);
      else resolve();
    };
    tick();
  });
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(replies);
  // A typed array sorts numerically.
  const sorted = Array.from(latencies.sort());
  return { sent, rate: sent / seconds, p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99) };
};
