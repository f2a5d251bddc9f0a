import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, rmSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { deathBoundLauncher } from './binaries.js';

/** A server process this test process started and alone may signal, by its pid. */
export interface OwnedProcess {
  readonly pid: number;
  /** Resolves once the process has exited, whatever the cause. */
  readonly exited: Promise<void>;
  isRunning(): boolean;
  /** SIGTERM, then SIGKILL if it is still alive after `graceMs`; resolves on exit. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL, as a crash or the OOM killer would; resolves on exit. */
  kill(): Promise<void>;
}

interface Registry {
  readonly live: Set<ChildProcess>;
  readonly tempDirs: Set<string>;
  hooksInstalled: boolean;
}

// Kept on globalThis: a test runner that re-imports modules per test file in one worker
// would otherwise stack one set of hooks per file and lose track of earlier children.
const REGISTRY = Symbol.for('shardkeep.test.servers.owned-processes');
const shared = globalThis as { [REGISTRY]?: Registry };
const registry = (shared[REGISTRY] ??= { live: new Set(), tempDirs: new Set(), hooksInstalled: false });
const { live, tempDirs } = registry;

const isAlive = (child: ChildProcess): boolean => child.exitCode === null && child.signalCode === null;

// Runs inside 'exit' and signal handlers, so everything here must be synchronous.
const reapEverything = (): void => {
  for (const child of live) {
    if (isAlive(child)) child.kill('SIGKILL');
  }
  live.clear();
  for (const dir of tempDirs) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // Best effort: a server killed a moment ago may still be closing files there.
    }
  }
  tempDirs.clear();
};

const onSignal = (signal: NodeJS.Signals): void => {
  reapEverything();
  process.removeListener(signal, onSignal);
  // Vitest stops its fork workers with SIGTERM, which by default ends the process
  // without 'exit' handlers; we reap, then let the signal end the process as it would
  // have. If someone else also listens, ending the process is their decision.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
};

const installHooks = (): void => {
  if (registry.hooksInstalled) return;
  registry.hooksInstalled = true;
  process.on('exit', reapEverything);
  // Worker threads receive no signals; their 'exit' hook and pdeathsig still apply.
  if (isMainThread) {
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(signal, onSignal);
  }
};

/** Removes `dir` if the test process ends before the harness cleans it up itself. */
export const removeOnExit = (dir: string): void => {
  installHooks();
  tempDirs.add(dir);
};

export const keepOnExit = (dir: string): void => {
  tempDirs.delete(dir);
};

/**
 * Spawns `binary` with stdout and stderr appended to `logFile` (a file, not a pipe, so
 * a chatty server can never block on a full pipe nobody reads). The child stays in our
 * process group (`detached: false`) and is SIGKILLed when this process ends.
 */
export const spawnOwned = (binary: string, args: readonly string[], logFile: string, cwd: string): OwnedProcess => {
  installHooks();
  const [command, ...prefix] = [...deathBoundLauncher(), binary];
  const log = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(command ?? binary, [...prefix, ...args], { cwd, stdio: ['ignore', log, log], detached: false });
  } finally {
    // The child holds its own copy of the descriptor.
    closeSync(log);
  }
  const pid = child.pid;
  if (pid === undefined) {
    // spawn reports ENOENT or EACCES asynchronously; the missing pid is the synchronous sign.
    child.on('error', () => undefined);
    throw new Error(`could not spawn ${binary} (is it executable?)`);
  }
  live.add(child);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      live.delete(child);
      resolve();
    });
  });

  const signalAndWait = async (signal: NodeJS.Signals): Promise<void> => {
    if (isAlive(child)) child.kill(signal);
    await exited;
  };

  const stop = async (graceMs = 5_000): Promise<void> => {
    if (!isAlive(child)) return exited;
    const escalate = setTimeout(() => child.kill('SIGKILL'), graceMs);
    try {
      await signalAndWait('SIGTERM');
    } finally {
      clearTimeout(escalate);
    }
  };

  return { pid, exited, isRunning: () => isAlive(child), stop, kill: () => signalAndWait('SIGKILL') };
};
