import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { CommandReply } from '../../actors/runtime/protocol/reply.js';
import type { EventStore } from '../../events/store/index.js';
import { createCommandClient, type CommandClient } from '../../infra/client/index.js';
import { openSqliteEventStore } from '../../infra/eventstore/sqlite/index.js';
import { connectNats, createNatsRequestTransport, type NatsConnection } from '../../infra/nats/index.js';
import { seededRandom } from '../../scripts/simulation/random.js';
import { seedWorld } from '../process/world-fixture.js';
import { readCommandLog } from '../support/chaos/command-log.js';
import { chaosProfile, recordFigure, scaled } from '../support/chaos/figures.js';
import { classifyCommands, type ClientOutcome, type SentCommand } from '../support/chaos/jepsen.js';
import { createItemMover, seededItems, shareItems, type WorldCommand } from '../support/chaos/wallet-and-items.js';
import { startNatsServer, type NatsServerHandle } from '../support/servers/nats-server.js';
import { startScript, type ScriptProcess } from '../support/sqlite/script-process.js';

/**
 * Figure 8 of RELIABILITY.md: the nats-server is SIGKILLed and started again on the same
 * port while game servers send commands. A world host runs in a process of its own on a
 * durable SQLite log (synchronous=FULL); two game servers (two NATS connections, the
 * product's reconnect settings; one with the client's default deadline, one impatient)
 * send wallet credits and item transfers through the typed client's retries. A command left unknown is sent again with its commandId by the worker
 * that sent it, at once, while the actor still remembers the id (and whatever is left after
 * the load is sent again until answered); then the log is read back and every command
 * classified the Jepsen way. Recovery is the time from a restart (the server ready again)
 * to the first command acknowledged after it.
 *
 * The seed is printed; `NATS_RESTART_SEED=<n>` replays its choices (the kills land
 * wherever the timing puts them).
 */

const HOST_PROCESS = fileURLToPath(new URL('../support/world/world-host-process.ts', import.meta.url));
const SEED = Number(process.env['NATS_RESTART_SEED'] ?? 20261208);
const RESTARTS = scaled({ short: 1, full: 6 });
const PLAYERS = 30;
const ITEMS_PER_PLAYER = 3;
const CLIENTS = 2;
const WORKERS_PER_CLIENT = 6;
/** Load before the first kill, and between a recovery and the next kill. */
const STEADY_MS = { min: 1_500, max: 3_000 };
/** How long the server stays dead. */
const DOWN_MS = { min: 200, max: 1_500 };
/** A restart must be followed by an acknowledgement within this. */
const RECOVERY_LIMIT_MS = 20_000;
/** Resends of an unknown by the worker that sent it, then rounds of resending what is left after the load. */
const RESENDS = 5;
const SETTLE_ROUNDS = 10;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const outcomeOf = (reply: CommandReply): ClientOutcome =>
  reply.ok ? 'ok' : reply.error.code === 'TIMEOUT' || reply.error.code === 'INTERNAL' ? 'unknown' : 'failed';

