import { randomUUID } from 'node:crypto';
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
import type { FloodOptions, FloodResult } from '../support/chaos/flooder-process.js';
import { startNatsServer, type NatsServerHandle } from '../support/servers/nats-server.js';
import { startScript, type ScriptProcess } from '../support/sqlite/script-process.js';

/**
 * Figure 15 of RELIABILITY.md: one player flooding commands is held to its rate limit,
 * and the other players do not notice. A world host runs in a process of its own, with
 * `npm start`'s default budgets (parsed by its own configuration parser), over a
 * harness-owned nats-server and a SQLite log on disk. Twenty players, sent by a game
 * server from this process, change zones at a steady, modest rate, and the latency of
 * each command is measured. Rounds alternate: a quiet one, then one in which a player
 * with its own credentials, from a process and connection of its own, sends thousands
 * of commands a second on its own subjects. The flooder's accepted commands must stay
 * within burst + rate x duration in every flood round (the rest answered RATE_LIMITED,
 * none in the log), and the median over flood rounds of the others' p99 must be within
 * 20% of the median over quiet rounds: medians, so that one round hit by the rest of a
 * busy machine does not decide the figure.
 */

const HOST_PROCESS = fileURLToPath(new URL('../support/world/world-host-process.ts', import.meta.url));
const FLOODER_PROCESS = fileURLToPath(new URL('../support/chaos/flooder-process.ts', import.meta.url));

const PLAYERS = 20;
/** Each player's changeZone rate: far inside the default budget (20/s, burst 40). */
const PLAYER_RATE = 10;
const ROUNDS = scaled({ short: 3, full: 6 });
const ROUND_MS = scaled({ short: 4_000, full: 12_000 });
const FLOOD_RATE = scaled({ short: 2_000, full: 4_000 });
const WARM_UP_MS = 2_000;
/** The flood starts this long after its process is ready, and runs past the measured window on both sides. */
const FLOOD_LEAD_MS = 300;
const FLOOD_MARGIN_MS = 300;
const P99_TOLERANCE = 1.2;
const FLOODER = 'flooder';
const TICK_MS = 10;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};
const round2 = (value: number): number => Math.round(value * 100) / 100;

interface RoundLoad {
  readonly latenciesMs: readonly number[];
  readonly refused: number;
}

/**
 * The players' steady load for `durationMs`: an open loop that sends, every tick, what the
 * rate owes since the start, each player in turn, each command to a new zone (one event).
 */
const steadyLoad = async (transport: RequestTransport, players: readonly string[], tag: string, durationMs: number): Promise<RoundLoad> => {
  const latenciesMs: number[] = [];
  let refused = 0;
  let sent = 0;
  const pending: Promise<void>[] = [];
  const sendOne = async (): Promise<void> => {
    const player = players[sent % players.length] ?? '';
    const zone = `${tag}-${sent}`;
    sent += 1;
    const subject = commandSubject({ issuer: { kind: 'player', id: player }, category: 'player', actorId: player, command: 'changeZone' });
    const payload = encodeCommandEnvelope({ commandId: randomUUID(), data: { zone } });
    const started = performance.now();
    const reply = await transport.request(subject, payload, { timeoutMs: 10_000 });
    latenciesMs.push(performance.now() - started);
    if (typeof reply === 'string' || !decodeReply(reply).ok) refused += 1;
  };
  const rate = players.length * PLAYER_RATE;
  const startedAt = performance.now();
  for (;;) {
    const elapsed = performance.now() - startedAt;
    const due = Math.floor((Math.min(elapsed, durationMs) * rate) / 1000);
    while (sent < due) pending.push(sendOne());
    if (elapsed >= durationMs) break;
    await sleep(TICK_MS);
  }
  await Promise.all(pending);
  return { latenciesMs, refused };
};

