import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { findBinary } from '../shared/binaries.js';

/**
 * A throwaway nats-server for the runtime benchmarks: `nats-server -a 127.0.0.1 -p <port>`
 * on a free loopback port, no JetStream, no config file. The benches never touch the
 * machine's own servers (4222), and the server is killed by its PID when the bench ends,
 * also on errors and on an unexpected exit of the bench process.
 */
export interface BenchNatsServer {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

const RESERVED_PORTS = new Set([4222]);
const READY_TIMEOUT_MS = 10_000;


/**
 * `setpriv --pdeathsig KILL` makes the kernel kill the server if the bench dies by a signal
 * no exit hook sees (SIGKILL, an OOM kill). setpriv execs the server, so the PID is its own.
 */
const deathBound = (): string[] => {
  const setpriv = process.platform === 'linux' ? findBinary('setpriv') : undefined;
  if (setpriv === undefined) return [];
  const probe = spawnSync(setpriv, ['--pdeathsig', 'KILL', '--', 'true'], { stdio: 'ignore' });
  return probe.status === 0 ? [setpriv, '--pdeathsig', 'KILL', '--'] : [];
};

const freePort = async (): Promise<number> => {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const probe = createServer();
      probe.once('error', reject);
      probe.listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
      });
    });
    if (port !== 0 && !RESERVED_PORTS.has(port)) return port;
  }
};

const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once the port accepts TCP; rejects if the server exits first or never gets there. */
const awaitReady = async (child: ChildProcess, port: number, log: () => string): Promise<void> => {
  const deadline = performance.now() + READY_TIMEOUT_MS;
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`nats-server exited before it listened on ${port}:\n${log()}`);
    }
    // Our child must still be alive after the connect, or the port belongs to someone else.
    if ((await accepts(port)) && child.exitCode === null) return;
    await sleep(20);
  }
  throw new Error(`nats-server did not accept connections on ${port} within ${READY_TIMEOUT_MS} ms:\n${log()}`);
};

const kill = (child: ChildProcess): void => {
  if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
};

export const startBenchNatsServer = async (): Promise<BenchNatsServer> => {
  const binary = findBinary('nats-server');
  if (binary === undefined) throw new Error('nats-server was not found on the PATH or in the system folders; install it with apt-get install nats-server');
  const [launcher = binary, ...prefix] = [...deathBound(), binary];
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const child = spawn(launcher, [...prefix, '-a', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
    });
    const onExit = (): void => kill(child);
    process.once('exit', onExit);
    try {
      await awaitReady(child, port, () => stderr);
    } catch (error) {
      kill(child);
      process.removeListener('exit', onExit);
      // Another process may take the port between the probe and the bind: try another.
      if (attempt < 5 && /address already in use/i.test(stderr)) continue;
      throw error;
    }
    const pid = child.pid ?? 0;
    return {
      url: `nats://127.0.0.1:${port}`,
      pid,
      stop: async () => {
        process.removeListener('exit', onExit);
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        process.kill(pid, 'SIGTERM');
        const forced = setTimeout(() => kill(child), 3_000);
        await exited;
        clearTimeout(forced);
      },
    };
  }
};
