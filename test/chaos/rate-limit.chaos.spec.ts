import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { RequestTransport } from '../../actors/runtime/bus.js';
import { encodeCommandEnvelope } from '../../actors/runtime/protocol/envelope.js';
import { decodeReply } from '../../actors/runtime/protocol/reply.js';
import { commandSubject } from '../../actors/runtime/protocol/subjects.js';
import type { EventStore } from '../../events/store/index.js';
import { worldCodec } from '../../events/world.js';
import { parseConfig } from '../../infra/config.js';
import { openSqliteEventStore } from '../../infra/eventstore/sqlite/index.js';
import { connectNats, createNatsRequestTransport, type NatsConnection } from '../../infra/nats/index.js';
import { seedWorld } from '../process/world-fixture.js';
import { recordFigure, scaled } from '../support/chaos/figures.js';
import type { FloodOptions, FloodWindow } from '../support/chaos/flooder-process.js';
import { startNatsServer, type NatsServerHandle } from '../support/servers/nats-server.js';
import { startScript, type ScriptProcess } from '../support/sqlite/script-process.js';

/**
 * Figure 15 of RELIABILITY.md: one player flooding commands is held to its rate limit,
 * and the other players do not notice. A world host runs in a process of its own, with
 * `npm start`'s default budgets (parsed by its own configuration parser), over a
 * harness-owned nats-server and a SQLite log on disk. Twenty players, sent by a game
 * server from this process, change zones at a steady, modest rate, and the latency of
 * each command is measured. Time is cut into windows that alternate: a quiet one, then
 * one in which a player with its own credentials, from a process and connection of its
 * own, sends thousands of commands a second on its own subjects. The flooder's accepted
 * commands must stay within burst + rate x duration in every flooded window (the rest
 * answered RATE_LIMITED, none in the log), and the median over flooded windows of the
 * others' p99 must be within 20% of the median over quiet ones. Short alternating
 * windows and medians: a busy machine's bursts (other builds, other tests) then fall on
 * both kinds of window alike, and one window they hit does not decide the figure.
 */

const HOST_PROCESS = fileURLToPath(new URL('../support/world/world-host-process.ts', import.meta.url));
const FLOODER_PROCESS = fileURLToPath(new URL('../support/chaos/flooder-process.ts', import.meta.url));

const PLAYERS = 20;
/** Each player's changeZone rate: far inside the default budget (20/s, burst 40). */
const PLAYER_RATE = 10;
/** Quiet and flooded windows in all (half each). */
const WINDOWS = scaled({ short: 28, full: 100 });
const WINDOW_MS = scaled({ short: 1_000, full: 1_200 });
const FLOOD_RATE = scaled({ short: 2_000, full: 4_000 });
const WARM_UP_MS = 2_000;
/** Samples sent this soon after a window begins are left out: the flood starting or draining. */
const SETTLE_MS = 150;
const P99_TOLERANCE = 1.2;
const FLOODER = 'flooder';
const TICK_MS = 10;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const now = (): number => performance.timeOrigin + performance.now();

const p99 = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(0.99 * sorted.length) - 1)] ?? Number.NaN;
};
const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};
const round2 = (value: number): number => Math.round(value * 100) / 100;

/** CPU time a process has used so far, in ms, from /proc (Linux; clock ticks are 10 ms there). */
const cpuMsOf = (pid: number): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};

interface CpuReading {
  readonly at: number;
  readonly cpuMs: number;
}

interface Sample {
  /** Wall-clock ms when sent. */
  readonly sentAt: number;
  readonly latencyMs: number;
  readonly ok: boolean;
}

/**
 * The players' steady load until `until` (wall clock): an open loop that sends, every
 * tick, what the rate owes since the start, each player in turn, each command to a new
 * zone (one event each).
 */
