import { benchCommandClient, commandClientTable } from './client.js';
import { startBenchNatsServer } from './nats-server.js';
import { activationTable, benchActivation } from './runtime-activation.js';
import { benchGroupCommit, groupCommitTable } from './runtime-group-commit.js';
import { benchMemory, memoryTable } from './runtime-memory.js';
import { benchThroughput, throughputTable } from './runtime-throughput.js';

/**
 * The actor-runtime suite (`npm run bench -- --suite runtime`): five figures, each beside a
 * baseline from the same run. The NATS ones use a nats-server this suite starts on a free
 * loopback port, with hosts and responders in child processes.
 */
export interface RuntimeBenchOptions {
  readonly inFlight: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly rounds: number;
  readonly actors: number;
  readonly activationEvents: number;
  readonly activationRepeats: number;
  readonly memoryActors: number;
  readonly distinctIds: number;
  /** Another checkout whose host runs beside this one in figure 1 (the code before a change). */
  readonly baseline?: string | undefined;
  /** Figure 1 alone. */
  readonly throughputOnly?: boolean;
}

export const benchRuntime = async (options: RuntimeBenchOptions, print: (text: string) => void): Promise<void> => {
  const indent = (line: string): void => print(`  ${line}`);
  let sectionStarted = performance.now();
  // Each table ends with the section's wall time: the whole suite should stay within minutes.
  const table = (text: string): void => {
    print(`\n${text}\n\n(${((performance.now() - sectionStarted) / 1000).toFixed(0)} s)\n`);
    sectionStarted = performance.now();
  };
  const nats = await startBenchNatsServer();
  try {
    print(`\n## Runtime 1: commands/s through nats-server, host beside an echo responder (nats-server pid ${nats.pid})\n`);
    const throughput = await benchThroughput(
      {
        url: nats.url,
        inFlight: options.inFlight,
        durationMs: options.durationMs,
        warmupMs: options.warmupMs,
        rounds: options.rounds,
        actors: options.actors,
        latencyMs: options.durationMs,
        baseline: options.baseline,
      },
      indent,
    );
    table(throughputTable(throughput));
    if (options.throughputOnly === true) return;

    print('\n## Runtime 2: typed client beside a minimal requester, same echo responder (scripts/bench/client.ts)\n');
    const client = await benchCommandClient(
      { url: nats.url, inFlight: options.inFlight, rounds: options.rounds, durationMs: Math.min(options.durationMs, 2_000), warmupMs: options.warmupMs },
      indent,
    );
    table(commandClientTable(client));

    print('\n## Runtime 3: appends per command, many commands in flight on few actors\n');
    const groupOptions = { url: nats.url, inFlight: options.inFlight, actorCounts: [64, 16], durationMs: options.durationMs, warmupMs: options.warmupMs };
    const group = await benchGroupCommit(groupOptions, indent);
    table(groupCommitTable(group, groupOptions));
  } finally {
    await nats.stop();
  }

  print('\n## Runtime 4: activation of an actor with a long history\n');
  const activationOptions = { events: options.activationEvents, repeats: options.activationRepeats };
  const activation = await benchActivation(activationOptions, indent);
  table(activationTable(activation, activationOptions));

  print('\n## Runtime 5: memory per idle actor, and the LRU bound\n');
  const memory = await benchMemory({ actors: options.memoryActors, distinctIds: options.distinctIds, maxResident: options.memoryActors });
  table(memoryTable(memory));
};
