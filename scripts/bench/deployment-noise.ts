import { spawn } from 'node:child_process';
import { z } from 'zod';

/**
 * The machine's noise floor beside each run: an idle node process measuring how late its
 * own timers fire. Nothing in it waits on Shardkeep, so its p99 is what CPU scheduling on
 * this (shared) machine alone adds to any process's latency during the run.
 */
const NoiseFloorSchema = z.object({ p99Ms: z.number(), maxMs: z.number() });
export type NoiseFloor = z.infer<typeof NoiseFloorSchema>;

export interface NoiseProbe {
  stop(): Promise<NoiseFloor>;
}

// Prints one JSON line on stdin's end; a 1 ms resolution costs it next to no CPU.
const PROBE = `
const { monitorEventLoopDelay } = require('node:perf_hooks');
const histogram = monitorEventLoopDelay({ resolution: 1 });
histogram.enable();
process.stdin.resume();
process.stdin.on('end', () => {
  histogram.disable();
  process.stdout.write(JSON.stringify({ p99Ms: histogram.percentile(99) / 1e6, maxMs: histogram.max / 1e6 }) + '\\n');
  process.exit(0);
});
`;

export const startNoiseProbe = (): NoiseProbe => {
  const child = spawn(process.execPath, ['-e', PROBE], { stdio: ['pipe', 'pipe', 'inherit'] });
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', kill);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return {
    stop: async () => {
      child.stdin.end();
      await closed;
      process.removeListener('exit', kill);
      return NoiseFloorSchema.parse(JSON.parse(output));
    },
  };
};