const steadyLoad = async (
  transport: RequestTransport,
  players: readonly string[],
  tag: string,
  until: number,
  onTick: () => void,
): Promise<Sample[]> => {
  const samples: Sample[] = [];
  let sent = 0;
  const pending: Promise<void>[] = [];
  const sendOne = async (): Promise<void> => {
    const player = players[sent % players.length] ?? '';
    const zone = `${tag}-${sent}`;
    sent += 1;
    const subject = commandSubject({ issuer: { kind: 'player', id: player }, category: 'player', actorId: player, command: 'changeZone' });
    const payload = encodeCommandEnvelope({ commandId: randomUUID(), data: { zone } });
    const sentAt = now();
    const reply = await transport.request(subject, payload, { timeoutMs: 10_000 });
    samples.push({ sentAt, latencyMs: now() - sentAt, ok: typeof reply !== 'string' && decodeReply(reply).ok });
  };
  const rate = players.length * PLAYER_RATE;
  const startedAt = now();
  for (;;) {
    const elapsed = Math.min(now(), until) - startedAt;
    const due = Math.floor((elapsed * rate) / 1000);
    while (sent < due) pending.push(sendOne());
    onTick();
    if (now() >= until) break;
    await sleep(TICK_MS);
  }
  await Promise.all(pending);
  return samples;
};

/** The zones the player's ZoneChanged events moved it to, from the log itself. */
const zonesInLog = async (store: EventStore, player: string): Promise<string[]> => {
  const zones: string[] = [];
  for await (const stored of store.read(`player-${player}`)) {
    const event = worldCodec.decode(stored);
    if (event.type === 'ZoneChanged') zones.push(event.data.to);
  }
  return zones;
};

