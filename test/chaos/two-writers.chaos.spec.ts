import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemActor } from '../../actors/item/definition.js';
import { playerActor } from '../../actors/player/definition.js';
import { createActorHost, type ActorHost } from '../../actors/runtime/host.js';
import type { CommandReply } from '../../actors/runtime/protocol/reply.js';
import { SNAPSHOT_STREAM_PREFIX, createEventStoreSnapshots } from '../../actors/runtime/snapshots.js';
import type { RecordedEvent } from '../../events/catalog/recorded-event.js';
import { ConcurrencyError, formatPosition, type EventStore, type ExpectedRevision } from '../../events/store/index.js';
import { worldCodec, type WorldEvent } from '../../events/world.js';
import { createCommandClient, type CommandClient } from '../../infra/client/index.js';
import { createMemoryEventStore } from '../../infra/eventstore/memory/memory-event-store.js';
import { connectNats, createNatsRequestBus, createNatsRequestTransport, type NatsConnection } from '../../infra/nats/index.js';
import { auditEvents } from '../../projections/audit/world-audit.js';
import { recordFigure, scaled } from '../support/chaos/figures.js';
import { startNatsServer, type NatsServerHandle } from '../support/servers/nats-server.js';
import { seededRandom } from '../../scripts/simulation/random.js';

/**
 * Figure 5 of RELIABILITY.md: two writers for one player. Two hosts in one queue group over
 * a harness-started nats-server share one log, each with its own copy of every actor; two
 * game-server sessions send commands for the same player and the same items at the same
 * moment (credits, debits, each item handed to two different players at once, some
 * commands sent again by the other session with the same commandId).
 *
 * Every append names the revision its writer decided on. A write decided on a copy another
 * write had already moved is a concurrent write; the store must refuse it (a conflict
 * detected) or, if it let two appends decided on the same revision both in, one update
 * was lost. Both are read from the appends themselves, not from timing: per stream and
 * expected revision, how many distinct appends succeeded (more than one is a conflict
 * missed) and how many were refused with CONCURRENCY. Duplicates are counted by a full
 * replay of the log (projections/audit): items duplicated, gold created, commands applied
 * twice.
 */
const SEED = 20261207;
const RUNS = scaled({ short: 20, full: 300 });
const WALLET_COMMANDS_PER_SESSION = 30;
const ITEMS_PER_RUN = 4;
const GRANT = 500;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface AppendSeen {
  readonly stream: string;
  readonly expected: ExpectedRevision;
  /** The position the append wrote at; undefined when it was refused. */
  readonly position?: string;
  readonly conflict: boolean;
}

/**
 * The shared log, watched: every append's expected revision and how it ended. A pause
 * before each append widens the window in which the other host's copy goes stale, so
 * concurrent writes happen on every run rather than by luck of scheduling.
 */
const watchedStore = (store: EventStore, seen: AppendSeen[]): EventStore => ({
  ...store,
  append: async (stream, events, options) => {
    await sleep(1);
    try {
      const result = await store.append(stream, events, options);
      seen.push({ stream, expected: options.expectedRevision, position: formatPosition(result.position), conflict: false });
      return result;
    } catch (error) {
      if (error instanceof ConcurrencyError) seen.push({ stream, expected: options.expectedRevision, conflict: true });
      throw error;
    }
  },
  read: (...args) => store.read(...args),
  readAll: (...args) => store.readAll(...args),
  subscribeAll: (...args) => store.subscribeAll(...args),
  close: () => store.close(),
});

/**
 * Concurrent writes, detected and missed, from the appends: an expectation that names a
 * revision (or no stream) is exclusive, so two distinct successful appends under one
 * expectation mean one of them overwrote a decision it never saw.
 */
