import { DEFAULT_HOST_LIMITS } from '../../actors/runtime/host-options.js';
import { createActorHost, type ActorHost } from '../../actors/runtime/host.js';
import { createEmbeddedBus, type EmbeddedBus } from '../../infra/bus/index.js';
import { createCommandClient, createTypedClient } from '../../infra/client/index.js';
import { ISSUER, ONE } from './bench-client.js';
import { createBlackholeEventStore } from './blackhole-store.js';
import { tallyActor, type BenchCommands } from './tally.js';

/**
 * Figure 5, run as `node --expose-gc --import tsx memory-process.ts '<json>'` so that
 * nothing else lives in its heap. A host over the embedded bus and a store that keeps
 * nothing, so the heap grows only by what the host holds per actor:
 *   1. per idle actor: heapUsed after forced GCs, before and after one command to each of
 *      `actors` new ids, divided by `actors`;
 *   2. per command remembered for idempotency: 9 more commands to each of 10,000 of those
 *      actors; each stays in the actor's window of applied commands (up to 256 by default);
 *   3. the LRU bound: a fresh host with maxResidentActors = `maxResident` takes one
 *      command for each of `distinctIds` ids; peak resident actors, heap at the end.
 * Prints one JSON line (`MemoryFigures`) and exits.
 */
export interface MemoryFigures {
  readonly actors: number;
  readonly bytesPerActor: number;
  readonly heapWithActorsBytes: number;
  readonly activationRate: number;
  /** Heap per further command an actor remembers (its idempotency window), after the first. */
  readonly bytesPerAppliedCommand: number;
  readonly idempotencyWindow: number;
  readonly distinctIds: number;
  readonly maxResident: number;
  readonly peakResident: number;
  readonly passivations: number;
  /** heapUsed at the end of the LRU run, less the same host's heap before its first command. */
  readonly lruHeapDeltaBytes: number;
  readonly lruHeapBytes: number;
  readonly lruRate: number;
}

const IN_FLIGHT = 1_000;
const WARMUP_ACTORS = 10_000;
const REPEATED_ACTORS = 10_000;
const REPEATS = 9;

const collect = (): number => {
  if (globalThis.gc === undefined) throw new Error('memory bench: run node with --expose-gc');
  for (let pass = 0; pass < 3; pass += 1) globalThis.gc();
  return process.memoryUsage().heapUsed;
};

const startHost = async (bus: EmbeddedBus, maxResidentActors: number): Promise<ActorHost> => {
  const store = createBlackholeEventStore();
  const host = createActorHost({ bus, store, actors: [tallyActor], limits: { maxResidentActors, idleMs: 60 * 60_000 } });
  await host.start();
  return host;
};

/** One command to each of `count` ids `${prefix}<n>`, `IN_FLIGHT` at a time; commands/s. */
const touchAll = async (bus: EmbeddedBus, prefix: string, count: number, onProgress: () => void = () => undefined): Promise<number> => {
  const add = createTypedClient<BenchCommands>(createCommandClient({ transport: bus, issuer: ISSUER })).command('tally', 'add');
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      for (let index = next++; index < count; index = next++) {
        const reply = await add(`${prefix}${index}`, ONE);
        if (!reply.ok) throw new Error(`memory bench: ${reply.error.code}: ${reply.error.message}`);
        if (index % 1_000 === 0) onProgress();
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
};

const main = async (): Promise<void> => {
  const { actors, distinctIds, maxResident } = JSON.parse(process.argv[2] ?? '{}') as Record<string, number | undefined>;
  if (actors === undefined || distinctIds === undefined || maxResident === undefined) {
    throw new Error('usage: memory-process.ts \'{"actors":100000,"distinctIds":1000000,"maxResident":100000}\'');
  }

  // 1. Bytes per idle actor. The warm-up fills the bus's route cache (bounded) and the JIT.
  const bus = createEmbeddedBus();
  const host = await startHost(bus, actors + WARMUP_ACTORS);
  await touchAll(bus, 'warm', WARMUP_ACTORS);
  const before = collect();
  const activationRate = await touchAll(bus, 'idle', actors);
  const heapWithActorsBytes = collect();
  if (host.stats().residentActors !== actors + WARMUP_ACTORS) throw new Error('memory bench: actors were passivated during the measurement');

  // 2. Each further command an actor applied stays in its idempotency window.
  const repeated = Math.min(actors, REPEATED_ACTORS);
  for (let pass = 0; pass < REPEATS; pass += 1) await touchAll(bus, 'idle', repeated);
  const bytesPerAppliedCommand = (collect() - heapWithActorsBytes) / (repeated * REPEATS);
  await host.stop();
  await bus.close();

  // 3. The LRU bound under many more distinct ids than it may keep.
  const lruBus = createEmbeddedBus();
  const lruHost = await startHost(lruBus, maxResident);
  const lruBefore = collect();
  let peakResident = 0;
  const lruRate = await touchAll(lruBus, 'many', distinctIds, () => {
    peakResident = Math.max(peakResident, lruHost.stats().residentActors);
  });
  const lruHeapBytes = collect();
  const stats = lruHost.stats();
  peakResident = Math.max(peakResident, stats.residentActors);
  await lruHost.stop();
  await lruBus.close();

  const figures: MemoryFigures = {
    actors,
    bytesPerActor: (heapWithActorsBytes - before) / actors,
    heapWithActorsBytes,
    activationRate,
    bytesPerAppliedCommand,
    idempotencyWindow: DEFAULT_HOST_LIMITS.idempotencyWindow,
    distinctIds,
    maxResident,
    peakResident,
    passivations: stats.passivations,
    lruHeapDeltaBytes: lruHeapBytes - lruBefore,
    lruHeapBytes,
    lruRate,
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