describe('one player flooding commands (figure 15)', () => {
  let nats: NatsServerHandle | undefined;
  let folder: string | undefined;
  let host: ScriptProcess | undefined;
  let flooder: ScriptProcess | undefined;
  let connection: NatsConnection | undefined;
  let log: EventStore | undefined;

  afterAll(async () => {
    for (const child of [flooder, host]) {
      if (child === undefined) continue;
      if (child.child.exitCode === null && child.child.signalCode === null) child.child.kill('SIGKILL');
      await child.exited;
    }
    await connection?.close();
    await log?.close();
    await nats?.stop();
    if (folder !== undefined) await rm(folder, { recursive: true, force: true });
  });

  it('holds the flooder to burst + rate x duration and leaves the other players\' p99 within 20%', async () => {
    const budget = parseConfig({}).rateLimits.players;
    if (budget === 'off') throw new Error('the default player budget is off: nothing to measure');
    console.log(
      `rate-limit chaos: ${PLAYERS} players x ${PLAYER_RATE}/s; ${WINDOWS} windows of ${WINDOW_MS / 1000} s, every other one ` +
        `flooded at ${FLOOD_RATE}/s; budget ${budget.perSecond}/s, burst ${budget.burst}`,
    );

    nats = await startNatsServer({
      jetstream: false,
      config: `
authorization {
  users = [
    { user: host, password: host }
    { user: gameserver, password: gameserver }
    { user: ${FLOODER}, password: ${FLOODER},
      permissions: { publish: ["mmo.cmd.player.${FLOODER}.>"], subscribe: ["_INBOX.>"] } }
  ]
}`,
    });
    folder = await mkdtemp(join(tmpdir(), 'shardkeep-rate-limit-chaos-'));
    const file = join(folder, 'events.sqlite');
    host = startScript(HOST_PROCESS, [file, nats.url, 'host-rl', '--rate-limits']);
    await host.waitFor((lines) => lines.includes('ready'), 30_000);

    connection = await connectNats({ servers: nats.url, user: 'gameserver', pass: 'gameserver', name: 'rate-limit-players' });
    const transport = createNatsRequestTransport(connection);
    const players = Array.from({ length: PLAYERS }, (_, index) => `p${String(index).padStart(2, '0')}`);
    await seedWorld(transport, [...players, FLOODER], { gold: 0, items: 0 });

    const options: FloodOptions = {
      url: nats.url,
      user: FLOODER,
      pass: FLOODER,
      player: FLOODER,
      perSecond: FLOOD_RATE,
      windowMs: WINDOW_MS,
      windows: WINDOWS,
      leadMs: WARM_UP_MS,
      maxInFlight: 5_000,
    };
    flooder = startScript(FLOODER_PROCESS, [JSON.stringify(options)]);
    await flooder.waitFor((lines) => lines.some((line) => line.startsWith('start ')), 30_000);
    const startAt = Number((flooder.lines.find((line) => line.startsWith('start ')) ?? '').slice('start '.length));
    // The lead before window 0 warms every actor and code path; its samples are left out.
    const hostPid = host.child.pid ?? 0;
    const cpu: CpuReading[] = [];
    const samples = await steadyLoad(transport, players, 'z', startAt + WINDOWS * WINDOW_MS, () => cpu.push({ at: now(), cpuMs: cpuMsOf(hostPid) }));
    const flooderCpuMs = cpuMsOf(flooder.child.pid ?? 0);
    const natsCpuMs = cpuMsOf(nats.pid);
    await flooder.waitFor((lines) => lines.some((line) => line.startsWith('result ')), 60_000);
    const floods = (JSON.parse((flooder.lines.find((line) => line.startsWith('result ')) ?? '').slice('result '.length)) as FloodWindow[]).map(
      (flood) => ({ ...flood, bound: budget.burst + (budget.perSecond * flood.spanMs) / 1000 }),
    );
    await flooder.exited;

    const byWindow = Array.from({ length: WINDOWS }, (): number[] => []);
    let playersRefused = 0;
    for (const sample of samples) {
      if (!sample.ok) playersRefused += 1;
      const offset = sample.sentAt - startAt;
      const window = Math.floor(offset / WINDOW_MS);
      if (offset < 0 || window >= WINDOWS || offset - window * WINDOW_MS < SETTLE_MS) continue;
      byWindow[window]?.push(sample.latencyMs);
    }
    const windowP99 = byWindow.map(p99);
    const quietP99 = windowP99.filter((_, window) => window % 2 === 0);
    const floodP99 = windowP99.filter((_, window) => window % 2 === 1);
    const quietMedian = median(quietP99);
    const floodMedian = median(floodP99);
    const ratio = floodMedian / quietMedian;
    // The host's CPU in each window, from the readings nearest its edges.
    const cpuAt = (at: number): number => (cpu.find((reading) => reading.at >= at) ?? cpu[cpu.length - 1])?.cpuMs ?? 0;
    const hostCpu = Array.from({ length: WINDOWS }, (_, window) => {
      const from = startAt + window * WINDOW_MS;
      return (cpuAt(from + WINDOW_MS) - cpuAt(from)) / WINDOW_MS;
    });
    const quietCpu = median(hostCpu.filter((_, window) => window % 2 === 0));
    const floodCpu = median(hostCpu.filter((_, window) => window % 2 === 1));
    const pooledQuiet = p99(byWindow.filter((_, window) => window % 2 === 0).flat());
    const pooledFlood = p99(byWindow.filter((_, window) => window % 2 === 1).flat());

    log = openSqliteEventStore({ path: file, readonly: true, pollIntervalMs: 50 });
    const flooderZones = await zonesInLog(log, FLOODER);
    const sent = floods.reduce((sum, flood) => sum + flood.sent, 0);
    const accepted = floods.reduce((sum, flood) => sum + flood.ok, 0);
    const rateLimited = floods.reduce((sum, flood) => sum + flood.rateLimited, 0);
    const otherAnswers = floods.reduce((sum, flood) => sum + Object.values(flood.other).reduce((a, b) => a + b, 0), 0);
    const floodSeconds = floods.reduce((sum, flood) => sum + flood.spanMs, 0) / 1000;
    const overBound = floods.filter((flood) => flood.ok > flood.bound).length;
    // Over the whole run, however the flood was spread: one burst, and the rate for the time between.
    const floodedFrom = Math.min(...floods.map((flood) => flood.firstSendAt));
    const floodedUntil = Math.max(...floods.map((flood) => flood.lastReplyAt));
    const runBound = budget.burst + (budget.perSecond * (floodedUntil - floodedFrom)) / 1000;
    const acceptedZones = floods.flatMap((flood) => flood.acceptedZones);
    for (const flood of floods) {
      console.log(
        `window ${flood.window}: flooder sent ${flood.sent} in ${round2(flood.spanMs / 1000)} s, accepted ${flood.ok} ` +
          `(bound ${round2(flood.bound)}), rate limited ${flood.rateLimited}, other ${JSON.stringify(flood.other)}, skipped ${flood.skipped}`,
      );
    }
    console.log(`players p99 per quiet window (ms): ${quietP99.map(round2).join(', ')}`);
    console.log(`players p99 per flooded window (ms): ${floodP99.map(round2).join(', ')}`);
    console.log(`host CPU per window (share of a core): ${hostCpu.map(round2).join(', ')}`);
    console.log(`flooder process CPU ${round2(flooderCpuMs / 1000)} s, nats-server ${round2(natsCpuMs / 1000)} s, over ${round2((now() - startAt) / 1000)} s of windows`);
    console.log(
      `rate-limit chaos: players p99 median quiet ${round2(quietMedian)} ms, flooded ${round2(floodMedian)} ms (x${round2(ratio)}); ` +
        `pooled ${round2(pooledQuiet)} / ${round2(pooledFlood)} ms; flooder ${sent} sent, ${accepted} accepted (bound ${round2(runBound)}), ` +
        `${rateLimited} rate limited; ` +
        `${flooderZones.length} of its events in the log`,
    );

    const verdict =
      overBound === 0 && accepted <= runBound && otherAnswers === 0 && playersRefused === 0 && ratio <= P99_TOLERANCE && flooderZones.length === accepted ? 'pass' : 'fail';
    recordFigure({
      figure: 15,
      scenario: 'one player floods commands while 20 others play at a steady rate',
      verdict,
      measurements: {
        'flood rate (commands/s)': FLOOD_RATE,
        budget: `${budget.perSecond}/s, burst ${budget.burst}`,
        'flooded windows': floods.length,
        'flood seconds': round2(floodSeconds),
        'flooder commands sent': sent,
        'flooder accepted': accepted,
        'accepted bound, burst + rate x time from first flood to last reply': round2(runBound),
        'accepted bound, burst + rate x duration (sum over windows)': round2(floods.reduce((sum, flood) => sum + flood.bound, 0)),
        'windows over bound': overBound,
        'flooder rate limited': rateLimited,
        'flooder other answers': otherAnswers,
        'flooder events in the log': flooderZones.length,
        'players commands': samples.length,
        'players refused': playersRefused,
        'players p99 quiet, median of windows (ms)': round2(quietMedian),
        'players p99 flooded, median of windows (ms)': round2(floodMedian),
        'p99 flooded / quiet': round2(ratio),
        'players p99 quiet, pooled (ms)': round2(pooledQuiet),
        'players p99 flooded, pooled (ms)': round2(pooledFlood),
        'host CPU quiet, median of windows (share of a core)': round2(quietCpu),
        'host CPU flooded, median of windows (share of a core)': round2(floodCpu),
        'host CPU per refused command (µs)': round2(((floodCpu - quietCpu) * 1e6) / FLOOD_RATE),
        'players p99 per quiet window (ms)': quietP99.map(round2).join(', '),
        'players p99 per flooded window (ms)': floodP99.map(round2).join(', '),
      },
      method:
        `A world host in its own process with the default budgets over a harness-owned nats-server and a SQLite log; ${PLAYERS} players at ` +
        `${PLAYER_RATE} commands/s each through ${WINDOWS} alternating windows of ${WINDOW_MS / 1000} s, every other one flooded at ${FLOOD_RATE} ` +
        'commands/s by one player from its own process and credentials; its accepted commands checked against burst + rate x each window\'s span ' +
        'and against the log, and the medians of the per-window p99s compared.',
    });

    for (const flood of floods) {
      expect(flood.ok).toBeLessThanOrEqual(flood.bound);
      // The flooder still gets its budget: at least half of what the rate refills in a window.
      expect(flood.ok).toBeGreaterThanOrEqual((budget.perSecond * WINDOW_MS) / 2000);
      expect(flood.ok + flood.rateLimited).toBe(flood.sent);
      expect(flood.other).toEqual({});
    }
    expect(accepted).toBeLessThanOrEqual(runBound);
    // Accepted commands are in the log, one event each; refused ones are not.
    expect([...flooderZones].sort()).toEqual([...acceptedZones].sort());
    expect(playersRefused).toBe(0);
    expect(ratio).toBeLessThanOrEqual(P99_TOLERANCE);
  });
});
