import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { comparePositions, type Position } from '../../events/store/index.js';
import { parseConfig } from '../../infra/config.js';
import { connectRedis, createRedisProjectionCache, type RedisConnection } from '../../infra/redis/index.js';
import { startDeployment, type Deployment } from '../../infra/world/deployment.js';
import { headOf } from '../../projections/rebuild/index.js';
import type { ProjectionCache } from '../../projections/runner/index.js';
import { createWorldProjections } from '../../projections/world-projections.js';
import { createWorldSimulation } from '../../scripts/simulation/world-simulation.js';
import { chaosProfile, recordFigure, scaled } from '../support/chaos/figures.js';
import { activeDigests, divergence, replayDigests } from '../support/projections/divergence.js';
import { startRedisServer, type RedisServerHandle } from '../support/servers/redis-server.js';

/**
 * Figure 9 of RELIABILITY.md: a deployment (infra/world) projects the log a simulated
 * world writes into a harness-started redis-server (`--save ""`: nothing survives a
 * restart) while (a) Redis is FLUSHALLed, and (b) redis-server is SIGKILLed and started
 * again, empty, on its port; each while the world plays and again once it is quiet (no
 * event follows the fault to wake the runners). No operator acts: the runners find their checkpoints gone
 * (a commit WATCHes and compares the checkpoint, so it is fenced), project the log again
 * from the start and activate their version again once caught up; a quiet runner looks at
 * its checkpoint once a second (README, "Projections").
 * Recovery is the time from the fault (the flush, or the restart) until every projection
 * is active again with a checkpoint at or past the log's head at the fault. Then the
 * world stops, the runners catch up, and each projection's keyspace is compared key by
 * key with a replay of the log: divergence must be 0 keys.
 *
 * The seed is printed; `REDIS_PROJECTION_SEED=<n>` replays the world's choices.
 */

const SEED = Number(process.env['REDIS_PROJECTION_SEED'] ?? 20261209);
const ROUNDS = scaled({ short: 1, full: 3 });
/** World time before each fault. */
const PLAYING_MS = scaled({ short: 1_000, full: 4_000 });
/** How long redis-server stays dead. */
const DOWN_MS = 500;
const RECOVERY_LIMIT_MS = 30_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

/** Under load, or while the world is quiet (no event follows the fault until recovery). */
type Fault = 'flush' | 'kill' | 'quiet flush' | 'quiet kill';
const FAULTS: readonly Fault[] = ['flush', 'kill', 'quiet flush', 'quiet kill'];

interface FaultRun {
  readonly fault: Fault;
  readonly round: number;
  readonly recoverySeconds: number;
  readonly divergence: Readonly<Record<string, number>>;
  readonly keys: number;
}

