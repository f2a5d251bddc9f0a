import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { formatPosition } from '../../events/store/index.js';
import { parseConfig } from '../../infra/config.js';
import { connectRedis, createRedisProjectionCache, type RedisConnection } from '../../infra/redis/index.js';
import { startDeployment, type Deployment } from '../../infra/world/deployment.js';
import { headOf, keyspaceDigest, rebuildProjection, RebuildInterruptedError } from '../../projections/rebuild/index.js';
import type { ProjectionCache } from '../../projections/runner/index.js';
import { pack } from '../../projections/shared/msgpack.js';
import { createWorldProjections } from '../../projections/world-projections.js';
import { createWorldSimulation, type WorldSimulation } from '../../scripts/simulation/world-simulation.js';
import { recordFigure, scaled } from '../support/chaos/figures.js';
import { activeDigests, divergence, replayDigests } from '../support/projections/divergence.js';
import { runRebuild } from '../support/projections/rebuild-cli.js';
import { startRedisServer, type RedisServerHandle } from '../support/servers/redis-server.js';

/**
 * Figures 9 and 11 of RELIABILITY.md, and the rebuild tool end to end: a deployment
 * (infra/world) with a simulated world writes a SQLite log and projects it live into a
 * harness-started redis-server; Redis is flushed mid-run and `npm run rebuild` rebuilds
 * every projection while the world keeps playing. Every comparison is per key: the
 * digests of a version's keys (projections/rebuild/keyspace-digest.ts) against a fresh
 * build of the same log into the embedded cache. Under `npm run chaos` it records figure 11
 * (figure 9 has a scenario of its own); the full profile lets the world write longer first.
 */
const SEED = 20261124;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const WAIT = { timeout: 20_000, interval: 50 };
/** How long the world plays before Redis is flushed: the size of the log the rebuilds read. */
const PLAY_BEFORE_FLUSH_MS = scaled({ short: 700, full: 20_000 });

