import { actorIds, connectBenchClient, expectOk, ONE, type BenchClient } from './bench-client.js';
import { closedLoop, openLoop, type OpenLoopResult, type Send } from './load.js';
import { formatRate, median } from './measure.js';
import { startBenchChild, withChildren, type BenchChild } from './processes.js';

/**
 * Figure 1: end-to-end commands/s through a real nats-server. The typed client (this
 * process) drives, round by round in a rotating order, with the same payload and in-flight
 * count over `actors` ids:
 *   echo      - a plain responder (child process): NATS request/reply and nothing else;
 *   host      - an actor host (child process) on the memory store: the figure;
 *   blackhole - the same host on a store that keeps nothing: what the runtime costs
 *               without a store, to tell the two apart in a profile (diagnostic);
 *   baseline  - with `baseline` set, the memory-store host of another checkout (the code
 *               before a change), so before and after are measured in the same rounds.
 * Then latency, open loop, at half the host's peak: a fresh host (so the memory store's
 * log from the rounds, hundreds of MB in the host's heap, does not set the GC pauses) and
 * the echo responder at the same rate.
 */
export interface ThroughputOptions {
  readonly url: string;
  readonly inFlight: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly rounds: number;
  readonly actors: number;
  readonly latencyMs: number;
  /** Another checkout of the repository whose host runs as the side `baseline`. */
  readonly baseline?: string | undefined;
}

const SIDES = ['echo', 'host', 'blackhole', 'baseline'] as const;
type Side = (typeof SIDES)[number];

export interface SideFigure {
  readonly rate: number;
  /** host or echo rate over the echo rate of the same round, the median of the rounds. */
  readonly vsEcho: number;
  /** CPU of the serving child per command (host or responder), all its threads. */
  readonly serverCpuMicros: number;
  /** CPU of this, the client's, process per command. */
  readonly clientCpuMicros: number;
  readonly appendsPerCommand: number | undefined;
}

export interface ThroughputFigures {
  readonly options: ThroughputOptions;
  readonly sides: Readonly<Partial<Record<Side, SideFigure>>> & Readonly<Record<'echo' | 'host' | 'blackhole', SideFigure>>;
  readonly latencyRate: number;
  readonly hostLatency: OpenLoopResult;
  readonly echoLatency: OpenLoopResult;
  /** The baseline host's latency at the same rate, when there is one. */
  readonly baselineLatency?: OpenLoopResult | undefined;
}

export const THROUGHPUT_GOAL = 0.6;