describe('Redis flushed or killed while projections follow the world (figure 9)', () => {
  const projections = createWorldProjections();
  let folder: string | undefined;
  let redis: RedisServerHandle | undefined;
  let raw: RedisConnection | undefined;
  let cache: ProjectionCache | undefined;
  let deployment: Deployment | undefined;
  const errors: string[] = [];

  afterAll(async () => {
    await deployment?.drain();
    await deployment?.close();
    await cache?.close();
    raw?.disconnect();
    await redis?.stop();
    if (folder !== undefined) await rm(folder, { recursive: true, force: true });
  });

  it('leaves 0 keys diverging from a replay of the log after each fault, without an operator', async () => {
    console.log(`redis projection: seed ${SEED} (REDIS_PROJECTION_SEED), profile ${chaosProfile()}, ${ROUNDS} round(s) of flush and kill`);
    folder = await mkdtemp(join(tmpdir(), 'shardkeep-redis-projection-'));
    redis = await startRedisServer();
    const server = redis;
    raw = await connectRedis(server.url, { name: 'chaos-operator' });
    const probe = createRedisProjectionCache(await connectRedis(server.url, { name: 'chaos-probe' }));
    cache = probe;
    const env = { REDIS_URL: server.url, SHARDKEEP_DATA_DIR: folder, SHARDKEEP_SQLITE_SYNC: 'normal' };
    deployment = await startDeployment(parseConfig(env), (error, context) => errors.push(`${context}: ${String(error)}`));
    const world = deployment;

    let lastProbeError = 'none';
    /** Every projection active again, its checkpoint at or past `head`. Probe failures (Redis away) read as not yet. */
    const recoveredPast = async (head: Position | undefined): Promise<boolean> => {
      try {
        for (const { name } of projections) {
          const active = await probe.activeVersion(name);
          if (active === undefined) return false;
          const checkpoint = await probe.checkpoint(name, active);
          if (head !== undefined && (checkpoint === undefined || comparePositions(checkpoint, head) < 0)) return false;
        }
        return true;
      } catch (error) {
        lastProbeError = String(error);
        return false;
      }
    };
    const waitUntil = async (check: () => Promise<boolean>, what: string): Promise<void> => {
      const deadline = performance.now() + RECOVERY_LIMIT_MS;
      while (!(await check())) {
        if (performance.now() > deadline) {
          // What the runners and the probe saw, to tell a stuck runner from a stuck probe.
          throw new Error(
            `${what}: not within ${RECOVERY_LIMIT_MS} ms; last probe error: ${lastProbeError}; ` +
              `runners: ${JSON.stringify(world.projections.stats(), (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))}; errors:\n${errors.slice(-10).join('\n')}`,
          );
        }
        await sleep(20);
      }
    };

    const runs: FaultRun[] = [];
    const faults: Fault[] = [];
    for (let index = 0; index < ROUNDS; index += 1) faults.push(...FAULTS);
    for (const [index, fault] of faults.entries()) {
      const quiet = fault.startsWith('quiet');
      const simulation = createWorldSimulation({
        transport: world.transport,
        players: 40,
        itemsPerPlayer: 3,
        actionsPerSecond: 200,
        maxInFlight: 200,
        seed: SEED + index,
        runTag: `f9r${index}`,
      });
      await simulation.start();
      await sleep(PLAYING_MS);
      if (quiet) {
        // The world stops and the runners catch up before the fault: no event will wake them.
        await simulation.stop();
        const head = await headOf(world.store);
        await waitUntil(() => recoveredPast(head), `catching up before ${fault}`);
      }

      // The fault, while the world keeps playing (or is quiet).
      let faultAt: number;
      if (fault.endsWith('flush')) {
        faultAt = performance.now();
        await raw.flushall();
      } else {
        await server.kill();
        await sleep(DOWN_MS);
        await server.restart();
        faultAt = performance.now();
      }
      const headAtFault = await headOf(world.store);
      await waitUntil(() => recoveredPast(headAtFault), `recovery after ${fault}`);
      const recoverySeconds = round((performance.now() - faultAt) / 1_000);

      // The world stops; once the runners reach the head, each keyspace must equal a replay.
      await simulation.stop();
      const head = await headOf(world.store);
      await waitUntil(() => recoveredPast(head), `catching up after ${fault}`);
      const diverging: Record<string, number> = {};
      let keys = 0;
      for (const projection of projections) {
        const live = await activeDigests(probe, projection.name);
        const replay = await replayDigests(world.store, projection);
        diverging[projection.name] = divergence(live, replay);
        keys += live.size;
      }
      runs.push({ fault, round: Math.floor(index / FAULTS.length) + 1, recoverySeconds, divergence: diverging, keys });
    }
    console.log(`redis projection: ${JSON.stringify(runs)}; ${errors.length} errors reported and recovered from`);

    const total = (fault: Fault): number =>
      runs.filter((run) => run.fault === fault).reduce((sum, run) => sum + Object.values(run.divergence).reduce((a, b) => a + b, 0), 0);
    const recovery = (fault: Fault): number => Math.max(...runs.filter((run) => run.fault === fault).map((run) => run.recoverySeconds));
    const pass = FAULTS.every((fault) => total(fault) === 0);
    recordFigure({
      figure: 9,
      scenario: `Redis flushed, and redis-server killed and restarted empty, under load and while quiet, ${ROUNDS} time(s) each`,
      verdict: pass ? 'pass' : 'fail',
      measurements: {
        projections: projections.length,
        'keys compared (last round)': runs.at(-1)?.keys ?? 0,
        'divergence after FLUSHALL (keys)': total('flush'),
        'divergence after kill and restart (keys)': total('kill'),
        'divergence after FLUSHALL, world quiet (keys)': total('quiet flush'),
        'divergence after kill and restart, world quiet (keys)': total('quiet kill'),
        'recovery after FLUSHALL s (max)': recovery('flush'),
        'recovery after restart s (max)': recovery('kill'),
        'recovery after FLUSHALL, world quiet s (max)': recovery('quiet flush'),
        'recovery after restart, world quiet s (max)': recovery('quiet kill'),
        'operator steps': 0,
      },
      seeds: faults.map((_, index) => SEED + index),
      method:
        'A deployment projects a simulated world log into a harness redis-server that is FLUSHALLed, or SIGKILLed and restarted empty, while the world plays or once it is quiet; the runners start over on their own, and once the world stops each projection keyspace is compared per key with a replay of the log into the embedded cache.',
    });

    for (const run of runs) {
      for (const projection of projections) expect(run.divergence[projection.name], `${run.fault} ${projection.name}`).toBe(0);
      expect(run.keys).toBeGreaterThan(0);
    }
  });
});