describe('rebuild against redis-server and a log the world wrote (figures 9 and 11)', () => {
  const projections = createWorldProjections();
  let folder: string;
  let redis: RedisServerHandle;
  let raw: RedisConnection;
  let cache: ProjectionCache;
  let deployment: Deployment;
  let simulation: WorldSimulation;
  let env: Record<string, string>;
  const errors: string[] = [];

  /** Every projection's active version has applied the log up to its head. */
  const caughtUp = async (): Promise<void> => {
    const head = await headOf(deployment.store);
    for (const { name } of projections) {
      const active = await cache.activeVersion(name);
      const checkpoint = active === undefined ? undefined : await cache.checkpoint(name, active);
      expect(checkpoint === undefined ? undefined : formatPosition(checkpoint), name).toBe(head === undefined ? undefined : formatPosition(head));
    }
  };

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'shardkeep-rebuild-'));
    redis = await startRedisServer();
    raw = await connectRedis(redis.url);
    cache = createRedisProjectionCache(await connectRedis(redis.url));
    env = { REDIS_URL: redis.url, SHARDKEEP_DATA_DIR: folder, SHARDKEEP_SQLITE_SYNC: 'normal' };
    deployment = await startDeployment(parseConfig(env), (error, context) => errors.push(`${context}: ${String(error)}`));
    simulation = createWorldSimulation({
      transport: deployment.transport,
      players: 40,
      itemsPerPlayer: 3,
      actionsPerSecond: 200,
      maxInFlight: 200,
      seed: SEED,
      runTag: 'rebuild',
    });
    await simulation.start();
  });

  afterAll(async () => {
    await simulation?.stop();
    await deployment?.drain();
    await deployment?.close();
    await cache?.close();
    await raw?.quit();
    await redis?.stop();
    await rm(folder, { recursive: true, force: true });
  });

  it('a: Redis flushed mid-run, then rebuilt while the world plays: divergence from a replay of the log 0 keys', { timeout: 60_000 + PLAY_BEFORE_FLUSH_MS * 3 }, async () => {
    await sleep(PLAY_BEFORE_FLUSH_MS);
    await raw.flushall();
    // The live runners find their checkpoints gone, project the log again and activate version 1.
    await vi.waitFor(async () => {
      for (const { name } of projections) expect(await cache.activeVersion(name), name).toBe(1);
    }, WAIT);
    await sleep(300);

    const run = await runRebuild(['--all', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { ok: boolean; projections: { projection: string; version: number; previous: number; droppedVersions: number[]; events: number }[] };
    expect(report.ok).toBe(true);
    expect(report.projections.map(({ projection, version, previous, droppedVersions }) => [projection, version, previous, droppedVersions])).toEqual(
      projections.map(({ name }) => [name, 2, 1, [1]]),
    );

    // The world goes on a moment on the new versions, then stops; the live runners finish.
    await sleep(500);
    await simulation.stop();
    await vi.waitFor(caughtUp, WAIT);
    const figures: string[] = [];
    for (const projection of projections) {
      const live = await activeDigests(cache, projection.name);
      const replay = await replayDigests(deployment.store, projection);
      figures.push(`${projection.name} ${live.size} keys, divergence ${divergence(live, replay)}`);
      expect(live.size, projection.name).toBeGreaterThan(0);
      expect(divergence(live, replay), projection.name).toBe(0);
    }
    console.log(`rebuild after a flush: ${report.projections.map(({ events }) => events).join('/')} events rebuilt; ${figures.join('; ')}`);
    expect(errors.filter((error) => !/fenced|retired/.test(error))).toEqual([]);
  });

  it('b: rebuilt twice, the keyspace is identical each time and equal to the live projection', { timeout: scaled({ short: 30_000, full: 120_000 }) }, async () => {
    const notifier = { publish: async () => undefined };
    const digests: string[][] = [];
    const keys: number[] = [];
    let versionsAsExpected = true;
    for (const projection of projections) {
      const liveDigests = await activeDigests(cache, projection.name);
      keys.push(liveDigests.size);
      const live = keyspaceDigest(liveDigests);
      const replay = keyspaceDigest(await replayDigests(deployment.store, projection));
      const first = await rebuildProjection({ store: deployment.store, cache, notifier, projection });
      const once = keyspaceDigest(await activeDigests(cache, projection.name));
      const second = await rebuildProjection({ store: deployment.store, cache, notifier, projection });
      const twice = keyspaceDigest(await activeDigests(cache, projection.name));
      const versions = await cache.versions(projection.name);
      versionsAsExpected &&= first.version === 3 && second.version === 4 && versions.length === 1 && versions[0] === 4;
      expect([first.version, second.version]).toEqual([3, 4]);
      expect(versions).toEqual([4]);
      digests.push([live, once, twice, replay]);
    }
    console.log(`rebuild twice: ${projections.map(({ name }, index) => `${name} ${digests[index]?.[0]?.slice(0, 12)}`).join(', ')}`);
    const differ = (index: number): number => digests.filter((each) => each[index] !== each[0]).length;
    recordFigure({
      figure: 11,
      scenario: 'every projection rebuilt twice from the log the world wrote',
      verdict: versionsAsExpected && differ(1) + differ(2) + differ(3) === 0 ? 'pass' : 'fail',
      measurements: {
        projections: projections.length,
        keys: keys.reduce((sum, each) => sum + each, 0),
        'first rebuild ≠ live': differ(1),
        'second rebuild ≠ live': differ(2),
        'replay ≠ live': differ(3),
      },
      seeds: [SEED],
      method:
        `A deployment with a simulated world wrote a SQLite log for ${PLAY_BEFORE_FLUSH_MS / 1000} s and more, projecting it live into a harness redis-server; ` +
        'each projection was then rebuilt twice into new key versions, and the digest of each version\'s keyspace (a hash of every key\'s digest) compared with the live one and with a replay into the embedded cache.',
    });
    for (const [live, once, twice, replay] of digests) expect([once, twice, replay]).toEqual([live, live, live]);
  });

  it('c: an interrupted rebuild leaves readers on the live version and resumes from its checkpoint', { timeout: 30_000 }, async () => {
    const [, inventories] = projections;
    if (inventories === undefined) throw new Error('no inventories projection');
    const before = keyspaceDigest(await activeDigests(cache, inventories.name));
    const interrupt = new AbortController();
    const first = rebuildProjection({
      store: deployment.store,
      cache,
      notifier: { publish: async () => undefined },
      projection: inventories,
      batchSize: 10,
      signal: interrupt.signal,
      progressEveryMs: 5,
      onProgress: (progress) => {
        if (progress.position > 0n) interrupt.abort();
      },
    });
    await expect(first).rejects.toBeInstanceOf(RebuildInterruptedError);
    expect(await cache.activeVersion(inventories.name)).toBe(4);
    expect(await cache.buildingVersion(inventories.name)).toBe(5);
    const stoppedAt = await cache.checkpoint(inventories.name, 5);
    const head = await headOf(deployment.store);
    expect(stoppedAt !== undefined && head !== undefined && stoppedAt.commit > 0n && stoppedAt.commit < head.commit).toBe(true);
    expect(keyspaceDigest(await activeDigests(cache, inventories.name))).toBe(before);

    const resumed = await rebuildProjection({ store: deployment.store, cache, notifier: { publish: async () => undefined }, projection: inventories });
    expect(resumed).toMatchObject({ version: 5, previous: 4, resumed: 'build', resumedFrom: formatPosition(stoppedAt ?? { commit: 0n, prepare: 0n }) });
    expect(keyspaceDigest(await activeDigests(cache, inventories.name))).toBe(before);
    console.log(`rebuild interrupted at position ${stoppedAt?.commit} of ${head?.commit}, resumed: ${resumed.events} events in the second run`);
  });

  it('d: a dry run reports a deliberately corrupted key, switches nothing and leaves no scratch version', { timeout: 30_000 }, async () => {
    const active = await cache.activeVersion('inventories');
    const prefix = `sk:inventories:${active}:`;
    const [victim] = (await raw.keys(`${prefix}inventory:*`)).sort();
    if (victim === undefined) throw new Error('no inventory to corrupt');
    await raw.hset(victim, '$version', Buffer.from(pack(999_999)));

    const run = await runRebuild(['--dry-run', '--json', 'inventories', 'rosters'], env);
    expect(run.code, run.stderr).toBe(1);
    const report = JSON.parse(run.stdout) as { differences: boolean; projections: { projection: string; added: number; removed: number; changed: number; samePosition: boolean; samples: { changed: string[] } }[] };
    expect(report.differences).toBe(true);
    expect(report.projections.map(({ projection, added, removed, changed, samePosition }) => [projection, added, removed, changed, samePosition])).toEqual([
      ['inventories', 0, 0, 1, true],
      ['rosters', 0, 0, 0, true],
    ]);
    expect(report.projections[0]?.samples.changed).toEqual([victim.slice(prefix.length)]);
    expect(await cache.activeVersion('inventories')).toBe(active);
    expect(await cache.versions('inventories')).toEqual([active]);
  });
});
