import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';

/**
 * Child processes of the benchmarks (hosts, responders, the memory probe): started with
 * the tsx loader, they report on stdout, one JSON line per report, and are killed by their
 * PID if the bench ends (or fails) before stopping them.
 */
const HostStatsSchema = z.object({
  inFlight: z.number(),
  residentActors: z.number(),
  commands: z.number(),
  appends: z.number(),
  eventsAppended: z.number(),
  conflicts: z.number(),
  activations: z.number(),
  passivations: z.number(),
  overloaded: z.number(),
  snapshotsWritten: z.number(),
});

const ChildReportSchema = z.object({
  kind: z.enum(['ready', 'stats', 'stopped']),
  /** User + system CPU time of the child since it started. */
  cpuMicros: z.number(),
  heapUsedBytes: z.number(),
  /** Commands the host took, or requests the responder answered. */
  requests: z.number(),
  /** Event-loop turns with appends: SQLite transactions under group commit. */
  appendTurns: z.number(),
  /** Committed SQLite transactions that wrote events (fsyncs), counted by the store; absent from older checkouts. */
  storeTransactions: z.number().default(0),
  host: HostStatsSchema.optional(),
});

export type ChildReport = z.infer<typeof ChildReportSchema>;

export interface BenchChild {
  readonly pid: number;
  /** The next report; `stats` asks for one first. */
  stats(): Promise<ChildReport>;
  /** Asks the child to stop and resolves with its last report once it exited. */
  stop(): Promise<ChildReport>;
}

const TSX_LOADER = fileURLToPath(import.meta.resolve('tsx'));
const STOP_TIMEOUT_MS = 15_000;
const READY_TIMEOUT_MS = 30_000;

/** `node [nodeArgs] --import tsx <script> <args>`, stdout piped, stderr shared. */
export const spawnScript = (script: URL, args: readonly string[], nodeArgs: readonly string[] = []): ChildProcess => {
  const child = spawn(process.execPath, [...nodeArgs, '--import', TSX_LOADER, fileURLToPath(script), ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const onExit = (): void => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  };
  process.once('exit', onExit);
  child.once('exit', () => process.removeListener('exit', onExit));
  return child;
};

/** Reads JSON reports from a child's stdout in order; rejects waiters if it exits. */
export const reportsOf = (child: ChildProcess, what: string): (() => Promise<ChildReport>) => {
  const received: ChildReport[] = [];
  const waiting: { resolve: (report: ChildReport) => void; reject: (error: Error) => void }[] = [];
  let ended: Error | undefined;
  if (child.stdout === null) throw new Error(`${what}: stdout is not piped`);
  createInterface({ input: child.stdout }).on('line', (line) => {
    // Diagnostics a node flag prints on stdout (--trace-gc) pass through to stderr.
    if (!line.startsWith('{')) {
      process.stderr.write(`${what}: ${line}\n`);
      return;
    }
    const report = ChildReportSchema.parse(JSON.parse(line));
    const waiter = waiting.shift();
    if (waiter === undefined) received.push(report);
    else waiter.resolve(report);
  });
  child.once('exit', (code, signal) => {
    // The readline interface may still hold the last line: let it through first.
    setImmediate(() => {
      ended = new Error(`${what} exited (${signal ?? code ?? 'unknown'}) before reporting`);
      for (const waiter of waiting.splice(0)) waiter.reject(ended);
    });
  });
  return () => {
    const report = received.shift();
    if (report !== undefined) return Promise.resolve(report);
    if (ended !== undefined) return Promise.reject(ended);
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  };
};

/**
 * Extra node flags for the host and responder children, e.g. to profile the host:
 * SHARDKEEP_BENCH_CHILD_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' npm run bench -- --suite runtime
 */
const childNodeArgs = (): string[] => (process.env['SHARDKEEP_BENCH_CHILD_ARGS'] ?? '').split(' ').filter((arg) => arg !== '');

/**
 * Starts host-process.ts with `config` and waits for its first report. `checkout` names
 * another copy of the repository (`git worktree add /tmp/before HEAD`) whose host-process.ts,
 * and so whose runtime and stores, to run instead: the code before a change, beside it.
 */
export const startBenchChild = async (config: Readonly<Record<string, string>>, checkout?: string): Promise<BenchChild> => {
  const what = `bench ${config['mode'] ?? 'child'}${checkout === undefined ? '' : ` (${checkout})`}`;
  const script = checkout === undefined ? new URL('./host-process.ts', import.meta.url) : pathToFileURL(join(checkout, 'scripts/bench/host-process.ts'));
  const child = spawnScript(script, [JSON.stringify(config)], childNodeArgs());
  const next = reportsOf(child, what);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A child that never gets ready (no NATS, a hung import) is killed: it exits, `next` rejects.
  const stuck = setTimeout(() => child.kill('SIGKILL'), READY_TIMEOUT_MS);
  const ready = await next().finally(() => clearTimeout(stuck));
  if (ready.kind !== 'ready') throw new Error(`${what} sent ${ready.kind} before ready`);
  return {
    pid: child.pid ?? 0,
    stats: () => {
      child.stdin?.write('stats\n');
      return next();
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} had already exited`);
      const last = next();
      child.stdin?.end('stop\n');
      const forced = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      try {
        const report = await last;
        await exited;
        return report;
      } finally {
        clearTimeout(forced);
      }
    },
  };
};

/** Runs `work` with the children started by `start`, and stops them whatever happens. */
export const withChildren = async <T>(
  start: () => Promise<BenchChild>[],
  work: (children: BenchChild[]) => Promise<T>,
): Promise<T> => {
  const started = await Promise.allSettled(start());
  const children = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  try {
    const failed = started.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    return await work(children);
  } finally {
    await Promise.allSettled(children.map((child) => child.stop()));
  }
};