/** The zones the flooder's ZoneChanged events moved it to, from the log itself. */
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
      `rate-limit chaos: ${PLAYERS} players x ${PLAYER_RATE}/s, ${ROUNDS} quiet and ${ROUNDS} flood rounds of ${ROUND_MS / 1000} s, ` +
        `flood ${FLOOD_RATE}/s, budget ${budget.perSecond}/s burst ${budget.burst}`,
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
    // Every actor resident and the code paths warm before anything is measured.
    await steadyLoad(transport, players, 'warm', WARM_UP_MS);

    const quietP99: number[] = [];
    const floodP99: number[] = [];
    const floods: (FloodResult & { readonly bound: number })[] = [];
    let playersRefused = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      const quiet = await steadyLoad(transport, players, `q${round}`, ROUND_MS);
      quietP99.push(percentile([...quiet.latenciesMs].sort((a, b) => a - b), 0.99));
      playersRefused += quiet.refused;

      const options: FloodOptions = {
        url: nats.url,
        user: FLOODER,
        pass: FLOODER,
        player: FLOODER,
        zonePrefix: `f${round}-`,
        perSecond: FLOOD_RATE,
        durationMs: FLOOD_LEAD_MS + ROUND_MS + FLOOD_MARGIN_MS,
        startDelayMs: FLOOD_LEAD_MS,
        maxInFlight: 5_000,
      };
      flooder = startScript(FLOODER_PROCESS, [JSON.stringify(options)]);
      await flooder.waitFor((lines) => lines.includes('ready'), 30_000);
      // Measured once the flood is under way (the lead plus a margin), while it lasts.
      await sleep(FLOOD_LEAD_MS + FLOOD_MARGIN_MS);
      const flooded = await steadyLoad(transport, players, `f${round}`, ROUND_MS - FLOOD_MARGIN_MS);
      floodP99.push(percentile([...flooded.latenciesMs].sort((a, b) => a - b), 0.99));
      playersRefused += flooded.refused;
      await flooder.waitFor((lines) => lines.some((line) => line.startsWith('result ')), 60_000);
      const line = flooder.lines.find((each) => each.startsWith('result ')) ?? '';
      const result = JSON.parse(line.slice('result '.length)) as FloodResult;
      await flooder.exited;
      flooder = undefined;
      floods.push({ ...result, bound: budget.burst + (budget.perSecond * result.spanMs) / 1000 });
      console.log(
        `round ${round}: quiet p99 ${round2(quietP99[round] ?? 0)} ms, flood p99 ${round2(floodP99[round] ?? 0)} ms; ` +
          `flooder sent ${result.sent} in ${round2(result.spanMs / 1000)} s, accepted ${result.ok} (bound ${round2(floods[round]?.bound ?? 0)}), ` +
          `rate limited ${result.rateLimited}, other ${JSON.stringify(result.other)}, skipped ${result.skipped}`,
      );
    }

    log = openSqliteEventStore({ path: file, readonly: true, pollIntervalMs: 50 });
    const flooderZones = await zonesInLog(log, FLOODER);
    const quietMedian = median(quietP99);
    const floodMedian = median(floodP99);
    const sent = floods.reduce((sum, flood) => sum + flood.sent, 0);
    const accepted = floods.reduce((sum, flood) => sum + flood.ok, 0);
    const rateLimited = floods.reduce((sum, flood) => sum + flood.rateLimited, 0);
    const otherAnswers = floods.reduce((sum, flood) => sum + Object.values(flood.other).reduce((a, b) => a + b, 0), 0);
    const floodSeconds = floods.reduce((sum, flood) => sum + flood.spanMs, 0) / 1000;
    const overBound = floods.filter((flood) => flood.ok > flood.bound).length;
    const acceptedZones = floods.flatMap((flood) => flood.acceptedZones);
    const ratio = floodMedian / quietMedian;
    const verdict =
      overBound === 0 && otherAnswers === 0 && playersRefused === 0 && ratio <= P99_TOLERANCE && flooderZones.length === accepted ? 'pass' : 'fail';
    console.log(
      `rate-limit chaos: quiet p99 median ${round2(quietMedian)} ms, flood p99 median ${round2(floodMedian)} ms (x${round2(ratio)}); ` +
        `flooder ${sent} sent, ${accepted} accepted, ${rateLimited} rate limited; ${flooderZones.length} of its events in the log`,
    );

    recordFigure({
      figure: 15,
      scenario: 'one player floods commands while 20 others play at a steady rate',
      verdict,
      measurements: {
        'flood rate (commands/s)': FLOOD_RATE,
        budget: `${budget.perSecond}/s, burst ${budget.burst}`,
        'flood rounds': ROUNDS,
        'flooder commands sent': sent,
        'flooder accepted': accepted,
        'flooder accepted bound (sum over rounds)': round2(floods.reduce((sum, flood) => sum + flood.bound, 0)),
        'flooder rate limited': rateLimited,
        'flooder other answers': otherAnswers,
        'flooder events in the log': flooderZones.length,
        'flood seconds': round2(floodSeconds),
        'rounds over bound': overBound,
        'players refused': playersRefused,
        'players p99 quiet, median (ms)': round2(quietMedian),
        'players p99 flood, median (ms)': round2(floodMedian),
        'p99 flood / quiet': round2(ratio),
        'players p99 per quiet round (ms)': quietP99.map(round2).join(', '),
        'players p99 per flood round (ms)': floodP99.map(round2).join(', '),
      },
      method:
        `A world host in its own process with the default budgets over a harness-owned nats-server; ${PLAYERS} players at ${PLAYER_RATE} commands/s each, ` +
        `in ${ROUNDS} quiet rounds alternating with ${ROUNDS} rounds of ${ROUND_MS / 1000} s in which one player floods ${FLOOD_RATE} commands/s from its own process and credentials; ` +
        'accepted commands checked against burst + rate x each flood\'s span and against the log, and the median of per-round p99s compared.',
    });

    for (const flood of floods) {
      expect(flood.ok).toBeLessThanOrEqual(flood.bound);
      // Each flood starts after a quiet round long enough to refill the whole burst.
      expect(flood.ok).toBeGreaterThanOrEqual(budget.burst);
      expect(flood.ok + flood.rateLimited).toBe(flood.sent);
      expect(flood.other).toEqual({});
    }
    // Accepted commands are in the log, one event each; refused ones are not.
    expect([...flooderZones].sort()).toEqual([...acceptedZones].sort());
    expect(playersRefused).toBe(0);
    expect(ratio).toBeLessThanOrEqual(P99_TOLERANCE);
  });
});
