import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventStore, ProposedEvent } from '../../events/store/index.js';
import { worldCodec } from '../../events/world.js';
import { openSqliteEventStore } from '../../infra/eventstore/sqlite/index.js';
import { EconomyModel, type EconomyCommand } from './audit-economy.js';
import type { AuditProcessFigures, AuditProcessRequest } from './audit-process.js';

/**
 * The economy audit over a 1,000,000-event log (`--suite audit`): the log of a fixed
 * population (audit-economy.ts) is written once into a temporary SQLite file, then the
 * audit runs in a process of its own (audit-process.ts), as `npm run audit -- economy`
 * reads it: over the first quarter of the log and over all of it (same world, four times
 * the events: memory must follow the world, not the log), beside reading and decoding the
 * log alone (the baseline: what any reader of the log pays).
 */
export interface AuditBenchOptions {
  readonly events: number;
  readonly players: number;
  readonly seed: number;
  /** Rounds of the three runs; each figure is the median round. */
  readonly rounds: number;
}

export const DEFAULT_AUDIT_OPTIONS: AuditBenchOptions = { events: 1_000_000, players: 20_000, seed: 20261124, rounds: 3 };

export interface AuditBenchFigures {
  readonly written: number;
  readonly writeSeconds: number;
  readonly fileBytes: number;
  readonly runs: readonly (AuditProcessFigures & { readonly label: string })[];
}

const TSX_LOADER = fileURLToPath(import.meta.resolve('tsx'));
const CHILD = fileURLToPath(new URL('./audit-process.ts', import.meta.url));
/** Events per round of appends: one or a few group-commit transactions. */
const ROUND_EVENTS = 4_000;

const encode = (command: EconomyCommand, at: number): ProposedEvent[] => {
  const commandId = randomUUID();
  return command.events.map((event) =>
    worldCodec.encode(event, {
      eventId: randomUUID(),
      commandId,
      correlationId: command.correlationId ?? commandId,
      causationId: commandId,
      occurredAt: new Date(at),
      issuer: command.issuer,
    }),
  );
};

/** Appends in the order the model made them: each round's appends are issued in order and share group commits. */
export const fillEconomyLog = async (store: EventStore, options: AuditBenchOptions, onProgress: (written: number) => void): Promise<number> => {
  const model = new EconomyModel(options.players, options.seed);
  let written = 0;
  let reported = 0;
  let round: Promise<unknown>[] = [];
  let inRound = 0;
  const flush = async (): Promise<void> => {
    await Promise.all(round);
    round = [];
    inRound = 0;
    if (written - reported >= 100_000) {
      reported = written;
      onProgress(written);
    }
  };
  const add = async (command: EconomyCommand): Promise<void> => {
    round.push(store.append(command.stream, encode(command, model.now()), { expectedRevision: 'any' }));
    written += command.events.length;
    inRound += command.events.length;
    if (inRound >= ROUND_EVENTS) await flush();
  };
  for (const command of model.seed()) await add(command);
  while (written < options.events) for (const command of model.next()) await add(command);
  await flush();
  return written;
};

const runChild = (request: AuditProcessRequest): Promise<AuditProcessFigures> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', TSX_LOADER, CHILD, JSON.stringify(request)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`audit bench child exited with ${String(code)}`));
      else resolve(JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as AuditProcessFigures);
    });
  });

export const benchAudit = async (options: AuditBenchOptions, say: (line: string) => void): Promise<AuditBenchFigures> => {
  const dir = mkdtempSync(join(tmpdir(), 'shardkeep-bench-audit-'));
  const file = join(dir, 'events.sqlite');
  try {
    const store = openSqliteEventStore({ path: file, synchronous: 'normal' });
    const started = performance.now();
    const written = await fillEconomyLog(store, options, (count) => say(`written ${count.toLocaleString('en-US')} events`));
    await store.close();
    const writeSeconds = (performance.now() - started) / 1000;
    say(`log of ${written.toLocaleString('en-US')} events written in ${writeSeconds.toFixed(1)} s (${options.players.toLocaleString('en-US')} players)`);
    const quarter = Math.round(written / 4);
    const plan: [string, AuditProcessRequest][] = [
      ['read and decode only (baseline)', { file, mode: 'read' }],
      [`economy audit, first ${quarter.toLocaleString('en-US')} events`, { file, mode: 'audit', limit: quarter }],
      ['economy audit, whole log', { file, mode: 'audit' }],
    ];
    // Rounds alternate the runs, and each figure is the round of median time: a loaded machine moves single runs.
    const measured = plan.map((): AuditProcessFigures[] => []);
    for (let round = 1; round <= options.rounds; round += 1) {
      for (const [index, [label, request]] of plan.entries()) {
        const figures = await runChild(request);
        say(`round ${round}, ${label}: ${figures.events.toLocaleString('en-US')} events in ${figures.seconds.toFixed(1)} s`);
        measured[index]?.push(figures);
      }
    }
    const runs = plan.map(([label], index) => {
      const sorted = [...(measured[index] ?? [])].sort((a, b) => a.seconds - b.seconds);
      const median = sorted[Math.floor(sorted.length / 2)];
      if (median === undefined) throw new Error(`no run of ${label}`);
      return { label, ...median };
    });
    return { written, writeSeconds, fileBytes: statSync(file).size, runs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const thousands = (value: number): string => value.toLocaleString('en-US');

export const auditTable = (figures: AuditBenchFigures, options: AuditBenchOptions): string => {
  const rows = figures.runs.map((run) => {
    const actors = options.players + run.items + run.trades + run.auctions;
    const world = run.mode === 'audit' ? `${thousands(run.items)} / ${thousands(run.trades)} / ${thousands(run.auctions)}` : '–';
    const perActor = run.mode === 'audit' ? `${Math.round(run.retainedHeapBytes / actors)} B` : '–';
    return (
      `| ${run.label} | ${thousands(run.events)} | ${run.seconds.toFixed(1)} | ${thousands(Math.round(run.events / run.seconds))} | ` +
      `${mib(run.peakHeapBytes)} | ${mib(run.peakRssBytes)} | ${mib(run.retainedHeapBytes)} | ${world} | ${perActor} | ${run.mode === 'audit' ? String(run.problems) : '–'} |`
    );
  });
  return [
    `Log: ${thousands(figures.written)} events of ${thousands(options.players)} players (SQLite, ${mib(figures.fileBytes)}, written in ${figures.writeSeconds.toFixed(0)} s); each run in a process of its own, the median of ${options.rounds} rounds.`,
    '',
    '| run | events | seconds | events/s | peak heap | peak RSS | heap held at the end | items / trades / auctions | held per actor | violations |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
};
