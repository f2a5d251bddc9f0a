import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparePositions, formatPosition, type EventStore, type Position } from '../../events/store/index.js';
import { openSqliteEventStore } from '../../infra/eventstore/sqlite/index.js';
import { connectRedis, createRedisProjectionCache } from '../../infra/redis/index.js';
import type { ProjectionCache } from '../../projections/runner/index.js';
import { recordFigure, scaled } from '../support/chaos/figures.js';
import { appendZoneChanges, checkCounts } from '../support/projections/counting-projection.js';
import { startRedisServer, type RedisServerHandle } from '../support/servers/redis-server.js';
import { startScript, type ScriptProcess } from '../support/sqlite/script-process.js';
import { seededRandom } from '../../scripts/simulation/random.js';

/**
 * Figure 10 of RELIABILITY.md: a projector in a process of its own is SIGKILLed 20 times
 * at random moments while it projects a SQLite log into a real redis-server (a log filled
 * beforehand, and appended to while the kills go on), and started again each time. At the
 * end a replay of the log, compared key by key with Redis, must find no event applied
 * twice and none skipped: the writes of a batch and its checkpoint go in one MULTI/EXEC,
 * so a kill lands either before the batch or after it.
 *
 * The seed is printed; `PROJECTOR_KILLS_SEED=<n>` replays the choices (the kills land
 * wherever the timing puts them). Under `npm run chaos` it records figure 10; the full
 * profile kills three times as often over a log three times as long.
 */
const PROJECTOR = fileURLToPath(new URL('../support/projections/projector-process.ts', import.meta.url));
const SEED = Number(process.env['PROJECTOR_KILLS_SEED'] ?? 20261124);
const KILLS = scaled({ short: 20, full: 60 });
const STREAMS = 100;
const PREFILLED_PER_STREAM = scaled({ short: 300, full: 900 });
/** Small batches: more commits, so more kills land close to one. */
const BATCH_SIZE = 25;
const MAX_KILL_DELAY_MS = 300;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const headOf = async (store: EventStore): Promise<Position> => {
  for await (const event of store.readAll({ direction: 'backwards', maxCount: 1 })) return event.position;
  throw new Error('the log is empty');
};

describe('projector killed while it projects (figure 10)', () => {
  let redis: RedisServerHandle;
  let folder: string;
  let store: EventStore;
  let cache: ProjectionCache;
  const projectors: ScriptProcess[] = [];

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'shardkeep-projector-kills-'));
    redis = await startRedisServer();
    store = openSqliteEventStore({ path: join(folder, 'events.sqlite'), synchronous: 'normal' });
    cache = createRedisProjectionCache(await connectRedis(redis.url));
  });

  afterAll(async () => {
    for (const projector of projectors) {
      if (projector.child.exitCode === null && projector.child.signalCode === null) projector.child.kill('SIGKILL');
      await projector.exited;
    }
    await cache?.close();
    await store?.close();
    await redis?.stop();
    await rm(folder, { recursive: true, force: true });
  });

  it(`double-applies 0 and skips 0 events after ${KILLS} SIGKILLs`, { timeout: scaled({ short: 120_000, full: 300_000 }) }, async () => {
    console.log(`projector kills: seed ${SEED}`);
    const random = seededRandom(SEED);
    const file = join(folder, 'events.sqlite');
    for (let stream = 0; stream < STREAMS; stream += 1) await appendZoneChanges(store, `player-p${stream}`, PREFILLED_PER_STREAM, 100);

    // Live appends while the projector is killed: the runner's live path is killed too.
    let appending = true;
    const appender = (async () => {
      while (appending) {
        await appendZoneChanges(store, `player-p${Math.floor(random() * STREAMS)}`, 10);
        await sleep(30);
      }
    })();

    let killedMidway = 0;
    let livesThatCommitted = 0;
    for (let kill = 0; kill < KILLS; kill += 1) {
      const before = await cache.checkpoint('counting', 1);
      const projector = startScript(PROJECTOR, [file, redis.url, '--batch-size', String(BATCH_SIZE)]);
      projectors.push(projector);
      await projector.waitFor((lines) => lines.includes('ready'));
      await sleep(Math.floor(random() * MAX_KILL_DELAY_MS));
      projector.child.kill('SIGKILL');
      expect((await projector.exited).signal).toBe('SIGKILL');
      expect(projector.stderr()).toBe('');
      const checkpoint = await cache.checkpoint('counting', 1);
      if (checkpoint !== undefined && comparePositions(checkpoint, await headOf(store)) < 0) killedMidway += 1;
      if (checkpoint !== undefined && (before === undefined || comparePositions(checkpoint, before) > 0)) livesThatCommitted += 1;
    }
    appending = false;
    await appender;

    const head = await headOf(store);
    const last = startScript(PROJECTOR, [file, redis.url, '--batch-size', String(BATCH_SIZE)]);
    projectors.push(last);
    await last.waitFor((lines) => lines.includes('caught-up'), 30_000);
    const checkpoint = await cache.checkpoint('counting', 1);
    last.child.kill('SIGTERM');
    await last.exited;

    const check = await checkCounts(store, cache, { name: 'counting', version: 1 });
    console.log(
      `projector kills: ${KILLS} kills (${killedMidway} with the log not yet projected, ${livesThatCommitted} after committing), ` +
        `${check.events} events, ` +
        `double-applied ${check.doubleApplied}, skipped ${check.skipped}, wrong stream counts ${check.wrongCounts}`,
    );
    const caughtUp = checkpoint !== undefined && formatPosition(checkpoint) === formatPosition(head);
    recordFigure({
      figure: 10,
      scenario: 'projector SIGKILLed while it projects into redis-server',
      verdict:
        caughtUp && check.doubleApplied === 0 && check.skipped === 0 && check.wrongCounts === 0 && killedMidway >= KILLS / 2 && livesThatCommitted >= KILLS / 2
          ? 'pass'
          : 'fail',
      measurements: {
        kills: KILLS,
        'kills with the log not yet projected': killedMidway,
        'lives that committed': livesThatCommitted,
        events: check.events,
        'double-applied': check.doubleApplied,
        skipped: check.skipped,
        'wrong stream counts': check.wrongCounts,
      },
      seeds: [SEED],
      method:
        `A projector process was SIGKILLed ${KILLS} times at random moments (0–${MAX_KILL_DELAY_MS} ms after it was ready) while it projected a SQLite log of ` +
        `${STREAMS * PREFILLED_PER_STREAM} events, appended to meanwhile, into a harness redis-server in batches of ${BATCH_SIZE}; ` +
        'after a last run caught up, a replay of the log compared every stream\'s count with Redis.',
    });
    expect(checkpoint === undefined ? undefined : formatPosition(checkpoint)).toBe(formatPosition(head));
    expect(check).toMatchObject({ doubleApplied: 0, skipped: 0, wrongCounts: 0 });
    expect(check.events).toBeGreaterThan(STREAMS * PREFILLED_PER_STREAM);
    // The kills must have landed while there was projecting to do, or they prove nothing.
    expect(killedMidway).toBeGreaterThanOrEqual(KILLS / 2);
    expect(livesThatCommitted).toBeGreaterThanOrEqual(KILLS / 2);
  });
});
