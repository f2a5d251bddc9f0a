import { spawnSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary } from './binaries.js';
import { startOwnedServer, type OwnedServer } from './owned-server.js';
import { tcpExchange } from './readiness.js';

export interface NatsServerOptions {
  /** Enable JetStream (default true). */
  jetstream?: boolean;
  /** Extra nats.conf text appended verbatim: authorization blocks, max_payload, ... */
  config?: string;
  /** A fixed port, e.g. to start again where a stopped server listened. */
  port?: number;
  /** The JetStream store; pass one you own to keep streams across stop() and a new start. */
  storeDir?: string;
  /** Default 10 000 ms. */
  readyTimeoutMs?: number;
}

export interface NatsServerHandle extends OwnedServer {
  /** nats://127.0.0.1:PORT */
  readonly url: string;
  /** The JetStream store; inside `dir` (removed by stop()) unless the caller passed one. */
  readonly storeDir: string;
  /** The temporary folder holding nats.conf, nats.log and, by default, the store. */
  readonly dir: string;
  /** Appended across restarts, so a kill and the recovery after it read in order. */
  readonly logFile: string;
  /** Whether the config asks for an fsync before every acknowledgement (see syncIntervalSupported). */
  readonly syncAlways: boolean;
}

let cachedVersion: readonly [number, number] | undefined;

/** major.minor of the installed nats-server, read once from `nats-server --version`. */
const natsVersion = (binary: string): readonly [number, number] => {
  if (cachedVersion !== undefined) return cachedVersion;
  const output = spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout;
  const match = /v(\d+)\.(\d+)/.exec(output);
  cachedVersion = match === null ? [0, 0] : [Number(match[1]), Number(match[2])];
  return cachedVersion;
};

/**
 * `jetstream { sync_interval: always }` (fsync before every ack) arrived in nats-server
 * 2.10; 2.9 refuses the whole config with `unknown field "sync_interval"`. Without it, 2.9
 * still writes each message to the OS before acknowledging it (a SIGKILLed server loses
 * nothing acknowledged) but fsyncs only every two minutes (a power loss can).
 */
const syncIntervalSupported = ([major, minor]: readonly [number, number]): boolean =>
  major > 2 || (major === 2 && minor >= 10);

const renderConfig = (port: number, jetstream: false | { storeDir: string; syncAlways: boolean }, extra: string) =>
  [
    '# Written by test/support/servers/nats-server.ts; regenerated on every start.',
    `listen: 127.0.0.1:${port}`,
    ...(jetstream === false
      ? []
      : [
          'jetstream {',
          `  store_dir: ${JSON.stringify(jetstream.storeDir)}`,
          ...(jetstream.syncAlways ? ['  sync_interval: always'] : []),
          '}',
        ]),
    extra,
    '',
  ].join('\n');

/** Starts a nats-server owned by this test process on a free loopback port. */
export const startNatsServer = async (options: NatsServerOptions = {}): Promise<NatsServerHandle> => {
  const binary = findBinary('nats-server');
  const jetstream = options.jetstream ?? true;
  const syncAlways = jetstream && syncIntervalSupported(natsVersion(binary));
  const dir = await mkdtemp(join(tmpdir(), 'shardkeep-nats-'));
  const storeDir = options.storeDir ?? join(dir, 'jetstream');
  const configFile = join(dir, 'nats.conf');
  const logFile = join(dir, 'nats.log');

  return startOwnedServer(
    {
      name: 'nats-server',
      binary,
      dir,
      logFile,
      readyTimeoutMs: options.readyTimeoutMs ?? 10_000,
      prepare: async (port) => {
        const js = jetstream && { storeDir, syncAlways };
        await writeFile(configFile, renderConfig(port, js, options.config ?? ''));
        // Logs go to stderr, which spawnOwned appends to logFile; no -D/-V tracing.
        return ['-c', configFile];
      },
      // The log line says this process is up (not someone else on the port); the
      // connect says clients can reach it.
      ready: async (port, log) => log.includes('Server is ready') && (await tcpExchange(port, '')) !== undefined,
    },
    options.port,
    (port) => ({ url: `nats://127.0.0.1:${port}`, storeDir, dir, logFile, syncAlways }),
  );
};
