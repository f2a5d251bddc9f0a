import { randomUUID } from 'node:crypto';
import type { EventStore, ProposedEvent } from '../../events/store/index.js';
import { formatRate, medianRate, timed } from './measure.js';

export interface StoreUnderTest {
  readonly name: string;
  /** A fresh, empty store; `dispose` removes what it wrote. */
  open(): Promise<{ store: EventStore; dispose(): Promise<void> }>;
}

interface AppendScenario {
  readonly eventsPerAppend: number;
  readonly writers: number;
}

const SCENARIOS: readonly AppendScenario[] = [
  { eventsPerAppend: 1, writers: 1 },
  { eventsPerAppend: 10, writers: 1 },
  { eventsPerAppend: 1, writers: 64 },
  { eventsPerAppend: 10, writers: 64 },
];

// A ≈300-byte event, the size of a typical game event with its metadata.
const DATA = new Uint8Array(220).fill(7);
const METADATA = new Uint8Array(90).fill(3);
const event = (): ProposedEvent => ({ id: randomUUID(), type: 'BenchHappened.v1', data: DATA, metadata: METADATA });

/** Each writer appends to a stream of its own with exact expected revisions, as an actor does. */
const appendLoad = async (store: EventStore, scenario: AppendScenario, appendsPerWriter: number): Promise<number> => {
  const prefix = `bench${randomUUID().slice(0, 8)}`;
  await Promise.all(
    Array.from({ length: scenario.writers }, async (_, writer) => {
      let revision: bigint | 'no_stream' = 'no_stream';
      for (let count = 0; count < appendsPerWriter; count += 1) {
        const batch = Array.from({ length: scenario.eventsPerAppend }, event);
        const result = await store.append(`${prefix}-${writer}`, batch, { expectedRevision: revision });
        revision = result.nextExpectedRevision;
      }
    }),
  );
  return scenario.writers * appendsPerWriter;
};

const fill = async (store: EventStore, events: number): Promise<void> => {
  const perAppend = 100;
  for (let written = 0, stream = 0; written < events; written += perAppend, stream += 1) {
    await store.append(`fill-${stream}`, Array.from({ length: perAppend }, event), { expectedRevision: 'no_stream' });
  }
};

export interface EventStoreFigures {
  readonly store: string;
  readonly scenario: string;
  readonly appendsPerSecond?: number;
  readonly eventsPerSecond: number;
}

export interface EventStoreBenchOptions {
  /** Appends each writer makes in one measured run (the total is split across writers). */
  readonly appends: number;
  readonly readEvents: number;
  readonly repeats: number;
}

export const benchEventStores = async (
  stores: readonly StoreUnderTest[],
  options: EventStoreBenchOptions,
  report: (line: string) => void,
): Promise<EventStoreFigures[]> => {
  const figures: EventStoreFigures[] = [];
  for (const subject of stores) {
    for (const scenario of SCENARIOS) {
      const appendsPerWriter = Math.max(1, Math.floor(options.appends / scenario.writers));
      const rate = await medianRate(options.repeats, async () => {
        const opened = await subject.open();
        try {
          return await timed(() => appendLoad(opened.store, scenario, appendsPerWriter));
        } finally {
          await opened.dispose();
        }
      });
      const label = `append ${scenario.eventsPerAppend} event${scenario.eventsPerAppend > 1 ? 's' : ''}, ${scenario.writers} writer${scenario.writers > 1 ? 's' : ''}`;
      figures.push({ store: subject.name, scenario: label, appendsPerSecond: rate, eventsPerSecond: rate * scenario.eventsPerAppend });
      report(`${subject.name.padEnd(14)} ${label.padEnd(30)} ${formatRate(rate).padStart(7)} appends/s`);
    }

    const opened = await subject.open();
    const store = opened.store;
    try {
      await fill(store, options.readEvents);
      const readAllRate = await medianRate(options.repeats, () =>
        timed(async () => {
          let count = 0;
          for await (const _ of store.readAll()) count += 1;
          return count;
        }),
      );
      figures.push({ store: subject.name, scenario: 'read $all forwards', eventsPerSecond: readAllRate });
      report(`${subject.name.padEnd(14)} ${'read $all forwards'.padEnd(30)} ${formatRate(readAllRate).padStart(7)} events/s`);
      const readStreamRate = await medianRate(options.repeats, () =>
        timed(async () => {
          let count = 0;
          for (let stream = 0; stream * 100 < options.readEvents; stream += 1) {
            for await (const _ of store.read(`fill-${stream}`)) count += 1;
          }
          return count;
        }),
      );
      figures.push({ store: subject.name, scenario: 'read streams of 100', eventsPerSecond: readStreamRate });
      report(`${subject.name.padEnd(14)} ${'read streams of 100'.padEnd(30)} ${formatRate(readStreamRate).padStart(7)} events/s`);
    } finally {
      await opened.dispose();
    }
  }
  return figures;
};

/** A Markdown table with each figure beside the baseline store's figure for the same scenario. */
export const eventStoreTable = (figures: readonly EventStoreFigures[], baseline: string): string => {
  const lines = [
    '| store | scenario | appends/s | events/s | vs ' + baseline + ' |',
    '|---|---|---:|---:|---:|',
  ];
  for (const figure of figures) {
    const base = figures.find((other) => other.store === baseline && other.scenario === figure.scenario);
    const ratio = base === undefined ? '' : (figure.eventsPerSecond / base.eventsPerSecond).toFixed(3);
    lines.push(
      `| ${figure.store} | ${figure.scenario} | ${figure.appendsPerSecond === undefined ? '' : formatRate(figure.appendsPerSecond)} | ${formatRate(figure.eventsPerSecond)} | ${ratio} |`,
    );
  }
  return lines.join('\n');
};
