import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RequestTransport } from '../../actors/runtime/bus.js';
import { encodeCommandEnvelope } from '../../actors/runtime/protocol/envelope.js';
import { commandSubject } from '../../actors/runtime/protocol/subjects.js';
import { createCommandClient, createTypedClient } from '../../infra/client/index.js';
import {
  connectNats,
  createBuiltinNatsRequestTransport,
  createNatsRequestTransport,
  createPlainNatsRequester,
  type NatsConnection,
} from '../../infra/nats/index.js';
import { formatRate, median } from './measure.js';

/**
 * Requests/s of the typed command client against the floor of request/reply in nats.js,
 * with the same responder (another process), the same subjects and the same payload size:
 *   typed     - createTypedClient over createNatsRequestTransport (validation, UUID, msgpack
 *               envelope, reply decoding, deadline bookkeeping, the sweep timer)
 *   transport - createNatsRequestTransport alone, pre-encoded payload, reply not decoded:
 *               separates the transport's cost from the client's protocol work
 *   plain     - one reply subscription, a plain publish, no timers, no encoding
 *   builtin   - nats.js nc.request() (a timer and a promise chain per request)
 * The goal is typed/plain >= 0.8. Variants alternate round by round (in a rotating order)
 * and the median of the rounds is reported, so drift on a shared machine hits all three alike.
 */
export interface ClientBenchOptions {
  readonly url: string;
  /** Requests in flight per variant; default 256. */
  readonly inFlight?: number;
  /** Measured time per variant and round; default 3 000 ms. */
  readonly durationMs?: number;
  /** Default 3. */
  readonly rounds?: number;
  /** Unmeasured run of each variant first, for the JIT; default 1 000 ms. */
  readonly warmupMs?: number;
}

export interface ClientFigure {
  readonly variant: 'typed' | 'transport' | 'plain' | 'builtin';
  readonly requestsPerSecond: number;
  /** CPU time of this (requesting) process per request, user + system. */
  readonly cpuMicrosPerRequest: number;
}

export interface ClientBenchFigures {
  readonly inFlight: number;
  readonly durationMs: number;
  readonly figures: readonly ClientFigure[];
  /** typed / plain requests per second, the median of the per-round ratios. */
  readonly typedToPlain: number;
  /** transport / plain, likewise. */
  readonly transportToPlain: number;
}

type Requester = (worker: number) => Promise<void>;

interface Variant {
  readonly name: ClientFigure['variant'];
  readonly requester: Requester;
  close(): Promise<void>;
}

const ACTORS = Array.from({ length: 1024 }, (_, index) => `actor${index}`);
const ISSUER = { kind: 'server', id: 'bench' } as const;
const DATA = { n: 1 };
const SUBJECTS = ACTORS.map((actorId) => commandSubject({ issuer: ISSUER, category: 'bench', actorId, command: 'ping' }));
// The size of what the typed client sends: a UUID commandId and the same data.
const PAYLOAD = encodeCommandEnvelope({ commandId: '00000000-0000-4000-8000-000000000000', data: DATA });

const typedVariant = async (url: string): Promise<Variant> => {
  const nc = await connectNats({ servers: url, name: 'bench-typed' });
  const transport = createNatsRequestTransport(nc);
  const client = createTypedClient<{ bench: { ping: { n: number } } }>(createCommandClient({ transport, issuer: ISSUER }));
  const ping = client.command('bench', 'ping');
  return {
    name: 'typed',
    requester: async (worker) => {
      const reply = await ping(ACTORS[worker % ACTORS.length] ?? 'actor0', DATA);
      if (!reply.ok) throw new Error(`typed client got ${reply.error.code}: ${reply.error.message}`);
    },
    close: () => closeAll(nc, transport),
  };
};

const transportVariant = async (url: string): Promise<Variant> => {
  const nc = await connectNats({ servers: url, name: 'bench-transport' });
  const transport = createNatsRequestTransport(nc);
  return {
    name: 'transport',
    requester: async (worker) => {
      const outcome = await transport.request(SUBJECTS[worker % SUBJECTS.length] ?? '', PAYLOAD, { timeoutMs: 5_000 });
      if (typeof outcome === 'string') throw new Error(`transport got ${outcome}`);
    },
    close: () => closeAll(nc, transport),
  };
};

const plainVariant = async (url: string): Promise<Variant> => {
  const nc = await connectNats({ servers: url, name: 'bench-plain' });
  const requester = createPlainNatsRequester(nc);
  return {
    name: 'plain',
    requester: async (worker) => {
      await requester.request(SUBJECTS[worker % SUBJECTS.length] ?? '', PAYLOAD);
    },
    close: async () => {
      requester.close();
      await nc.close();
    },
  };
};

const builtinVariant = async (url: string): Promise<Variant> => {
  const nc = await connectNats({ servers: url, name: 'bench-builtin' });
  const transport = createBuiltinNatsRequestTransport(nc);
  return {
    name: 'builtin',
    requester: async (worker) => {
      const outcome = await transport.request(SUBJECTS[worker % SUBJECTS.length] ?? '', PAYLOAD, { timeoutMs: 5_000 });
      if (typeof outcome === 'string') throw new Error(`nc.request() got ${outcome}`);
    },
    close: () => closeAll(nc, transport),
  };
};

