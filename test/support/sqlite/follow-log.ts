/**
 * A reader process for the SQLite tests: opens the file read-only, subscribes to `$all`
 * from the start (filtered on a stream prefix) and prints one `event` line per event and
 * `caught_up` when the catch-up ends. After `--expect` events it reads `$all` once more,
 * prints `read <count>`, and exits.
 *
 *   node --import tsx test/support/sqlite/follow-log.ts <file> --expect N --prefix P
 */
import { parseArgs } from 'node:util';
import { openSqliteEventStore } from '../../../infra/eventstore/sqlite/index.js';

export interface EventLine {
  readonly stream: string;
  readonly revision: string;
  readonly position: string;
  readonly id: string;
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    expect: { type: 'string' },
    prefix: { type: 'string', default: '' },
    'poll-ms': { type: 'string', default: '20' },
  },
});
const [file] = positionals;
if (file === undefined || values.expect === undefined) throw new Error('usage: follow-log.ts <file> --expect N');
const expected = Number(values.expect);
const filter = { on: 'streamName', prefixes: [values.prefix] } as const;

const store = openSqliteEventStore({ path: file, readonly: true, pollIntervalMs: Number(values['poll-ms']) });
let seen = 0;
for await (const message of store.subscribeAll({ filter })) {
  if (message.kind === 'caught_up') process.stdout.write('caught_up\n');
  if (message.kind !== 'event') continue;
  const { event } = message;
  const line: EventLine = {
    stream: event.stream,
    revision: event.revision.toString(),
    position: event.position.commit.toString(),
    id: event.id,
  };
  process.stdout.write(`event ${JSON.stringify(line)}\n`);
  seen += 1;
  if (seen >= expected) break;
}
let read = 0;
for await (const _event of store.readAll({ filter })) read += 1;
process.stdout.write(`read ${read}\n`);
await store.close();