const concurrencyOf = (seen: readonly AppendSeen[]): { detected: number; missed: number } => {
  const successes = new Map<string, Set<string>>();
  let detected = 0;
  for (const append of seen) {
    if (append.stream.startsWith(SNAPSHOT_STREAM_PREFIX)) continue;
    if (append.expected === 'any' || append.expected === 'stream_exists') continue;
    if (append.conflict) {
      detected += 1;
      continue;
    }
    const key = `${append.stream}@${String(append.expected)}`;
    const positions = successes.get(key) ?? new Set<string>();
    // An idempotent retry answers with the position already written: the same append, not a second one.
    positions.add(append.position ?? '');
    successes.set(key, positions);
  }
  const missed = [...successes.values()].reduce((sum, positions) => sum + positions.size - 1, 0);
  return { detected, missed };
};

async function* worldEvents(store: EventStore): AsyncIterable<RecordedEvent<WorldEvent>> {
  for await (const stored of store.readAll()) {
    if (stored.stream.startsWith(SNAPSHOT_STREAM_PREFIX)) continue;
    yield worldCodec.decode(stored);
  }
}

describe('two hosts and two sessions writing for one player (figure 5)', () => {
  let nats: NatsServerHandle;
  const connections: NatsConnection[] = [];
  const hosts: ActorHost[] = [];

  beforeAll(async () => {
    nats = await startNatsServer({ jetstream: false });
  });
  afterAll(async () => {
    await Promise.all(hosts.map((host) => host.stop()));
    await Promise.all(connections.map((connection) => connection.close()));
    await nats?.stop();
  });

  const connect = async (name: string): Promise<NatsConnection> => {
    const connection = await connectNats({ servers: nats.url, name });
    connections.push(connection);
    return connection;
  };

  it(`detects every concurrent write and duplicates nothing over ${RUNS} runs (seed ${SEED})`, { timeout: scaled({ short: 120_000, full: 600_000 }) }, async () => {
    console.log(`two writers: seed ${SEED}, ${RUNS} runs`);
    const random = seededRandom(SEED);
    const seen: AppendSeen[] = [];
    const store = watchedStore(createMemoryEventStore(), seen);
    for (const name of ['host-a', 'host-b']) {
      const host = createActorHost({
        bus: createNatsRequestBus(await connect(name)),
        store,
        actors: [playerActor(), itemActor()],
        snapshots: createEventStoreSnapshots(store),
      });
      await host.start();
      hosts.push(host);
    }
    const sessions: CommandClient[] = [];
    for (const id of ['gs1', 'gs2']) {
      sessions.push(
        createCommandClient({
          transport: createNatsRequestTransport(await connect(id)),
          issuer: { kind: 'server', id },
          timeoutMs: 10_000,
          deadlineMs: 60_000,
        }),
      );
    }
    const [first, second] = sessions as [CommandClient, CommandClient];

    const codes = new Map<string, number>();
    const tally = (reply: CommandReply): CommandReply => {
      const code = reply.ok ? 'OK' : reply.error.code;
      codes.set(code, (codes.get(code) ?? 0) + 1);
      return reply;
    };
    let commands = 0;
    let resent = 0;
    let itemsHandedTwice = 0;

    for (let run = 0; run < RUNS; run += 1) {
      const player = `w${run}`;
      const items = Array.from({ length: ITEMS_PER_RUN }, (_, index) => `${player}-i${index}`);
      for (const actorId of [player, `${player}-a`, `${player}-b`]) {
        await first.send({ category: 'player', actorId, command: 'register', data: { name: actorId } });
      }
      await first.send({ category: 'player', actorId: player, command: 'credit', data: { amount: GRANT, cause: 'adminGrant', reference: `grant-${player}` } });
      for (const itemId of items) await first.send({ category: 'item', actorId: itemId, command: 'mint', data: { templateId: 'relic', owner: player } });

      // Both sessions at once: wallet commands for the one player, and each item handed to
      // a different player by each session.
      const wallet = (session: CommandClient, other: CommandClient, tag: string) =>
        Array.from({ length: WALLET_COMMANDS_PER_SESSION }, async (_, index) => {
          const credit = random() < 0.5;
          const request = {
            category: 'player',
            actorId: player,
            command: credit ? 'credit' : 'debit',
            data: { amount: 1 + Math.floor(random() * 40), cause: credit ? 'loot' : 'purchase', reference: `${tag}-${run}-${index}` },
            commandId: randomUUID(),
          };
          commands += 1;
          const sent = session.send(request).then(tally);
          // Every tenth command is sent again by the other session with the same commandId,
          // as a player whose first session lost the reply and who retried from the second.
          if (index % 10 === 0) {
            resent += 1;
            await other.send(request).then(tally);
          }
          await sent;
        });
      const handOver = items.map(async (itemId) => {
        commands += 2;
        const [toA, toB] = await Promise.all([
          first.send({ category: 'item', actorId: itemId, command: 'transfer', data: { from: player, to: `${player}-a` } }).then(tally),
          second.send({ category: 'item', actorId: itemId, command: 'transfer', data: { from: player, to: `${player}-b` } }).then(tally),
        ]);
        if (toA.ok && toB.ok) itemsHandedTwice += 1;
      });
      await Promise.all([...wallet(first, second, 'gs1'), ...wallet(second, first, 'gs2'), ...handOver]);
    }

    const { detected, missed } = concurrencyOf(seen);
    const report = await auditEvents(worldEvents(store));
    const unexpected = [...codes.keys()].filter((code) => !['OK', 'NOT_OWNER', 'REJECTED', 'CONCURRENT_MODIFICATION'].includes(code));
    const [statsA, statsB] = hosts.map((host) => host.stats());
    const concurrent = detected + missed;
    const dupes = report.itemsDuplicated + report.goldCreated + report.commandsRepeated + itemsHandedTwice;
    console.log(
      `two writers: ${commands} commands (${resent} sent again), replies ${JSON.stringify(Object.fromEntries(codes))}; ` +
        `concurrent writes ${concurrent}, detected ${detected}, missed ${missed}; host conflicts A/B ${statsA?.conflicts}/${statsB?.conflicts}; ` +
        `items duplicated ${report.itemsDuplicated}, gold created ${report.goldCreated}, commands repeated ${report.commandsRepeated}`,
    );
    recordFigure({
      figure: 5,
      scenario: 'two hosts and two sessions for one player',
      verdict: missed === 0 && detected > 0 && dupes === 0 && unexpected.length === 0 && report.problems.length === 0 ? 'pass' : 'fail',
      measurements: {
        runs: RUNS,
        commands,
        'sent again by the other session': resent,
        'concurrent writes': concurrent,
        'conflicts detected': detected,
        'conflicts detected %': concurrent === 0 ? 0 : Number(((100 * detected) / concurrent).toFixed(2)),
        'lost updates': missed,
        'items duplicated': report.itemsDuplicated,
        'items handed to two players': itemsHandedTwice,
        'gold created': report.goldCreated,
        'commands applied twice': report.commandsRepeated,
      },
      seeds: [SEED],
      method:
        `${RUNS} runs: two hosts (own actor copies, one queue group, a harness nats-server, one shared log) served two game-server sessions sending ` +
        `${2 * WALLET_COMMANDS_PER_SESSION} credits and debits for one player at once (one in ten sent again by the other session with its commandId) and handing each of ` +
        `${ITEMS_PER_RUN} items to two different players at the same moment; every append's expected revision was logged to count concurrent writes refused ` +
        'and any two accepted on one revision, and a full replay of the log (projections/audit) counted duplicated items, created gold and commands applied twice.',
    });

    expect(unexpected).toEqual([]);
    expect(detected).toBeGreaterThan(0);
    expect(missed).toBe(0);
    expect(itemsHandedTwice).toBe(0);
    expect(report.itemsDuplicated).toBe(0);
    expect(report.itemsVanished).toBe(0);
    expect(report.goldCreated).toBe(0);
    expect(report.commandsRepeated).toBe(0);
    expect(report.problems).toEqual([]);
  });
});