const closeAll = async (nc: NatsConnection, transport: RequestTransport): Promise<void> => {
  await transport.close();
  await nc.close();
};

/** `inFlight` loops, each sending its next request when its last one is answered. */
const drive = async (requester: Requester, inFlight: number, durationMs: number): Promise<{ rate: number; cpuMicros: number }> => {
  let running = true;
  let completed = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const stop = setTimeout(() => {
    running = false;
  }, durationMs);
  await Promise.all(
    Array.from({ length: inFlight }, async (_, worker) => {
      while (running) {
        await requester(worker);
        completed += 1;
      }
    }),
  ).finally(() => clearTimeout(stop));
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { rate: completed / seconds, cpuMicros: (cpu.user + cpu.system) / Math.max(1, completed) };
};

const startResponder = async (url: string): Promise<ChildProcess> => {
  const script = fileURLToPath(new URL('./echo-responder.ts', import.meta.url));
  // fork() reuses this process's execArgv, so the tsx loader that runs the bench runs it too.
  const child = fork(script, [url], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [message] = (await Promise.race([once(child, 'message'), once(child, 'exit').then(() => ['exited'])])) as unknown[];
  if (message !== 'ready') throw new Error(`bench responder did not start (${String(message)})`);
  return child;
};

const stopResponder = async (child: ChildProcess): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.send('stop');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
};

export const benchCommandClient = async (
  options: ClientBenchOptions,
  report: (line: string) => void = () => undefined,
): Promise<ClientBenchFigures> => {
  const inFlight = options.inFlight ?? 256;
  const durationMs = options.durationMs ?? 3_000;
  const rounds = options.rounds ?? 3;
  const warmupMs = options.warmupMs ?? 1_000;
  const responder = await startResponder(options.url);
  const variants: Variant[] = [];
  try {
    variants.push(
      await typedVariant(options.url),
      await transportVariant(options.url),
      await plainVariant(options.url),
      await builtinVariant(options.url),
    );
    for (const variant of variants) await drive(variant.requester, inFlight, warmupMs);
    const samples = new Map<ClientFigure['variant'], { rate: number; cpuMicros: number }[]>();
    for (let round = 1; round <= rounds; round += 1) {
      // The order rotates, so no variant always follows the garbage the builtin one leaves.
      const order = variants.map((_, index) => variants[(index + round - 1) % variants.length] ?? variants[0]);
      for (const variant of order) {
        if (variant === undefined) continue;
        await new Promise((resolve) => setTimeout(resolve, 250));
        const sample = await drive(variant.requester, inFlight, durationMs);
        samples.set(variant.name, [...(samples.get(variant.name) ?? []), sample]);
        const rate = formatRate(sample.rate).padStart(6);
        report(`round ${round} ${variant.name.padEnd(10)} ${rate} req/s  ${sample.cpuMicros.toFixed(1)} µs CPU/req`);
      }
    }
    const figures: ClientFigure[] = variants.map(({ name }) => {
      const of = samples.get(name) ?? [];
      return {
        variant: name,
        requestsPerSecond: median(of.map((sample) => sample.rate)),
        cpuMicrosPerRequest: median(of.map((sample) => sample.cpuMicros)),
      };
    });
    // Paired within a round: both sides of a ratio saw the same moment of a shared machine.
    const ratio = (name: ClientFigure['variant']): number => {
      const of = samples.get(name) ?? [];
      const plain = samples.get('plain') ?? [];
      return median(of.map((sample, index) => sample.rate / (plain[index]?.rate ?? Number.NaN)));
    };
    return { inFlight, durationMs, figures, typedToPlain: ratio('typed'), transportToPlain: ratio('transport') };
  } finally {
    await Promise.all(variants.map((variant) => variant.close()));
    await stopResponder(responder);
  }
};

export const commandClientTable = (result: ClientBenchFigures): string =>
  [
    `${result.inFlight} in flight, median of rounds of ${result.durationMs} ms; ` +
      `typed/plain = ${result.typedToPlain.toFixed(2)} (goal >= 0.8), transport/plain = ${result.transportToPlain.toFixed(2)}`,
    '| requester | requests/s | CPU µs/request (requester process) |',
    '|---|---:|---:|',
    ...result.figures.map(
      (figure) => `| ${figure.variant} | ${formatRate(figure.requestsPerSecond)} | ${figure.cpuMicrosPerRequest.toFixed(1)} |`,
    ),
  ].join('\n');

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const url = process.argv[2];
  if (url === undefined) throw new Error('usage: tsx scripts/bench/client.ts <nats-url> [inFlight] [durationMs]');
  const inFlight = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
  const durationMs = process.argv[4] === undefined ? undefined : Number(process.argv[4]);
  const result = await benchCommandClient(
    { url, ...(inFlight === undefined ? {} : { inFlight }), ...(durationMs === undefined ? {} : { durationMs }) },
    console.log,
  );
  console.log(commandClientTable(result));
}
