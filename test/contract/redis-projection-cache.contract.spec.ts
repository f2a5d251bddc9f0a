import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Position } from '../../events/store/index.js';
import { connectRedis, createRedisProjectionCache, type RedisConnection } from '../../infra/redis/index.js';
import { startRedisServer, type RedisServerHandle } from '../support/servers/redis-server.js';
import { describeProjectionCacheContract } from './projection-cache.contract.js';

/** The same contract on a redis-server this suite starts on a free port and kills by its PID. */
describeProjectionCacheContract('redis', async () => {
  const server = await startRedisServer();
  const redis = await connectRedis(server.url);
  const cache = createRedisProjectionCache(redis);
  return {
    cache,
    advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    dispose: async () => {
      await cache.close();
      await server.stop();
    },
  };
});

describe('redis projection cache: layout and fencing across connections', () => {
  let server: RedisServerHandle;
  let first: RedisConnection;
  let second: RedisConnection;
  let raw: RedisConnection;
  const at = (n: number): Position => ({ commit: BigInt(n), prepare: BigInt(n + 1) });

  beforeAll(async () => {
    server = await startRedisServer();
    [first, second, raw] = await Promise.all([connectRedis(server.url), connectRedis(server.url), connectRedis(server.url)]);
  });
  afterAll(async () => {
    await Promise.all([first, second, raw].map((connection) => connection.quit()));
    await server.stop();
  });

  it('stores keys, checkpoint and active version under sk:<projection>:…', async () => {
    const cache = createRedisProjectionCache(first, { closeConnection: false });
    await cache.commit('layout', 3, undefined, at(7), [
      { op: 'set', key: 'session:p1', value: Uint8Array.of(0xff, 0x00) },
      { op: 'hashSet', key: 'roster:g1', fields: new Map([['p1', Uint8Array.of(1)]]) },
    ]);
    await cache.activate('layout', 3);
    expect((await raw.keys('sk:layout:*')).sort()).toEqual(['sk:layout:3:checkpoint', 'sk:layout:3:roster:g1', 'sk:layout:3:session:p1', 'sk:layout:active']);
    expect(await raw.get('sk:layout:3:checkpoint')).toBe('7/8');
    expect(await raw.get('sk:layout:active')).toBe('3');
    expect(await raw.getBuffer('sk:layout:3:session:p1')).toEqual(Buffer.from([0xff, 0x00]));
  });

  it('lets one of two runners on separate connections commit from the same checkpoint, every time', async () => {
    const caches = [createRedisProjectionCache(first, { closeConnection: false }), createRedisProjectionCache(second, { closeConnection: false })];
    const rounds = 100;
    for (let round = 0; round < rounds; round += 1) {
      const expected = round === 0 ? undefined : at(round);
      const outcomes = await Promise.all(
        caches.map((cache, side) => cache.commit('race', 1, expected, at(round + 1), [{ op: 'hashSet', key: 'applied', fields: new Map([[`${round}`, Uint8Array.of(side)]]) }])),
      );
      expect(outcomes.filter((outcome) => outcome === 'committed')).toHaveLength(1);
    }
    expect(await raw.hlen('sk:race:1:applied')).toBe(rounds);
  });
});
