import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * `scripts/start.ts` as a user runs it against real servers, in a child process: the
 * deployment benchmark's host. Killed by its PID if the bench ends before stopping it.
 */
export interface HostProcess {
  readonly pid: number;
  /** Its runtime's counters, scraped from its metrics endpoint. */
  counters(): Promise<HostCounters>;
  /** SIGTERM, as Ctrl-C: the host drains and exits; SIGKILL if it has not within the timeout. */
  stop(): Promise<void>;
}

export interface HostCounters {
  /** Appends refused for a stale expected revision, then retried after a reload. */
  readonly conflicts: number;
  readonly activations: number;
}

const START_SCRIPT = fileURLToPath(new URL('../start.ts', import.meta.url));
const TSX_LOADER = fileURLToPath(import.meta.resolve('tsx'));
// Generous: tsx compiles the whole program on start, on a machine shared with other benches.
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;
const READY_LINE = 'shardkeep: running';

export const startHostProcess = async (environment: Readonly<Record<string, string>>): Promise<HostProcess> => {
  // No audit on stop: the bench measures serving, and a whole-log audit per stop would double its time.
  const child = spawn(process.execPath, ['--import', TSX_LOADER, START_SCRIPT, '--figures-every', '3600', '--no-audit'], {
    // Capacity, not abuse: the simulated players' rates pass any per-player budget at the top rungs.
    env: { ...process.env, SHARDKEEP_RATE_LIMIT: 'off', SHARDKEEP_RATE_LIMIT_KINDS: 'none', ...environment },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const pid = child.pid ?? 0;
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  };
  process.once('exit', kill);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      process.removeListener('exit', kill);
      resolve();
    }),
  );
  const lines: string[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`host ${pid}: not running within ${READY_TIMEOUT_MS} ms:\n${lines.join('\n')}`)), READY_TIMEOUT_MS);
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      if (line.includes(READY_LINE)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`host ${pid} exited before it was running:\n${lines.join('\n')}`));
    });
  });
  try {
    await ready;
  } catch (error) {
    kill();
    throw error;
  }
  const metricsUrl = lines.map((line) => /metrics at (http:\S+)/.exec(line)?.[1]).find((url) => url !== undefined);
  if (metricsUrl === undefined) {
    kill();
    throw new Error(`host ${pid}: no metrics endpoint printed (SHARDKEEP_HTTP_PORT=0 prints one)`);
  }
  return {
    pid,
    counters: async () => {
      const text = await (await fetch(metricsUrl)).text();
      const counter = (name: string): number => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
      return { conflicts: counter('shardkeep_conflicts_total'), activations: counter('shardkeep_activations_total') };
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.kill(pid, 'SIGTERM');
      const forced = setTimeout(kill, STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(forced);
    },
  };
};
