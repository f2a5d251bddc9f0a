import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Redis, type RedisOptions } from 'ioredis';
import { Events, StringCodec, connect, type ConnectionOptions, type NatsConnection } from 'nats';
import { afterEach, describe, expect, it } from 'vitest';
import { findBinary } from './binaries.js';
import { freePort } from './free-port.js';
import { startNatsServer, type NatsServerHandle } from './nats-server.js';
import { startRedisServer, type RedisServerHandle } from './redis-server.js';

const codec = StringCodec();
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

// Everything a test opens, closed after it even when an assertion fails.
const servers: (NatsServerHandle | RedisServerHandle)[] = [];
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.allSettled(closers.splice(0).map((close) => close()));
  await Promise.allSettled(servers.splice(0).map((server) => server.stop()));
});

const nats = async (options?: Parameters<typeof startNatsServer>[0]): Promise<NatsServerHandle> => {
  const server = await startNatsServer(options);
  servers.push(server);
  return server;
};
const redis = async (options?: Parameters<typeof startRedisServer>[0]): Promise<RedisServerHandle> => {
  const server = await startRedisServer(options);
  servers.push(server);
  return server;
};
const natsClient = async (url: string, options: ConnectionOptions = {}): Promise<NatsConnection> => {
  const client: NatsConnection = await connect({ servers: url, ...options });
  closers.push(() => client.close());
  return client;
};
const redisClient = (url: string, options: RedisOptions = {}): Redis => {
  const client = new Redis(url, { retryStrategy: () => 50, ...options });
  closers.push(async () => client.disconnect());
  return client;
};

/** Resolves on the client's next reconnect; requests sent while it is away may time out. */
const nextReconnect = async (client: NatsConnection): Promise<void> => {
  for await (const status of client.status()) if (status.type === Events.Reconnect) return;
};

/** Gone = no such process, or a zombie nobody has reaped yet (PID 1 in a container may not). */
const isGone = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
};
const waitGone = async (pids: readonly number[], timeoutMs = 3_000): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  while (!pids.every(isGone)) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
};

const occupy = async (port: number): Promise<Server> => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => blocker.close(resolve)));
  return blocker;
};

