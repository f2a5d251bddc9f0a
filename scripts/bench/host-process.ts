import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { guildActor } from '../../actors/guild/definition.js';
import { createActorHost, type ActorHost } from '../../actors/runtime/host.js';
import { categorySubscription } from '../../actors/runtime/protocol/subjects.js';
import { createMemoryEventStore } from '../../infra/eventstore/memory/memory-event-store.js';
import { openSqliteEventStore } from '../../infra/eventstore/sqlite/index.js';
import { connectNats, createNatsRequestBus } from '../../infra/nats/index.js';
import { countAppendTurns } from './append-turns.js';
import { createBlackholeEventStore } from './blackhole-store.js';
import { BENCH_REPLY } from './echo-responder.js';
import type { ChildReport } from './processes.js';
import { TALLY_CATEGORY, tallyActorIn } from './tally.js';

/**
 * The far side of the runtime benchmarks, in a process of its own so that its event loop
 * is not shared with the load generator, as in production:
 *   host - an actor host running the tally actor over NATS, on the memory store, a
 *          SQLite file (synchronous=full, group commit on) in a temporary folder, or a
 *          store that keeps nothing; under the category `tally` unless told otherwise;
 *          with `actor: 'guild'`, the guild actor instead, with the batch window
 *          `batchWindowMs` (the world suite's guild batching figure);
 *   echo - a plain responder on the `echo` category answering every request with one fixed,
 *          pre-encoded success reply: the cost of NATS request/reply and nothing else.
 *          (An echoed payload would decode as an unreadable reply, the client's slow
 *          error path, and flatter the host beside it; see echo-responder.ts.)
 * Usage: node --import tsx host-process.ts '<json config>'. Protocol: one JSON line per
 * report on stdout (`ChildReport`); `stats` on stdin asks for one, `stop` on stdin or
 * SIGTERM stops serving, answers what was accepted, sends the last one and exits.
 */
const Config = z.discriminatedUnion('mode', [
  z.object({
    mode: z.literal('host'),
    url: z.string(),
    store: z.enum(['memory', 'sqlite', 'blackhole']),
    category: z.string().default(TALLY_CATEGORY),
    actor: z.enum(['tally', 'guild']).default('tally'),
    /** The guild actor's batch window; a string, as every config value is. */
    batchWindowMs: z.coerce.number().int().min(0).default(100),
  }),
  z.object({ mode: z.literal('echo'), url: z.string() }),
]);

const emit = (report: ChildReport): void => {
  process.stdout.write(`${JSON.stringify(report)}\n`);
};

const cpuMicros = (): number => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

const main = async (): Promise<void> => {
  const config = Config.parse(JSON.parse(process.argv[2] ?? '{}'));
  const nc = await connectNats({ servers: config.url, name: `bench-${config.mode}` });
  const bus = createNatsRequestBus(nc);
  let host: ActorHost | undefined;
  let turns = (): number => 0;
  let storeTransactions = 0;
  let echoed = 0;
  let cleanup = async (): Promise<void> => undefined;

  if (config.mode === 'host') {
    const dir = config.store === 'sqlite' ? mkdtempSync(join(tmpdir(), 'shardkeep-bench-host-')) : undefined;
    const raw =
      dir !== undefined
        ? openSqliteEventStore({ path: join(dir, 'events.sqlite'), synchronous: 'full', onCommit: () => (storeTransactions += 1) })
        : config.store === 'blackhole'
          ? createBlackholeEventStore()
          : createMemoryEventStore();
    const counted = countAppendTurns(raw);
    turns = counted.turns;
    // No snapshots: a snapshot is an append of its own and would blur appends per command.
    const actor = config.actor === 'guild' ? guildActor({ batchWindowMs: config.batchWindowMs }) : tallyActorIn(config.category);
    host = createActorHost({ bus, store: counted.store, actors: [actor] });
    await host.start();
    cleanup = async () => {
      await raw.close();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    };
  } else {
    await bus.serve(categorySubscription('echo'), 'bench-echo', (request) => {
      echoed += 1;
      request.respond(BENCH_REPLY);
    });
  }

  const report = (kind: 'ready' | 'stats' | 'stopped'): void =>
    emit({
      kind,
      cpuMicros: cpuMicros(),
      heapUsedBytes: process.memoryUsage().heapUsed,
      requests: host?.stats().commands ?? echoed,
      appendTurns: turns(),
      storeTransactions,
      ...(host === undefined ? {} : { host: host.stats() }),
    });

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await host?.stop();
    report('stopped');
    await nc.drain();
    await cleanup();
    process.exit(0);
  };
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line === 'stats') report('stats');
    else if (line === 'stop') void stop();
  });
  // The parent going away closes stdin: stop rather than linger.
  process.stdin.on('end', () => void stop());
  process.on('SIGTERM', () => void stop());
  report('ready');
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
