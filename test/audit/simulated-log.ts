import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandReply } from '../../actors/runtime/protocol/reply.js';
import type { EventStore } from '../../events/store/index.js';
import type { Position } from '../../events/store/position.js';
import { worldCodec } from '../../events/world.js';
import { auditEvents } from '../../projections/audit/world-audit.js';
import { createWorldSimulation } from '../../scripts/simulation/world-simulation.js';
import { agreeTrade, command, eventually, startInProcessWorld, tradeOutcome } from '../process/world-fixture.js';

/**
 * A log written by the real system under a simulated load (a world node and the world
 * simulation over an SQLite store), with probes recorded while the load ran: two players
 * and a sword outside the simulation's population, whose balances and owners the test
 * knows at known moments, to check the audit's point-in-time answers against.
 */

/** What a probe command answered, and where its last event is in the log. */
export interface Probe {
  readonly what: string;
  readonly playerId: string;
  /** The balance the wallet replied with. */
  readonly balance: number;
  /** The player's stream revision after the command. */
  readonly revision: number;
  readonly position: Position;
  /** A moment after the reply and before the probe's next command. */
  readonly after: Date;
}

export interface SimulatedLog {
  readonly dir: string;
  readonly file: string;
  readonly probes: readonly Probe[];
  /** The sword traded between the probe players, and the trade's id. */
  readonly sword: string;
  readonly tradeId: string;
  /** A moment while the sword was with probe-a, and one after it went to probe-b. */
  readonly swordWithA: Date;
  readonly swordWithB: Date;
}

/** Accepted commands the simulated load plays at least, whatever the machine's speed (each appends an event or more). */
const MIN_COMMANDS = 1_200;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const positionAt = async (store: EventStore, stream: string, revision: number): Promise<Position> => {
  for await (const stored of store.read(stream, { from: BigInt(revision), maxCount: 1 })) return stored.position;
  throw new Error(`no ${stream}@${revision}`);
};

const expectOk = (reply: CommandReply, what: string): Extract<CommandReply, { ok: true }> => {
  if (!reply.ok) throw new Error(`${what}: ${reply.error.code} ${reply.error.message}`);
  return reply;
};

/** Writes the log into a new temporary folder; resolves once everything the load started has finished. */
export const recordSimulatedLog = async (openStore: (file: string) => EventStore, durationMs = 2_500): Promise<SimulatedLog> => {
  const dir = mkdtempSync(join(tmpdir(), 'shardkeep-audit-'));
  const file = join(dir, 'events.sqlite');
  const store = openStore(file);
  const world = await startInProcessWorld({ store });
  const simulation = createWorldSimulation({
    transport: world.bus,
    players: 30,
    itemsPerPlayer: 3,
    actionsPerSecond: 250,
    maxInFlight: 100,
    seed: 7,
    runTag: 'audit',
  });
  const probes: Probe[] = [];
  const wallet = async (playerId: string, name: 'credit' | 'debit', amount: number, cause: string): Promise<void> => {
    const reply = expectOk(await command(world.bus, 'player', playerId, name, { amount, cause, reference: randomUUID() }), `${name} ${playerId}`);
    const balance = reply.result?.['balance'];
    if (typeof balance !== 'number') throw new Error(`${name} ${playerId}: no balance in the reply`);
    const position = await positionAt(store, `player-${playerId}`, reply.revision);
    probes.push({ what: `${name} ${amount} (${cause})`, playerId, balance, revision: reply.revision, position, after: new Date() });
    await pause(30);
  };
  try {
    await simulation.start();
    for (const playerId of ['probe-a', 'probe-b']) expectOk(await command(world.bus, 'player', playerId, 'register', { name: playerId }), 'register');
    await wallet('probe-a', 'credit', 500, 'loot');
    await wallet('probe-b', 'credit', 300, 'adminGrant');
    await wallet('probe-a', 'debit', 120, 'purchase');
    const sword = 'probe-sword';
    expectOk(await command(world.bus, 'item', sword, 'mint', { templateId: 'sword', owner: 'probe-a' }), 'mint');
    await pause(30);
    const swordWithA = new Date();
    await pause(30);
    const tradeId = 'probe-trade';
    expectOk(await agreeTrade(world.bus, { tradeId, initiator: 'probe-a', counterparty: 'probe-b', initiatorItems: [sword], counterpartyGold: 75 }), 'trade');
    if ((await tradeOutcome(store, tradeId)) !== 'completed') throw new Error('the probe trade did not complete');
    await pause(30);
    const swordWithB = new Date();
    // Times are in milliseconds and --at-time includes its own millisecond: the fee must fall in a later one.
    await pause(30);
    await wallet('probe-b', 'debit', 5, 'fee');
    await pause(Math.max(0, durationMs - 400));
    // A loaded machine plays fewer commands in the same time: play on until the log is a real load.
    await eventually(`the simulation had ${MIN_COMMANDS} commands accepted`, () => Promise.resolve((simulation.stats().outcomes['OK'] ?? 0) >= MIN_COMMANDS), 30_000);
    await simulation.stop();
    const decoded = async function* () {
      for await (const stored of store.readAll()) yield worldCodec.decode(stored);
    };
    await eventually('every agreed trade closes', async () => (await auditEvents(decoded())).tradesStuck === 0, 15_000);
    return { dir, file, probes, sword, tradeId, swordWithA, swordWithB };
  } finally {
    await simulation.stop();
    await world.stop();
    await store.close();
  }
};
