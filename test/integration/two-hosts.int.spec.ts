import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { worldCodec } from '../../events/world.js';
import { createCommandClient } from '../../infra/client/index.js';
import { openSqliteEventStore } from '../../infra/eventstore/sqlite/index.js';
import { connectNats, createNatsRequestTransport, type NatsConnection } from '../../infra/nats/index.js';
import { startNatsServer, type NatsServerHandle } from '../support/servers/nats-server.js';
import { startRedisServer, type RedisServerHandle } from '../support/servers/redis-server.js';
import { startScript, type ScriptProcess } from '../support/sqlite/script-process.js';

/**
 * Two `npm start` processes against one NATS, one Redis and one log share the load: each
 * answers part of the commands (queue group), and the log holds every acknowledged
 * command exactly once, retries included.
 */
describe('two hosts on the same NATS, Redis and log', () => {
  let nats: NatsServerHandle;
  let redis: RedisServerHandle;
  let dataDir: string;
  const hosts: ScriptProcess[] = [];
  let connection: NatsConnection | undefined;

  beforeAll(async () => {
    [nats, redis] = await Promise.all([startNatsServer(), startRedisServer()]);
    dataDir = mkdtempSync(join(tmpdir(), 'shardkeep-two-hosts-'));
  });
  afterAll(async () => {
    for (const host of hosts) host.child.kill('SIGKILL');
    await connection?.close();
    await Promise.all([nats.stop(), redis.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('share the commands, and no acknowledged command is lost or applied twice', async () => {
    const environment = { NATS_URL: nats.url, REDIS_URL: redis.url, SHARDKEEP_DATA_DIR: dataDir, SHARDKEEP_HTTP_PORT: '0', SHARDKEEP_LOG_LEVEL: 'warn' };
    for (let index = 0; index < 2; index += 1) hosts.push(startScript('scripts/start.ts', ['--figures-every', '60', '--no-audit'], environment));
    await Promise.all(hosts.map((host) => host.waitFor((lines) => lines.some((line) => line.includes('shardkeep: running')), 30_000)));
    const endpoints = hosts.map((host) => host.lines.map((line) => /metrics at (http:\S+)/.exec(line)?.[1]).find((url) => url !== undefined) ?? '');

    connection = await connectNats({ servers: nats.url });
    const client = createCommandClient({ transport: createNatsRequestTransport(connection), issuer: { kind: 'server', id: 'gs1' }, timeoutMs: 5_000, deadlineMs: 20_000 });
    const players = Array.from({ length: 40 }, (_, index) => `two-p${index}`);
    for (const player of players) expect(await client.send({ category: 'player', actorId: player, command: 'register', data: { name: player } })).toMatchObject({ ok: true });

    const credits = Array.from({ length: 1_500 }, (_, index) => ({ player: players[index % players.length] ?? '', reference: `c${index}`, commandId: randomUUID(), amount: 1 + (index % 7) }));
    let next = 0;
    const acknowledged = new Set<string>();
    await Promise.all(
      Array.from({ length: 100 }, async () => {
        while (next < credits.length) {
          const credit = credits[next] as (typeof credits)[number];
          next += 1;
          const request = { category: 'player', actorId: credit.player, command: 'credit', data: { amount: credit.amount, cause: 'loot', reference: credit.reference }, commandId: credit.commandId };
          const first = await client.send(request);
          // Every tenth command is sent again with its commandId, as a client that lost the reply would.
          const retried = next % 10 === 0 ? await client.send(request) : first;
          if (first.ok && retried.ok) acknowledged.add(credit.reference);
        }
      }),
    );
    expect(acknowledged.size).toBe(credits.length);

    const answeredBy = await Promise.all(
      endpoints.map(async (endpoint) => {
        const text = await (await fetch(endpoint)).text();
        return Number(/shardkeep_commands_total\{category="player",command="credit",outcome="OK"\} (\d+)/.exec(text)?.[1] ?? 0);
      }),
    );
    for (const answered of answeredBy) expect(answered).toBeGreaterThan(credits.length / 10);

    const log = openSqliteEventStore({ path: join(dataDir, 'events.sqlite'), readonly: true });
    const applied = new Map<string, number>();
    for await (const stored of log.readAll({ filter: { on: 'streamName', prefixes: ['player-two-p'] } })) {
      const event = worldCodec.decode(stored);
      if (event.type === 'GoldCredited') applied.set(event.data.reference, (applied.get(event.data.reference) ?? 0) + 1);
    }
    await log.close();
    expect([...acknowledged].filter((reference) => applied.get(reference) !== 1)).toEqual([]);
    expect(applied.size).toBe(credits.length);
  }, 90_000);
});
