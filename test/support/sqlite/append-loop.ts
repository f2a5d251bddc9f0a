/**
 * A writer process for the SQLite durability tests. Appends batches of 1–8 events to a
 * few streams, each with the exact expected revision, and prints one `ack` line per
 * append only after the store acknowledged it. Runs until `--count` appends or until
 * killed. Every event's metadata names its batch and its place in it, so a reader can
 * check that each append landed whole or not at all. With `--writers N`, N loops append
 * concurrently (the streams dealt out among them), so group commit batches them.
 *
 *   node --import tsx test/support/sqlite/append-loop.ts <file> [--count N] [--streams N]
 *        [--writers N] [--prefix P] [--delay-ms N] [--synchronous full|normal] [--no-group-commit]
 */
import { randomUUID } from 'node:crypto';
import { writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { ExpectedRevision } from '../../../events/store/index.js';
import { openSqliteEventStore } from '../../../infra/eventstore/sqlite/index.js';

export interface AckLine {
  readonly stream: string;
  readonly batch: string;
  readonly ids: readonly string[];
  /** Decimal bigints: JSON has no bigint. */
  readonly nextExpectedRevision: string;
  readonly position: string;
}

export interface BatchMetadata {
  readonly batch: string;
  readonly index: number;
  readonly size: number;
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    count: { type: 'string', default: String(Number.MAX_SAFE_INTEGER) },
    streams: { type: 'string', default: '4' },
    writers: { type: 'string', default: '1' },
    'no-group-commit': { type: 'boolean', default: false },
    prefix: { type: 'string', default: 'loop' },
    'delay-ms': { type: 'string', default: '0' },
    synchronous: { type: 'string', default: 'full' },
  },
});
const [file] = positionals;
if (file === undefined) throw new Error('usage: append-loop.ts <file> [options]');
const count = Number(values.count);
const delayMs = Number(values['delay-ms']);
const synchronous = values.synchronous === 'normal' ? 'normal' : 'full';
const streams = Array.from({ length: Number(values.streams) }, (_, index) => `${values.prefix}-${index}`);

const writers = Math.max(1, Math.min(Number(values.writers), streams.length));

const store = openSqliteEventStore({ path: file, synchronous, groupCommit: !values['no-group-commit'] });
const encoder = new TextEncoder();

// A restarted writer picks up where the file stands, as an actor host would after a crash.
const expected = new Map<string, ExpectedRevision>();
for (const stream of streams) {
  let last: ExpectedRevision = 'no_stream';
  for await (const event of store.read(stream, { direction: 'backwards', maxCount: 1 })) last = event.revision;
  expected.set(stream, last);
}
process.stdout.write('ready\n');

let appended = 0;
const writer = async (own: readonly string[]): Promise<void> => {
  for (let turn = 0; appended < count; turn += 1) {
    const stream = own[turn % own.length] ?? 'loop-0';
    const number = appended;
    appended += 1;
    const batch = `${process.pid}-${number}`;
    const size = 1 + Math.floor(Math.random() * 8);
    const events = Array.from({ length: size }, (_, index) => {
      const metadata: BatchMetadata = { batch, index, size };
      return {
        id: randomUUID(),
        type: 'LoopAppended.v1',
        data: encoder.encode(`{"n":${number}}`),
        metadata: encoder.encode(JSON.stringify(metadata)),
      };
    });
    const result = await store.append(stream, events, { expectedRevision: expected.get(stream) ?? 'no_stream' });
    expected.set(stream, result.nextExpectedRevision);
    const ack: AckLine = {
      stream,
      batch,
      ids: events.map((event) => event.id),
      nextExpectedRevision: result.nextExpectedRevision.toString(),
      position: result.position.commit.toString(),
    };
    // Writes to a pipe are synchronous on Linux: once this returns, the parent can read the line.
    // Written synchronously: a line still queued in this process when it is SIGKILLed would be
    // lost, and the test would count its append as committed but never acknowledged.
    writeSync(1, `ack ${JSON.stringify(ack)}\n`);
    if (delayMs > 0) await sleep(delayMs);
  }
};
await Promise.all(
  Array.from({ length: writers }, (_, index) => writer(streams.filter((_, stream) => stream % writers === index))),
);
await store.close();