interface Sent extends SentCommand, WorldCommand {
  /** What the client's first call answered; `outcome` is the answer after resending an unknown. */
  readonly firstOutcome: ClientOutcome;
  readonly client: number;
  readonly code: string;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

describe('nats-server killed and restarted during load (figure 8)', () => {
  let nats: NatsServerHandle | undefined;
  let folder: string | undefined;
  let host: ScriptProcess | undefined;
  let log: EventStore | undefined;
  const connections: NatsConnection[] = [];

  afterAll(async () => {
    if (host !== undefined && host.child.exitCode === null && host.child.signalCode === null) host.child.kill('SIGKILL');
    await host?.exited;
    for (const connection of connections) await connection.close();
    await log?.close();
    await nats?.stop();
    if (folder !== undefined) await rm(folder, { recursive: true, force: true });
  });

  it('loses no acknowledged command, applies none twice and recovers after every restart', async () => {
    const random = seededRandom(SEED);
    const between = ({ min, max }: { min: number; max: number }): number => min + Math.floor(random() * (max - min));
    console.log(`nats restart: seed ${SEED} (NATS_RESTART_SEED), profile ${chaosProfile()}, ${RESTARTS} restart(s)`);

    nats = await startNatsServer({
      config: `
authorization {
  users = [
    { user: host, password: host }
    { user: gameserver, password: gameserver }
  ]
}`,
    });
    const server = nats;
    folder = await mkdtemp(join(tmpdir(), 'shardkeep-nats-restart-'));
    const file = join(folder, 'events.sqlite');
    host = startScript(HOST_PROCESS, [file, server.url, 'host-a']);
    await host.waitFor((lines) => lines.includes('ready'), 30_000);

    // The game servers connect as the product does (connectNats: reconnect forever, 250 ms
    // pauses). The first keeps the client's default deadline (5 s), which outlasts a restart;
    // the second gives up after 1.5 s, so its commands in flight at a kill end unknown.
    const clients: CommandClient[] = [];
    for (let index = 0; index < CLIENTS; index += 1) {
      const connection = await connectNats({ servers: server.url, user: 'gameserver', pass: 'gameserver', name: `game-server-${index}` });
      connections.push(connection);
      const deadlines = index === 0 ? {} : { timeoutMs: 1_000, deadlineMs: 1_500 };
      clients.push(createCommandClient({ transport: createNatsRequestTransport(connection), issuer: { kind: 'server', id: `gs${index}` }, ...deadlines }));
    }
    const [firstConnection] = connections;
    if (firstConnection === undefined) throw new Error('no connection');

    const run = `f8s${SEED}`;
    const players = Array.from({ length: PLAYERS }, (_, index) => `${run}-p${index}`);
    await seedWorld(createNatsRequestTransport(firstConnection), players, { gold: 1_000, items: ITEMS_PER_PLAYER });

    const history: Sent[] = [];
    const acknowledgedAt: number[] = [];
    const workers = CLIENTS * WORKERS_PER_CLIENT;
    const movers = shareItems(seededItems(players, ITEMS_PER_PLAYER), workers).map((share) => createItemMover(players, share));
    let loading = true;
    const worker = async (index: number): Promise<void> => {
      const own = seededRandom(SEED * 100 + index);
      const mover = movers[index];
      const client = clients[index % CLIENTS];
      if (mover === undefined || client === undefined) throw new Error(`no mover or client for worker ${index}`);
      for (let sequence = 0; loading; sequence += 1) {
        const command = mover.next(`${run}-w${index}-c${sequence}`, own);
        let reply = await client.send(command.request);
        const firstOutcome = outcomeOf(reply);
        if (firstOutcome === 'ok') acknowledgedAt.push(performance.now());
        // An unknown is sent again with its commandId at once, as a game server settles a
        // TIMEOUT: soon enough that the actor still remembers the id (its last 256 commands).
        let outcome = firstOutcome;
        for (let resend = 0; outcome === 'unknown' && resend < RESENDS; resend += 1) {
          reply = await client.send(command.request);
          outcome = outcomeOf(reply);
        }
        mover.settle(command, outcome);
        history.push({ ...command, outcome, firstOutcome, client: index % CLIENTS, code: reply.ok ? 'ok' : reply.error.code });
        // A refusal (no responders while the host reconnects) is answered at once: do not spin.
        if (outcome === 'failed') await sleep(50);
      }
    };
    const load = Array.from({ length: workers }, (_, index) => worker(index));

    const restarts: { downSeconds: number; recoverySeconds: number; outageSeconds: number }[] = [];
    for (let restart = 0; restart < RESTARTS; restart += 1) {
      await sleep(between(STEADY_MS));
      const killedAt = performance.now();
      await server.kill();
      await sleep(between(DOWN_MS));
      await server.restart();
      const restartedAt = performance.now();
      const recovered = await waitFor(() => acknowledgedAt.find((at) => at >= restartedAt), RECOVERY_LIMIT_MS);
      restarts.push({
        downSeconds: round((restartedAt - killedAt) / 1_000),
        recoverySeconds: round(((recovered ?? Number.NaN) - restartedAt) / 1_000),
        outageSeconds: round(((recovered ?? Number.NaN) - killedAt) / 1_000),
      });
      expect(recovered, `no command acknowledged within ${RECOVERY_LIMIT_MS} ms of restart ${restart + 1}; host stderr:\n${host.stderr()}`).toBeDefined();
    }
    await sleep(between(STEADY_MS));
    loading = false;
    await Promise.all(load);

    // Whatever is still unknown: the same commandId again, until it is answered.
    const before = history.filter((sent) => sent.firstOutcome === 'unknown').length;
    const settler = clients[0];
    if (settler === undefined) throw new Error('no client');
    const final = new Map<string, ClientOutcome>(history.map((sent) => [sent.commandId, sent.outcome]));
    for (let pass = 0; pass < SETTLE_ROUNDS; pass += 1) {
      const open = history.filter((sent) => final.get(sent.commandId) === 'unknown');
      if (open.length === 0) break;
      for (const sent of open) final.set(sent.commandId, outcomeOf(await settler.send(sent.request)));
    }
    const settledHistory: SentCommand[] = history.map((sent) => ({ commandId: sent.commandId, outcome: final.get(sent.commandId) ?? 'unknown' }));

    host.child.kill('SIGTERM');
    const { code } = await host.exited;
    expect(code, host.stderr()).toBe(0);

    log = openSqliteEventStore({ path: file, readonly: true });
    const events = await readCommandLog(log, (commandId) => commandId.startsWith(`${run}-w`));
    const asAnswered = classifyCommands(
      history.map((sent) => ({ commandId: sent.commandId, outcome: sent.firstOutcome })),
      events,
    );
    const settled = classifyCommands(settledHistory, events);
    const recoveries = restarts.map((restart) => restart.recoverySeconds);
    const refusals = history.filter((sent) => sent.outcome === 'failed' || sent.firstOutcome === 'failed');
    const figures = {
      restarts,
      answered: asAnswered.counts,
      settled: settled.counts,
      refusals: [...new Set(refusals.map((sent) => sent.code))],
      hostErrors: host.stderr().split('\n').filter((line) => line.startsWith('error ')).length,
    };
    console.log(`nats restart: ${JSON.stringify(figures)}`);

    const invariants = {
      lost: settled.counts.lost,
      appliedTwice: settled.counts.appliedTwice,
      unexpected: settled.counts.unexpected,
      failedButApplied: settled.counts.failedButApplied,
    };
    recordFigure({
      figure: 8,
      scenario: `nats-server SIGKILLed and restarted on its port ${RESTARTS} time(s) under load`,
      verdict: Object.values(invariants).every((value) => value === 0) && restarts.every((restart) => Number.isFinite(restart.recoverySeconds)) ? 'pass' : 'fail',
      measurements: {
        restarts: RESTARTS,
        commands: settled.counts.commands,
        ok: settled.counts.ok,
        'refused (nothing applied)': settled.counts.failed,
        'unknown when answered': before,
        'unknown, in the log once': asAnswered.counts.unknownApplied,
        'unknown, not in the log': asAnswered.counts.unknownAbsent,
        'unknown after resending': settled.counts.unknown,
        'acknowledged then lost': invariants.lost,
        'applied twice': invariants.appliedTwice,
        unexpected: invariants.unexpected,
        'refused yet applied': invariants.failedButApplied,
        'server down s (max)': Math.max(...restarts.map((restart) => restart.downSeconds)),
        'recovery s (max)': Math.max(...recoveries),
        'recovery s (median)': round(median(recoveries)),
        'kill to first ack s (max)': Math.max(...restarts.map((restart) => restart.outageSeconds)),
      },
      seeds: [SEED],
      method:
        'A world host in its own process (SQLite log, synchronous=FULL) and two game-server connections with the product reconnect settings; nats-server is SIGKILLed and started again on its port during load, unknowns are resent with their commandId, and the log is read back and every command classified by the applications its metadata records.',
    });

    expect(invariants).toEqual({ lost: 0, appliedTwice: 0, unexpected: 0, failedButApplied: 0 });
    expect(settled.counts.unknown).toBe(0);
    expect(settled.counts.ok).toBeGreaterThan(RESTARTS * 50);
  });
});

/** Polls `probe` until it answers something, or gives up after `withinMs` (undefined). */
const waitFor = async <T>(probe: () => T | undefined, withinMs: number): Promise<T | undefined> => {
  const deadline = performance.now() + withinMs;
  for (;;) {
    const found = probe();
    if (found !== undefined || performance.now() > deadline) return found;
    await sleep(10);
  }
};
