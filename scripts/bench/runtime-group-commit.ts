import { actorIds, connectBenchClient, expectOk, ONE } from './bench-client.js';
import { closedLoop } from './load.js';
import { formatRate } from './measure.js';
import { startBenchChild, withChildren } from './processes.js';

/**
 * Figure 3: appends per command when `inFlight` commands are spread over few actors, so
 * that commands queue in each actor's mailbox while its previous append is under way and
 * the host decides them together, in one append (the runtime's group commit). Read from the
 * host's own counters, through NATS, with the host in a child process on each store.
 * Beside it, under the same load, what group commit buys for durability: on SQLite
 * (synchronous=full), committed transactions that wrote events (one fsync each), counted
 * by the store itself, per command; the store's own group commit puts the appends of many
 * actors made in one turn into one transaction.
 */
export interface GroupCommitOptions {
  readonly url: string;
  readonly inFlight: number;
  /** The goal's load first (64 actors); then fewer, to show batching past 4 per actor. */
  readonly actorCounts: readonly number[];
  readonly durationMs: number;
  readonly warmupMs: number;
}

export interface GroupCommitFigure {
  readonly store: 'memory' | 'sqlite';
  readonly actors: number;
  readonly rate: number;
  readonly commands: number;
  readonly appendsPerCommand: number;
  /** Event-loop turns with appends per command (on SQLite, about one transaction each). */
  readonly turnsPerCommand: number;
  /** Committed store transactions that wrote events (fsyncs) per command; SQLite only. */
  readonly transactionsPerCommand: number | undefined;
}

export const GROUP_COMMIT_GOAL = 0.2;

export const benchGroupCommit = async (options: GroupCommitOptions, report: (line: string) => void): Promise<GroupCommitFigure[]> => {
  const client = await connectBenchClient(options.url);
  const figures: GroupCommitFigure[] = [];
  try {
    for (const store of ['memory', 'sqlite'] as const) {
      await withChildren(
        () => [startBenchChild({ mode: 'host', url: options.url, store })],
        async ([host]) => {
          if (host === undefined) throw new Error('bench host did not start');
          for (const actors of options.actorCounts) {
            const ids = actorIds(`g${actors}-`, actors);
            // Worker w always sends to actor w mod actors: exactly inFlight / actors commands per actor.
            const send = (worker: number): Promise<void> => expectOk(client.tally(ids[worker % ids.length] ?? 'g0', ONE));
            await closedLoop(send, options.inFlight, options.warmupMs);
            const before = await host.stats();
            const result = await closedLoop(send, options.inFlight, options.durationMs);
            const after = await host.stats();
            const commands = (after.host?.commands ?? 0) - (before.host?.commands ?? 0);
            const appends = (after.host?.appends ?? 0) - (before.host?.appends ?? 0);
            const figure: GroupCommitFigure = {
              store,
              actors,
              rate: result.rate,
              commands,
              appendsPerCommand: appends / Math.max(1, commands),
              turnsPerCommand: (after.appendTurns - before.appendTurns) / Math.max(1, commands),
              transactionsPerCommand:
                store === 'sqlite' ? (after.storeTransactions - before.storeTransactions) / Math.max(1, commands) : undefined,
            };
            report(
              `${store.padEnd(7)} ${String(actors).padStart(3)} actors ${formatRate(figure.rate).padStart(6)} commands/s  ` +
                `${figure.appendsPerCommand.toFixed(3)} appends/cmd  ` +
                (figure.transactionsPerCommand === undefined ? '' : `${figure.transactionsPerCommand.toFixed(4)} store transactions/cmd  `) +
                `${figure.turnsPerCommand.toFixed(3)} turns with appends/cmd`,
            );
            figures.push(figure);
          }
        },
      );
    }
    return figures;
  } finally {
    await client.close();
  }
};

export const groupCommitTable = (figures: readonly GroupCommitFigure[], options: GroupCommitOptions): string => {
  const goalActors = options.actorCounts[0] ?? 64;
  return [
    `${options.inFlight} in flight, each worker on one actor; ${options.durationMs} ms after ${options.warmupMs} ms of warm-up; ` +
      `goal: appends/command <= ${GROUP_COMMIT_GOAL} on ${goalActors} actors. With ${options.inFlight / goalActors} commands in flight per actor ` +
      `an append can hold at most ${options.inFlight / goalActors}, so no runtime can go below ${(goalActors / options.inFlight).toFixed(2)} there. ` +
      'Store transactions: committed SQLite transactions that wrote events (one fsync each at synchronous=full), counted by the store.',
    '',
    '| host store | actors | in flight per actor | commands/s | vs memory | appends/command | goal met | store transactions (fsyncs)/command | commands per transaction |',
    '|---|---:|---:|---:|---:|---:|---|---:|---:|',
    ...figures.map((figure) => {
      const memory = figures.find((other) => other.store === 'memory' && other.actors === figure.actors);
      const transactions = figure.transactionsPerCommand;
      const goal = figure.actors === goalActors ? (figure.appendsPerCommand <= GROUP_COMMIT_GOAL ? 'yes' : 'no') : '(not the goal\'s load)';
      return (
        `| ${figure.store === 'sqlite' ? 'sqlite full, group commit' : 'memory'} | ${figure.actors} | ${options.inFlight / figure.actors} | ` +
        `${formatRate(figure.rate)} | ${memory === undefined ? '' : (figure.rate / memory.rate).toFixed(3)} | ${figure.appendsPerCommand.toFixed(3)} | ` +
        `${goal} | ${transactions === undefined ? '' : transactions.toFixed(4)} | ` +
        `${transactions === undefined || transactions === 0 ? '' : Math.round(1 / transactions)} |`
      );
    }),
  ].join('\n');
};