describe('nats-server harness', () => {
  it('serves pub/sub and JetStream, and stop() leaves no process and no temp folder', async () => {
    const server = await nats();
    expect(server.url).toBe(`nats://127.0.0.1:${server.port}`);
    const client = await natsClient(server.url);

    const subscription = client.subscribe('ping', { max: 1 });
    client.publish('ping', codec.encode('hello'));
    for await (const message of subscription) expect(codec.decode(message.data)).toBe('hello');

    const jsm = await client.jetstreamManager();
    await jsm.streams.add({ name: 'EVENTS', subjects: ['events.>'] });
    const ack = await client.jetstream().publish('events.one', codec.encode('e1'));
    expect(ack).toMatchObject({ stream: 'EVENTS', seq: 1, duplicate: false });

    await client.close();
    const { pid, dir } = server;
    await server.stop();
    expect(server.isRunning()).toBe(false);
    expect(() => process.kill(pid, 0)).toThrow();
    expect(existsSync(dir)).toBe(false);
  });

  it('keeps acknowledged JetStream messages across kill -9 and restart on the same port', async () => {
    const server = await nats();
    const client = await natsClient(server.url, { maxReconnectAttempts: -1, reconnectTimeWait: 50 });
    const jsm = await client.jetstreamManager();
    await jsm.streams.add({ name: 'EVENTS', subjects: ['events.>'] });
    const js = client.jetstream();
    for (let i = 1; i <= 20; i += 1) await js.publish('events.x', codec.encode(`e${i}`));

    const [port, pidBefore] = [server.port, server.pid];
    const reconnected = nextReconnect(client);
    await server.kill();
    expect(server.isRunning()).toBe(false);
    expect(() => process.kill(pidBefore, 0)).toThrow();
    expect(existsSync(server.storeDir)).toBe(true);

    await server.restart();
    expect(server.isRunning()).toBe(true);
    expect(server.port).toBe(port);
    expect(server.pid).not.toBe(pidBefore);

    // The same client reconnects on its own; a fresh one works too.
    await reconnected;
    expect((await jsm.streams.info('EVENTS')).state.messages).toBe(20);
    const fresh = await natsClient(server.url);
    const last = await (await fresh.jetstreamManager()).streams.getMessage('EVENTS', { seq: 20 });
    expect(codec.decode(last.data)).toBe('e20');
  });

  it('reopens a caller-owned storeDir in a new server after stop()', async () => {
    const storeDir = await mkdtemp(join(tmpdir(), 'shardkeep-spec-store-'));
    closers.push(() => rm(storeDir, { recursive: true, force: true }));
    const first = await nats({ storeDir });
    const client = await natsClient(first.url);
    await (await client.jetstreamManager()).streams.add({ name: 'KEPT', subjects: ['kept'] });
    await client.jetstream().publish('kept', codec.encode('still here'));
    await client.close();
    await first.stop();
    expect(existsSync(first.dir)).toBe(false);

    const second = await nats({ port: first.port, storeDir });
    const again = await natsClient(second.url);
    const stored = await (await again.jetstreamManager()).streams.getMessage('KEPT', { seq: 1 });
    expect(codec.decode(stored.data)).toBe('still here');
  });

  it('appends the caller config: authorization and max_payload', async () => {
    const server = await nats({
      jetstream: false,
      config: [
        'max_payload: 4096',
        'authorization { users = [ { user: game, password: s3cret, permissions: { publish: "cmd.game.>" } } ] }',
      ].join('\n'),
    });
    await expect(connect({ servers: server.url, reconnect: false })).rejects.toThrow(/authorization/i);
    const client = await natsClient(server.url, { user: 'game', pass: 's3cret' });
    expect(client.info?.max_payload).toBe(4096);
    expect(client.info?.jetstream ?? false).toBe(false);
  });

  it('fails with the log tail when the server refuses its config', async () => {
    await expect(startNatsServer({ config: 'no_such_field: 1' })).rejects.toThrow(
      /nats-server on 127\.0\.0\.1:\d+ exited before it was ready[\s\S]*unknown field "no_such_field"/,
    );
  });

  it('fails with the log tail when the chosen port is taken, and refuses 4222', async () => {
    const port = await freePort();
    await occupy(port);
    await expect(startNatsServer({ port, jetstream: false })).rejects.toThrow(/address already in use/i);
    await expect(startNatsServer({ port: 4222 })).rejects.toThrow(/machine's own server/);
  });
});

describe('redis-server harness', () => {
  it('serves SET/GET, loses its keys on kill -9, restarts on the same port and reconnects', async () => {
    const server = await redis();
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    const client = redisClient(server.url);
    await client.set('player:1:gold', '100');
    expect(await client.get('player:1:gold')).toBe('100');
    expect(await client.config('GET', 'save')).toEqual(['save', '']);

    const pidBefore = server.pid;
    await server.kill();
    expect(() => process.kill(pidBefore, 0)).toThrow();
    await server.restart();
    expect(server.pid).not.toBe(pidBefore);

    // No persistence: the restarted server starts empty, and the client reconnects by itself.
    expect(await client.get('player:1:gold')).toBeNull();
    await client.set('player:1:gold', '7');
    expect(await client.get('player:1:gold')).toBe('7');

    client.disconnect();
    const { pid, dir } = server;
    await server.stop();
    expect(() => process.kill(pid, 0)).toThrow();
    expect(existsSync(dir)).toBe(false);
  });

  it('starts with an ACL file: the game user is confined, the anonymous user is off', async () => {
    const aclDir = await mkdtemp(join(tmpdir(), 'shardkeep-spec-acl-'));
    closers.push(() => rm(aclDir, { recursive: true, force: true }));
    const aclFile = join(aclDir, 'users.acl');
    await writeFile(aclFile, ['user default off', 'user game on >s3cret ~player:* +@all -@dangerous', ''].join('\n'));
    const server = await redis({ aclFile });
    const game = redisClient(server.url, { username: 'game', password: 's3cret', enableReadyCheck: false });
    await game.set('player:2', 'x');
    await expect(game.flushall()).rejects.toThrow(/NOPERM/);
    await expect(game.set('other:1', 'x')).rejects.toThrow(/NOPERM/);
  });

  it('fails when the chosen port is taken, and refuses 6379', async () => {
    const port = await freePort();
    await occupy(port);
    await expect(startRedisServer({ port })).rejects.toThrow(/address already in use/i);
    await expect(startRedisServer({ port: 6379 })).rejects.toThrow(/machine's own server/);
  });
});

describe('both harnesses', () => {
  it('give parallel servers different ports', async () => {
    const started = await Promise.all([nats(), nats(), redis(), redis()]);
    expect(new Set(started.map((server) => server.port)).size).toBe(4);
    expect(started.every((server) => server.isRunning())).toBe(true);
    const pids = started.map((server) => server.pid);
    await Promise.all(started.map((server) => server.stop()));
    expect(pids.every(isGone)).toBe(true);
  });

  it('name the binary and how to install it when it is missing', () => {
    expect(() => findBinary('shardkeep-no-such-server')).toThrow(
      /shardkeep-no-such-server was not found.*apt-get install nats-server redis-server/,
    );
  });

  // A test process that ends without stopping its servers, as a timed-out or killed vitest
  // worker does: SIGTERM runs the reaping hooks, SIGKILL leaves it to the kernel (pdeathsig).
  it.each(['SIGTERM', 'SIGKILL'] as const)('leave no server behind when the test process gets %s', async (signal) => {
    const script = [
      `const { startNatsServer } = await import(${JSON.stringify(join(REPO_ROOT, 'test/support/servers/nats-server.ts'))});`,
      `const { startRedisServer } = await import(${JSON.stringify(join(REPO_ROOT, 'test/support/servers/redis-server.ts'))});`,
      'const [n, r] = await Promise.all([startNatsServer(), startRedisServer()]);',
      'console.log(JSON.stringify({ pids: [n.pid, r.pid], dirs: [n.dir, r.dir] }));',
      'setInterval(() => {}, 1000);',
    ].join('\n');
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding('utf8').once('data', (chunk: string) => resolve(chunk.trim()));
      child.once('exit', (code) => reject(new Error(`helper exited early with ${code}`)));
    });
    const { pids, dirs } = JSON.parse(line) as { pids: number[]; dirs: string[] };
    closers.push(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));
    expect(pids.some(isGone)).toBe(false);

    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
    expect(await waitGone(pids)).toBe(true);
    // Only the hooks can remove folders; after SIGKILL they stay (removed above instead).
    if (signal === 'SIGTERM') expect(dirs.some((dir) => existsSync(dir))).toBe(false);
  });
});
