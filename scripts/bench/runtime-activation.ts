import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createActorHost } from '../../actors/runtime/host.js';
import { createEventStoreSnapshots, type SnapshotStore } from '../../actors/runtime/snapshots.js';
import type { EventStore, ExpectedRevision, ProposedEvent } from '../../events/store/index.js';
import { createEmbeddedBus } from '../../infra/bus/index.js';
import { createCommandClient, createTypedClient } from '../../infra/client/index.js';
import { createMemoryEventStore } from '../../infra/eventstore/memory/memory-event-store.js';
import { openSqliteEventStore } from '../../infra/eventstore/sqlite/index.js';
import { ISSUER, ONE } from './bench-client.js';
import { median } from './measure.js';
import { tallyActor, tallyEvents, type BenchCommands } from './tally.js';

/**
 * Figure 4: how long the first command to an actor with a long history takes on a fresh
 * host (nothing resident), from request to reply: load the snapshot if any, read and fold
 * the events after it, decide, append. In-process over the embedded bus (the bus costs
 * microseconds; activation costs milliseconds). The baseline is the same on an actor with
 * no events, in the same run.
 */
export interface ActivationOptions {
  readonly events: number;
  readonly repeats: number;
}

export interface ActivationFigure {
  readonly store: 'memory' | 'sqlite full';
  readonly emptyMs: number;
  readonly withoutSnapshotMs: number;
  readonly withSnapshotMs: number;
}

const STREAM_ACTOR = 'long';
const PREFILL_BATCH = 500;
const APPLIED_WINDOW = 256;

/** `events` tally events straight through the codec, in batches; returns the snapshot's applied window. */
const prefill = async (store: EventStore, events: number): Promise<[string, { revision: bigint; events: string[] }][]> => {
  const applied: [string, { revision: bigint; events: string[] }][] = [];
  let expected: ExpectedRevision = 'no_stream';
  for (let written = 0; written < events; ) {
    const batch: ProposedEvent[] = [];
    for (; batch.length < PREFILL_BATCH && written < events; written += 1) {
      const commandId = randomUUID();
      batch.push(
        tallyEvents.encode(
          { type: 'Added', data: { amount: 1 } },
          { eventId: randomUUID(), commandId, correlationId: commandId, occurredAt: new Date(), issuer: 'server:bench' },
        ),
      );
      applied.push([commandId, { revision: BigInt(written), events: ['Added'] }]);
      if (applied.length > APPLIED_WINDOW) applied.shift();
    }
    expected = (await store.append(`${tallyActor.category}-${STREAM_ACTOR}`, batch, { expectedRevision: expected })).nextExpectedRevision;
  }
  return applied;
};

/** A fresh host on a fresh bus; milliseconds from sending one command to its reply. */
const firstCommandMs = async (store: EventStore, snapshots: SnapshotStore | undefined, actorId: string, minRevision: number): Promise<number> => {
  const bus = createEmbeddedBus();
  // snapshotEvery 0: the host writes none, so every run finds the prefilled snapshot.
  const host = createActorHost({ bus, store, actors: [tallyActor], ...(snapshots === undefined ? {} : { snapshots }), limits: { snapshotEvery: 0 } });
  await host.start();
  try {
    const add = createTypedClient<BenchCommands>(createCommandClient({ transport: bus, issuer: ISSUER })).command('tally', 'add');
    const started = performance.now();
    const reply = await add(actorId, ONE);
    const elapsed = performance.now() - started;
    if (!reply.ok || reply.revision < minRevision) throw new Error(`activation bench: unexpected reply ${JSON.stringify(reply)}`);
    return elapsed;
  } finally {
    await host.stop();
    await bus.close();
  }
};

const openStore = (name: ActivationFigure['store']): { readonly store: EventStore; readonly dispose: () => Promise<void> } => {
  if (name === 'memory') {
    const store = createMemoryEventStore();
    return { store, dispose: () => store.close() };
  }
  const dir = mkdtempSync(join(tmpdir(), 'shardkeep-bench-activation-'));
  const store = openSqliteEventStore({ path: join(dir, 'events.sqlite'), synchronous: 'full' });
  return {
    store,
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

export const benchActivation = async (options: ActivationOptions, report: (line: string) => void): Promise<ActivationFigure[]> => {
  const figures: ActivationFigure[] = [];
  for (const name of ['memory', 'sqlite full'] as const) {
    const { store, dispose } = openStore(name);
    try {
      const applied = await prefill(store, options.events);
      const snapshots = createEventStoreSnapshots(store);
      const revision = BigInt(options.events - 1);
      await snapshots.save(`${tallyActor.category}-${STREAM_ACTOR}`, { version: 1, revision, state: options.events, applied });
      const samples = { empty: [] as number[], without: [] as number[], with: [] as number[] };
      // Run 0 warms the JIT and the page cache; the variants alternate so drift hits all three.
      for (let run = 0; run <= options.repeats; run += 1) {
        const empty = await firstCommandMs(store, snapshots, `fresh${run}`, 0);
        const without = await firstCommandMs(store, undefined, STREAM_ACTOR, options.events);
        const withSnapshot = await firstCommandMs(store, snapshots, STREAM_ACTOR, options.events);
        if (run === 0) continue;
        samples.empty.push(empty);
        samples.without.push(without);
        samples.with.push(withSnapshot);
      }
      const figure: ActivationFigure = {
        store: name,
        emptyMs: median(samples.empty),
        withoutSnapshotMs: median(samples.without),
        withSnapshotMs: median(samples.with),
      };
      report(
        `${name.padEnd(11)} empty ${figure.emptyMs.toFixed(2)} ms, ${options.events} events ${figure.withoutSnapshotMs.toFixed(2)} ms, ` +
          `with snapshot ${figure.withSnapshotMs.toFixed(2)} ms`,
      );
      figures.push(figure);
    } finally {
      await dispose();
    }
  }
  return figures;
};

export const activationTable = (figures: readonly ActivationFigure[], options: ActivationOptions): string =>
  [
    `First command on a fresh host, median of ${options.repeats} runs; ${options.events.toLocaleString('en')} events prefilled, ` +
      `snapshot at revision ${(options.events - 1).toLocaleString('en')}; the last column is against the empty actor on the same store.`,
    '',
    '| store | actor | first command | vs empty actor |',
    '|---|---|---:|---:|',
    ...figures.flatMap((figure) => [
      `| ${figure.store} | no events | ${figure.emptyMs.toFixed(2)} ms | 1.0 |`,
      `| ${figure.store} | ${options.events.toLocaleString('en')} events, no snapshot | ${figure.withoutSnapshotMs.toFixed(2)} ms | ` +
        `${(figure.withoutSnapshotMs / figure.emptyMs).toFixed(1)} |`,
      `| ${figure.store} | ${options.events.toLocaleString('en')} events, snapshot | ${figure.withSnapshotMs.toFixed(2)} ms | ` +
        `${(figure.withSnapshotMs / figure.emptyMs).toFixed(1)} |`,
    ]),
  ].join('\n');
