import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConcurrencyError,
  satisfiesExpectedRevision,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type ProposedEvent,
  type StoredEvent,
} from '../../events/store/index.js';
import { toArray } from '../support/events.js';
import { countCommits } from '../support/sqlite/wal.js';
import { createMemoryEventStore } from '../../infra/eventstore/memory/memory-event-store.js';
import { openSqliteEventStore } from '../../infra/eventstore/sqlite/index.js';

const STREAMS = ['s-0', 's-1', 's-2'];

/** An append as generated: fresh events, or those of an earlier append (a retry, maybe elsewhere). */
interface AppendSpec {
  readonly stream: number;
  readonly expectation: ExpectedRevision;
  readonly events:
    | { readonly kind: 'new'; readonly count: number }
    /**
     * `same`: the earlier append exactly (stream and expectation too), the idempotent retry;
     * otherwise its events after `fresh` new ones, elsewhere or with another expectation.
     */
    | { readonly kind: 'again'; readonly of: number; readonly same: boolean; readonly fresh: number };
}

interface Append {
  readonly stream: string;
  readonly events: readonly ProposedEvent[];
  readonly expectedRevision: ExpectedRevision;
}

const appendSpec: fc.Arbitrary<AppendSpec> = fc.record({
  stream: fc.nat({ max: STREAMS.length - 1 }),
  expectation: fc.oneof(
    fc.constantFrom<ExpectedRevision>('any', 'no_stream', 'stream_exists'),
    fc.bigInt({ min: 0n, max: 5n }),
  ),
  events: fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('new' as const), count: fc.nat({ max: 3 }) }) },
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant('again' as const), of: fc.nat(), same: fc.boolean(), fresh: fc.nat({ max: 1 }) }),
    },
  ),
});

/** Rounds of appends: each round is started in one turn, so it is one group commit. */
const rounds = fc.array(fc.array(appendSpec, { minLength: 1, maxLength: 10 }), { minLength: 1, maxLength: 6 });

const encoder = new TextEncoder();
const event = (serial: number): ProposedEvent => ({
  id: `00000000-0000-4000-8000-${serial.toString(16).padStart(12, '0')}`,
  type: `Happened${serial % 3}.v1`,
  data: encoder.encode(`{"serial":${serial}}`),
  metadata: encoder.encode('{}'),
});

/** Gives every spec its events; an `again` reuses those of an earlier append (of any outcome). */
const materialize = (specs: readonly (readonly AppendSpec[])[]): Append[][] => {
  let serial = 0;
  const earlier: Append[] = [];
  return specs.map((round) =>
    round.map((spec) => {
      const source = spec.events.kind === 'again' ? earlier[spec.events.of % Math.max(1, earlier.length)] : undefined;
      const fresh = (count: number): ProposedEvent[] => Array.from({ length: count }, () => event((serial += 1)));
      let append: Append;
      if (spec.events.kind === 'again' && source !== undefined && spec.events.same) append = source;
      else {
        // A fresh event first and a stored one after: SQLite inserts the first before the index refuses the second.
        const events =
          spec.events.kind === 'new' ? fresh(spec.events.count)
          : source === undefined ? fresh(1)
          : [...fresh(spec.events.fresh), ...source.events];
        append = { stream: STREAMS[spec.stream] ?? 's-0', events, expectedRevision: spec.expectation };
      }
      earlier.push(append);
      return append;
    }),
  );
};

type Outcome = { readonly ok: true; readonly result: AppendResult } | { readonly ok: false; readonly error: unknown };

const outcomeOf = (settled: PromiseSettledResult<AppendResult>): Outcome =>
  settled.status === 'fulfilled' ? { ok: true, result: settled.value } : { ok: false, error: settled.reason };

/** What a refusal looks like across stores: its class, and for conflicts what was expected and found. */
const describeFailure = (error: unknown): unknown =>
  error instanceof ConcurrencyError
    ? { name: 'ConcurrencyError', expected: error.expected, actual: error.actual }
    : { name: error instanceof Error ? error.constructor.name : typeof error };

const lastRevision = async (store: EventStore, stream: string): Promise<bigint | 'no_stream'> =>
  (await toArray(store.read(stream, { direction: 'backwards', maxCount: 1 })))[0]?.revision ?? 'no_stream';

/**
 * The oracle: the memory store, one append after another in arrival order. What SQLite
 * must answer is what the memory store answered, with one documented difference: where
 * an exact expectation holds, SQLite looks up no ids, so an id already in the stream is
 * a StoreRequestError (from the unique index) where the memory store says conflict.
 */
const expectedOutcomes = async (appends: readonly Append[]): Promise<{ outcomes: unknown[]; store: EventStore }> => {
  const store = createMemoryEventStore();
  const outcomes: unknown[] = [];
  for (const { stream, events, expectedRevision } of appends) {
    const actual = await lastRevision(store, stream);
    const exactAndHolds =
      (typeof expectedRevision === 'bigint' || expectedRevision === 'no_stream') &&
      satisfiesExpectedRevision(expectedRevision, actual);
    const outcome = outcomeOf((await Promise.allSettled([store.append(stream, events, { expectedRevision })]))[0]);
    if (outcome.ok) outcomes.push(outcome);
    else if (outcome.error instanceof ConcurrencyError && exactAndHolds) outcomes.push({ name: 'StoreRequestError' });
    else outcomes.push(describeFailure(outcome.error));
  }
  return { outcomes, store };
};

const contents = async (store: EventStore): Promise<unknown> => {
  const shape = (event: StoredEvent) => [event.stream, event.revision, event.position.commit, event.id, event.type];
  const streams = await Promise.all(STREAMS.map(async (stream) => (await toArray(store.read(stream))).map(shape)));
  return { streams, all: (await toArray(store.readAll())).map(shape) };
};

describe('sqlite group commit against the memory store', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'shardkeep-group-commit-model-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('answers every interleaving of appends, retries and stale expectations as one-by-one appends do', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(rounds, async (specs) => {
        const batches = materialize(specs);
        const path = join(folder, `run-${(run += 1)}.db`);
        const sqlite = openSqliteEventStore({ path });
        try {
          const commits = countCommits(path);
          const actual: unknown[] = [];
          for (const batch of batches) {
            const settled = await Promise.allSettled(
              batch.map(({ stream, events, expectedRevision }) => sqlite.append(stream, events, { expectedRevision })),
            );
            actual.push(...settled.map(outcomeOf).map((outcome) => (outcome.ok ? outcome : describeFailure(outcome.error))));
          }
          // One transaction per round at most (a round where nothing is written commits no frame).
          expect(commits()).toBeLessThanOrEqual(batches.length);
          const oracle = await expectedOutcomes(batches.flat());
          expect(actual).toEqual(oracle.outcomes);
          expect(await contents(sqlite)).toEqual(await contents(oracle.store));
        } finally {
          await sqlite.close();
        }
      }),
      { numRuns: 150 },
    );
  }, 60_000);
});
