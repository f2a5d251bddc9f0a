import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { createActorHost } from '../../actors/runtime/host.js';
import type { IncomingRequest, RequestBus } from '../../actors/runtime/bus.js';
import { encodeCommandEnvelope } from '../../actors/runtime/protocol/envelope.js';
import { commandSubject } from '../../actors/runtime/protocol/subjects.js';
import { createMemoryEventStore } from '../../infra/eventstore/memory/memory-event-store.js';
import { ISSUER, ONE } from './bench-client.js';
import { createBlackholeEventStore } from './blackhole-store.js';
import { TALLY_CATEGORY, tallyActor } from './tally.js';

/**
 * The host's own CPU per command on a fixed workload, with no network and no load
 * generator beside it: a bus that hands the host pre-encoded requests in waves of
 * `inFlight` (one command per actor per wave, as one socket read delivers them), waits
 * for every reply, and sends the next wave. The same commands in the same order on
 * every run, so a change to the host's hot path shows as CPU per command (and, under
 * `--cpu-prof`, as where it goes) rather than as a rate the machine's other work decides.
 * Usage: tsx scripts/bench/host-cpu.ts [commands=200000] [inFlight=256] [actors=10000] [memory|blackhole] [runs=5]
 * Prints one line per run: µs of process CPU per command (GC included); the minimum is
 * the figure least disturbed by the machine's other work.
 */
class WaveRequest implements IncomingRequest {
  reply: Uint8Array | undefined;
  constructor(
    readonly subject: string,
    readonly payload: Uint8Array,
    private readonly done: () => void,
  ) {}

  header(): string | undefined {
    return undefined;
  }

  respond(reply: Uint8Array): void {
    this.reply = reply;
    this.done();
  }
}

export const measureHostCpu = async (options: {
  commands: number;
  inFlight: number;
  actors: number;
  store: 'memory' | 'blackhole';
}): Promise<{ cpuMicrosPerCommand: number; wallMicrosPerCommand: number }> => {
  let handler: ((request: IncomingRequest) => void) | undefined;
  const bus: RequestBus = {
    serve: async (_subject, _queue, serve) => {
      handler = serve;
      return { drain: async () => undefined };
    },
  };
  const store = options.store === 'memory' ? createMemoryEventStore() : createBlackholeEventStore();
  const host = createActorHost({ bus, store, actors: [tallyActor] });
  await host.start();
  const receive = handler;
  if (receive === undefined) throw new Error('the host did not serve');

  const subjects = Array.from({ length: options.actors }, (_, actor) =>
    commandSubject({ issuer: ISSUER, category: TALLY_CATEGORY, actorId: `a${actor}`, command: 'add' }),
  );
  const payloads = Array.from({ length: options.commands }, () => encodeCommandEnvelope({ commandId: randomUUID(), data: ONE }));

  let outstanding = 0;
  let waveDone: (() => void) | undefined;
  const done = (): void => {
    outstanding -= 1;
    if (outstanding === 0) waveDone?.();
  };
  const started = process.cpuUsage();
  const wallStarted = performance.now();
  for (let sent = 0; sent < options.commands; ) {
    const wave = Math.min(options.inFlight, options.commands - sent);
    const finished = new Promise<void>((resolve) => (waveDone = resolve));
    outstanding = wave;
    for (let index = 0; index < wave; index += 1, sent += 1) {
      receive(new WaveRequest(subjects[sent % options.actors] as string, payloads[sent] as Uint8Array, done));
    }
    await finished;
  }
  const used = process.cpuUsage(started);
  const wall = performance.now() - wallStarted;
  await host.stop();
  return { cpuMicrosPerCommand: (used.user + used.system) / options.commands, wallMicrosPerCommand: (wall * 1000) / options.commands };
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [commands = '200000', inFlight = '256', actors = '10000', store = 'memory', runs = '5'] = process.argv.slice(2);
  for (let run = 0; run < Number(runs); run += 1) {
    const figure = await measureHostCpu({
      commands: Number(commands),
      inFlight: Number(inFlight),
      actors: Number(actors),
      store: store === 'blackhole' ? 'blackhole' : 'memory',
    });
    console.log(`run ${run + 1}: ${figure.cpuMicrosPerCommand.toFixed(2)} µs CPU/command, ${figure.wallMicrosPerCommand.toFixed(2)} µs wall/command`);
  }
}
