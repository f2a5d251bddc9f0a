import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary } from './binaries.js';
import { startOwnedServer, type OwnedServer } from './owned-server.js';
import { tcpExchange } from './readiness.js';

export interface RedisServerOptions {
  /** A fixed port, e.g. to start again where a stopped server listened. */
  port?: number;
  /** Appended after the harness's own arguments, so they may override them. */
  extraArgs?: readonly string[];
  /** Passed as --aclfile; the file must exist. */
  aclFile?: string;
  /** Default 10 000 ms. */
  readyTimeoutMs?: number;
}

export interface RedisServerHandle extends OwnedServer {
  /** redis://127.0.0.1:PORT */
  readonly url: string;
  /** The temporary working folder (--dir) holding redis.log. */
  readonly dir: string;
  /** Appended across restarts. */
  readonly logFile: string;
}

/**
 * The replies that prove a Redis server is serving. Under an ACL file the default user
 * may be off (-NOAUTH) or barred from PING (-NOPERM): still up. -LOADING is not.
 */
const SERVING = /^(\+PONG|-NOAUTH|-NOPERM)/;

/**
 * Starts a redis-server owned by this test process on a free loopback port, without
 * persistence: a kill or restart loses every key, as figure 9 (Redis flushed or killed
 * during projection) wants.
 */
export const startRedisServer = async (options: RedisServerOptions = {}): Promise<RedisServerHandle> => {
  const binary = findBinary('redis-server');
  const dir = await mkdtemp(join(tmpdir(), 'shardkeep-redis-'));
  const logFile = join(dir, 'redis.log');

  return startOwnedServer(
    {
      name: 'redis-server',
      binary,
      dir,
      logFile,
      readyTimeoutMs: options.readyTimeoutMs ?? 10_000,
      prepare: async (port) => [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--daemonize',
        'no',
        ...(options.aclFile === undefined ? [] : ['--aclfile', options.aclFile]),
        ...(options.extraArgs ?? []),
      ],
      // A raw inline PING over node:net, so the harness does not need redis-cli. The log
      // line makes sure the answer came from this process and not another on the port.
      ready: async (port, log) =>
        log.includes('Ready to accept connections') && SERVING.test((await tcpExchange(port, 'PING\r\n')) ?? ''),
    },
    options.port,
    (port) => ({ url: `redis://127.0.0.1:${port}`, dir, logFile }),
  );
};