interface Sample {
  readonly rate: number;
  readonly serverCpu: number;
  readonly clientCpu: number;
  readonly appends: number;
  readonly commands: number;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const measure = async (child: BenchChild, send: Send, options: ThroughputOptions): Promise<Sample> => {
  const before = await child.stats();
  const result = await closedLoop(send, options.inFlight, options.durationMs);
  const after = await child.stats();
  const requests = Math.max(1, after.requests - before.requests);
  return {
    rate: result.rate,
    serverCpu: (after.cpuMicros - before.cpuMicros) / requests,
    clientCpu: result.cpuMicrosPerCommand,
    appends: (after.host?.appends ?? 0) - (before.host?.appends ?? 0),
    commands: (after.host?.commands ?? 0) - (before.host?.commands ?? 0),
  };
};

// Each host serves a category of its own, so that all of them can run side by side.
const startHost = (url: string, store: 'memory' | 'blackhole'): Promise<BenchChild> =>
  startBenchChild({ mode: 'host', url, store, category: store === 'memory' ? 'tally' : 'blackhole' });
const startBaselineHost = (url: string, checkout: string): Promise<BenchChild> =>
  startBenchChild({ mode: 'host', url, store: 'memory', category: 'baseline' }, checkout);

/** Open loop at `rate` on a fresh memory-store host, after a warm-up at the same rate that activates the actors. */
const hostLatency = (
  start: () => Promise<BenchChild>,
  command: BenchClient['tally'],
  idOf: (index: number) => string,
  rate: number,
  options: ThroughputOptions,
): Promise<OpenLoopResult> =>
  withChildren(
    () => [start()],
    async () => {
      const send = (index: number): Promise<void> => expectOk(command(idOf(index), ONE));
      await openLoop(send, rate, Math.max(options.warmupMs, Math.ceil((options.actors / rate) * 1000)));
      return openLoop(send, rate, options.latencyMs);
    },
  );

export const benchThroughput = async (options: ThroughputOptions, report: (line: string) => void): Promise<ThroughputFigures> => {
  const client = await connectBenchClient(options.url);
  const ids = actorIds('a', options.actors);
  const idOf = (index: number): string => ids[index % ids.length] ?? 'a0';
  // Worker w's n-th command goes to actor (w + n * inFlight): all actors, none twice at once.
  const spread = (command: BenchClient['tally']): Send => (worker, count) => expectOk(command(idOf(worker + count * options.inFlight), ONE));
  const senders: Record<Side, Send> = {
    echo: spread(client.echo),
    host: spread(client.tally),
    blackhole: spread(client.blackhole),
    baseline: spread(client.baseline),
  };
  const { baseline } = options;
  const sides = SIDES.filter((side) => side !== 'baseline' || baseline !== undefined);
  try {
    const samples: Record<Side, Sample[]> = { echo: [], host: [], blackhole: [], baseline: [] };
    const latencyRate = await withChildren(
      () => [
        startBenchChild({ mode: 'echo', url: options.url }),
        startHost(options.url, 'memory'),
        startHost(options.url, 'blackhole'),
        ...(baseline === undefined ? [] : [startBaselineHost(options.url, baseline)]),
      ],
      async ([echo, host, blackhole, before]) => {
        if (echo === undefined || host === undefined || blackhole === undefined) throw new Error('bench children did not start');
        const children: Partial<Record<Side, BenchChild>> = { echo, host, blackhole, baseline: before };
        for (let round = 1; round <= options.rounds; round += 1) {
          const order = sides.map((_, index) => sides[(index + round - 1) % sides.length] ?? 'echo');
          for (const side of order) {
            const child = children[side];
            if (child === undefined) throw new Error(`bench child ${side} did not start`);
            await pause(250);
            // The first round warms each side up (JIT, activations) before it is measured.
            if (round === 1) await closedLoop(senders[side], options.inFlight, options.warmupMs);
            const sample = await measure(child, senders[side], options);
            samples[side].push(sample);
            report(
              `round ${round} ${side.padEnd(9)} ${formatRate(sample.rate).padStart(6)} commands/s  ` +
                `server ${sample.serverCpu.toFixed(1)} µs CPU/cmd, client ${sample.clientCpu.toFixed(1)} µs CPU/cmd`,
            );
          }
        }
        return Math.round(median(samples.host.map((sample) => sample.rate)) / 2);
      },
    );
    return { options, sides: figures(samples), latencyRate, ...(await latencies(client, idOf, latencyRate, options, report)) };
  } finally {
    await client.close();
  }
};

const figures = (samples: Readonly<Record<Side, readonly Sample[]>>): ThroughputFigures['sides'] => {
  const figure = (side: Side): SideFigure => {
    const of = samples[side];
    const commands = of.reduce((total, sample) => total + sample.commands, 0);
    return {
      rate: median(of.map((sample) => sample.rate)),
      // Paired within a round: both sides of a ratio saw the same moment of a shared machine.
      vsEcho: median(of.map((sample, index) => sample.rate / (samples.echo[index]?.rate ?? Number.NaN))),
      serverCpuMicros: median(of.map((sample) => sample.serverCpu)),
      clientCpuMicros: median(of.map((sample) => sample.clientCpu)),
      appendsPerCommand: side === 'echo' ? undefined : of.reduce((total, sample) => total + sample.appends, 0) / Math.max(1, commands),
    };
  };
  const sides = { echo: figure('echo'), host: figure('host'), blackhole: figure('blackhole') };
  return samples.baseline.length === 0 ? sides : { ...sides, baseline: figure('baseline') };
};

const latencies = async (
  client: BenchClient,
  idOf: (index: number) => string,
  rate: number,
  options: ThroughputOptions,
  report: (line: string) => void,
): Promise<Pick<ThroughputFigures, 'hostLatency' | 'echoLatency' | 'baselineLatency'>> => {
  const show = (side: string, result: OpenLoopResult): void =>
    report(`latency ${side.padEnd(8)} at ${formatRate(result.rate)}/s: p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms`);
  const host = await hostLatency(() => startHost(options.url, 'memory'), client.tally, idOf, rate, options);
  show('host', host);
  const { baseline } = options;
  const before = baseline === undefined ? undefined : await hostLatency(() => startBaselineHost(options.url, baseline), client.baseline, idOf, rate, options);
  if (before !== undefined) show('baseline', before);
  const echo = await withChildren(
    () => [startBenchChild({ mode: 'echo', url: options.url })],
    async () => {
      const send = (index: number): Promise<void> => expectOk(client.echo(idOf(index), ONE));
      await openLoop(send, rate, options.warmupMs);
      return openLoop(send, rate, options.latencyMs);
    },
  );
  show('echo', echo);
  return { hostLatency: host, echoLatency: echo, baselineLatency: before };
};

const ms = (value: number): string => `${value.toFixed(2)} ms`;

export const throughputTable = (result: ThroughputFigures): string => {
  const { options, sides } = result;
  const row = (name: string, side: Side, latency?: OpenLoopResult): string => {
    const figure = sides[side];
    if (figure === undefined) return '';
    return (
      `| ${name} | ${formatRate(figure.rate)} | ${figure.vsEcho.toFixed(3)} | ${figure.serverCpuMicros.toFixed(1)} | ` +
      `${figure.clientCpuMicros.toFixed(1)} | ${figure.appendsPerCommand?.toFixed(2) ?? ''} | ` +
      `${latency === undefined ? '' : ms(latency.p50Ms)} | ${latency === undefined ? '' : ms(latency.p99Ms)} |`
    );
  };
  const met = sides.host.vsEcho >= THROUGHPUT_GOAL ? 'met' : 'NOT met';
  return [
    `${options.inFlight} in flight over ${options.actors.toLocaleString('en')} actors, median of ${options.rounds} rounds of ` +
      `${options.durationMs} ms (rotating order, ${options.warmupMs} ms of warm-up each first); ` +
      `host/echo = ${sides.host.vsEcho.toFixed(2)} (goal >= ${THROUGHPUT_GOAL}: ${met})`,
    '',
    '| responder | commands/s | vs echo | server CPU µs/cmd | client CPU µs/cmd | appends/cmd | p50 at half peak | p99 at half peak |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    row('echo (fixed reply)', 'echo', result.echoLatency),
    row('host, memory store', 'host', result.hostLatency),
    row('host, store that keeps nothing (diagnostic)', 'blackhole'),
    ...(sides.baseline === undefined ? [] : [row(`baseline: host, memory store, from ${options.baseline ?? ''}`, 'baseline', result.baselineLatency)]),
    '',
    `Latency: open loop at ${formatRate(result.latencyRate)} commands/s, half the host's peak, for ${options.latencyMs} ms ` +
      `(achieved: host ${formatRate(result.hostLatency.rate)}/s, echo ${formatRate(result.echoLatency.rate)}/s), ` +
      'on a fresh host after a warm-up at that rate (the baseline too, when there is one), and on the echo responder at the same rate.',
  ].join('\n');
};
