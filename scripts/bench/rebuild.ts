import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventStore } from '../../infra/eventstore/sqlite/index.js';
import { connectRedis } from '../../infra/redis/index.js';
import { spawnRebuild } from '../shared/rebuild-process.js';
import { startBenchRedisServer } from './redis-server.js';
import { fillWorldLog } from './world-events.js';

/**
 * The rebuild of a 1,000,000-event log: the log is written once into a temporary SQLite
 * file by a fast generator of world events (world-events.ts), then `npm run rebuild --
 * --all` runs against it and a redis-server started for the bench, as an operator would
 * run it (its own process; progress and the JSON report read back). Round 1 finds no
 * version (a first build); round 2 replaces the version round 1 made and drops its keys,
 * the case the tool is for. Reading the log alone, without projecting, is the baseline.
 */
export interface RebuildBenchOptions {
  readonly events: number;
  readonly players: number;
  readonly guilds: number;
  readonly seed: number;
}

export const DEFAULT_REBUILD_OPTIONS: RebuildBenchOptions = { events: 1_000_000, players: 20_000, guilds: 500, seed: 20261124 };

interface ProjectionFigure {
  readonly projection: string;
  readonly version: number;
  readonly events: number;
  readonly buildSeconds: number;
  readonly droppedKeys: number;
}

export interface RebuildRound {
  /** The whole command, process start to exit. */
  readonly seconds: number;
  readonly projections: readonly ProjectionFigure[];
}

export interface RebuildFigures {
  readonly events: number;
  readonly fillSeconds: number;
  readonly fileBytes: number;
  readonly readSeconds: number;
  readonly rounds: readonly RebuildRound[];
  readonly keys: number;
}

const count = (value: number): string => Math.round(value).toLocaleString('en-US');

const runRebuildCommand = async (env: Readonly<Record<string, string>>, report: (line: string) => void): Promise<RebuildRound> => {
  const started = performance.now();
  const child = spawnRebuild(['--all', '--json'], env);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  // Not a terminal: the progress comes as plain lines, passed on as they arrive.
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const line of chunk.split('\n').filter((text) => text.trim() !== '')) report(`  | ${line}`);
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`rebuild exited ${String(code)}:\n${stderr}`);
  const parsed = JSON.parse(stdout) as { projections: ProjectionFigure[] };
  return { seconds, projections: parsed.projections.map(({ projection, version, events, buildSeconds, droppedKeys }) => ({ projection, version, events, buildSeconds, droppedKeys })) };
};

export const benchRebuild = async (options: RebuildBenchOptions, report: (line: string) => void): Promise<RebuildFigures> => {
  const dir = mkdtempSync(join(tmpdir(), 'shardkeep-bench-rebuild-'));
  const server = await startBenchRedisServer();
  try {
    const file = join(dir, 'events.sqlite');
    report(`writing ${count(options.events)} world events (${count(options.players)} players, up to ${options.guilds} guilds) into ${file}`);
    const store = openSqliteEventStore({ path: file, synchronous: 'normal' });
    let started = performance.now();
    const events = await fillWorldLog(store, options, (written) => report(`  ${count(written)} events`));
    const fillSeconds = (performance.now() - started) / 1000;
    report(`written: ${count(events)} events in ${fillSeconds.toFixed(1)} s (${count(events / fillSeconds)} events/s)`);
    started = performance.now();
    let read = 0;
    for await (const _event of store.readAll()) read += 1;
    const readSeconds = (performance.now() - started) / 1000;
    await store.close();
    report(`read $all: ${count(read)} events in ${readSeconds.toFixed(1)} s`);

    report(`redis-server pid ${server.pid} on port ${server.port}`);
    const env = { REDIS_URL: server.url, SHARDKEEP_DATA_DIR: dir };
    const rounds: RebuildRound[] = [];
    for (let round = 1; round <= 2; round += 1) {
      report(`round ${round}: npm run rebuild -- --all --json`);
      const figures = await runRebuildCommand(env, report);
      rounds.push(figures);
      report(`round ${round}: ${figures.seconds.toFixed(1)} s, ${count(events / figures.seconds)} log events/s`);
    }
    const admin = await connectRedis(server.url, { name: 'bench-admin' });
    const keys = await admin.dbsize();
    await admin.quit();
    return { events, fillSeconds, fileBytes: statSync(file).size, readSeconds, rounds, keys };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
};

export const rebuildTable = (figures: RebuildFigures): string => {
  const rows = figures.rounds.map((round, index) => {
    const perProjection = round.projections.map(({ projection, events, buildSeconds }) => `${projection} ${count(events)} in ${buildSeconds.toFixed(1)} s`).join('; ');
    const dropped = round.projections.reduce((sum, { droppedKeys }) => sum + droppedKeys, 0);
    const what = index === 0 ? 'rebuild --all, no version yet (first build)' : `rebuild --all over a live version (drops ${count(dropped)} keys)`;
    return `| ${what} | ${round.seconds.toFixed(1)} | ${count(figures.events / round.seconds)} | ${perProjection} |`;
  });
  return [
    `${count(figures.events)} world events in a SQLite log of ${(figures.fileBytes / 2 ** 20).toFixed(0)} MiB (written in ${figures.fillSeconds.toFixed(1)} s); ` +
      `${count(figures.keys)} Redis keys once built. Seconds are the whole command, process start to exit; events/s is the log's events over them. ` +
      'The three projections are built side by side, each reading the whole log.',
    '',
    '| what | seconds | log events/s | per projection: its events, build seconds |',
    '|---|---:|---:|---|',
    `| read \`$all\` alone (baseline, one pass) | ${figures.readSeconds.toFixed(1)} | ${count(figures.events / figures.readSeconds)} | |`,
    ...rows,
  ].join('\n');
};
