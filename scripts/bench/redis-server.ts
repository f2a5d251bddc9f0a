import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary } from '../shared/binaries.js';

/**
 * A throwaway redis-server for the projection benchmarks, and redis-benchmark against it:
 * a free loopback port (never the machine's 6379), no persistence, a temp folder, killed
 * by its PID when the bench ends, also on errors and on an unexpected exit of the bench.
 */
export interface BenchRedisServer {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;

export const locateBinary = (name: string): string => {
  const found = findBinary(name);
  if (found === undefined) throw new Error(`${name} was not found on the PATH; install it with apt-get install redis-server`);
  return found;
};

/** `setpriv --pdeathsig KILL`: the kernel kills the server if the bench dies by a signal no hook sees. */
const deathBound = (): string[] => {
  if (process.platform !== 'linux') return [];
  try {
    const setpriv = locateBinary('setpriv');
    return spawnSync(setpriv, ['--pdeathsig', 'KILL', '--', 'true'], { stdio: 'ignore' }).status === 0 ? [setpriv, '--pdeathsig', 'KILL', '--'] : [];
  } catch {
    return [];
  }
};

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });

const answersPing = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setEncoding('utf8');
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (reply: string) => {
      socket.destroy();
      resolve(reply.startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
  });

const kill = (child: ChildProcess): void => {
  if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
};

export const startBenchRedisServer = async (): Promise<BenchRedisServer> => {
  const binary = locateBinary('redis-server');
  const [launcher = binary, ...prefix] = [...deathBound(), binary];
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'shardkeep-bench-redis-'));
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
    const child = spawn(launcher, [...prefix, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const keep = (chunk: Buffer): void => {
      log = (log + chunk.toString('utf8')).slice(-4_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const onExit = (): void => kill(child);
    process.once('exit', onExit);
    const cleanUp = (): void => {
      kill(child);
      process.removeListener('exit', onExit);
      rmSync(dir, { recursive: true, force: true });
    };
    const deadline = performance.now() + READY_TIMEOUT_MS;
    // Our child must log that it is ready, or the port's answer comes from someone else.
    while (!(log.includes('Ready to accept connections') && (await answersPing(port)))) {
      if (child.exitCode !== null || performance.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    if (child.exitCode !== null || !log.includes('Ready to accept connections')) {
      cleanUp();
      if (attempt < 5 && /address already in use/i.test(log)) continue;
      throw new Error(`redis-server did not start on ${port}:\n${log}`);
    }
    return {
      url: `redis://127.0.0.1:${port}`,
      port,
      pid: child.pid ?? 0,
      stop: async () => {
        const exited = new Promise<void>((resolve) => (child.exitCode === null && child.signalCode === null ? child.once('exit', () => resolve()) : resolve()));
        if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGTERM');
        const forced = setTimeout(() => kill(child), 3_000);
        await exited;
        clearTimeout(forced);
        cleanUp();
      },
    };
  }
};

/** `redis-benchmark -q -P 16 -t set -n <requests>` on the bench's server: SET requests per second. */
export const redisBenchmarkSetRate = async (port: number, requests: number): Promise<number> => {
  const binary = locateBinary('redis-benchmark');
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(binary, ['-h', '127.0.0.1', '-p', String(port), '-q', '-P', '16', '-t', 'set', '-n', String(requests)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`redis-benchmark exited ${String(code)}:\n${text}`))));
  });
  // -q prints progress lines ending in \r, then "SET: 123456.79 requests per second, p50=…".
  const match = /SET: ([\d.]+) requests per second/.exec(output);
  if (match?.[1] === undefined) throw new Error(`redis-benchmark printed no SET rate:\n${output}`);
  return Number(match[1]);
};
