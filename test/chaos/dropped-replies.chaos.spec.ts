import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandReply } from '../../actors/runtime/protocol/reply.js';
import { openSqliteEventStore } from '../../infra/eventstore/sqlite/index.js';
import { createCommandClient, createTypedClient, type CommandClient } from '../../infra/client/index.js';
import { seededRandom } from '../../scripts/simulation/random.js';
import { balanceOf, holderOf, seedWorld, startInProcessWorld, type InProcessWorld } from '../process/world-fixture.js';
import { readCommandLog } from '../support/chaos/command-log.js';
import { dropReplies, type ReplyDrop } from '../support/chaos/dropping-transport.js';
import { chaosProfile, recordFigure, scaled } from '../support/chaos/figures.js';
import { createItemMover, seededItems, shareItems, type WorldCommand } from '../support/chaos/wallet-and-items.js';
import { applicationsByCommand, classifyCommands, type ClientOutcome, type JepsenCounts, type SentCommand } from '../support/chaos/jepsen.js';

/**
 * Figure 2 of RELIABILITY.md: ambiguous acknowledgements. A world runs in this process on
 * the embedded bus and a SQLite log; a game server sends 500 commands through the typed
 * client (infra/client) over a transport that loses the replies of a seeded 20% of them:
 * some after the host answered, some at once while the request is still on its way (the
 * retry races the original through the host), some on every attempt (the client ends in
 * TIMEOUT). The commands are wallet credits with distinct references (a second
 * application would be a second GoldCredited and a higher balance) and item transfers.
 * The log is then read back and every command classified the Jepsen way; the unknowns
 * are sent once more with their commandId, as a game server settles a TIMEOUT.
 *
 * Seeds are printed; `DROPPED_REPLIES_SEED=<n>` replays one.
 */

const FIRST_SEED = Number(process.env['DROPPED_REPLIES_SEED'] ?? 20261207);
const SEEDS = scaled({ short: [FIRST_SEED], full: [FIRST_SEED, FIRST_SEED + 1, FIRST_SEED + 2, FIRST_SEED + 3] });
const COMMANDS = 500;
const DROP_SHARE = 0.2;
const WORKERS = 16;
const PLAYERS = 20;
const ITEMS_PER_PLAYER = 3;
const SEED_GOLD = 1_000;

type Commands = {
  player: { credit: { amount: number; cause: 'loot'; reference: string } };
  item: { transfer: { from: string; to: string } };
};

interface Sent extends SentCommand, WorldCommand {
  readonly dropped: boolean;
}

/** An answer after which the command may have been applied: TIMEOUT, or INTERNAL (the store failed after writing?). */
const outcomeOf = (reply: CommandReply): ClientOutcome =>
  reply.ok ? 'ok' : reply.error.code === 'TIMEOUT' || reply.error.code === 'INTERNAL' ? 'unknown' : 'failed';

interface SeedRun {
  readonly seed: number;
  readonly counts: JepsenCounts;
  readonly settled: JepsenCounts;
  readonly droppedCommands: number;
  readonly droppedReplies: number;
  readonly duplicateAnswers: number;
  readonly balanceMismatches: number;
  readonly holderMismatches: number;
}

const runSeed = async (seed: number, world: InProcessWorld): Promise<SeedRun> => {
  const run = `f2s${seed}`;
  const players = Array.from({ length: PLAYERS }, (_, index) => `${run}-p${index}`);
  await seedWorld(world.bus, players, { gold: SEED_GOLD, items: ITEMS_PER_PLAYER });

  // Which commands lose replies, and how: decided from the seed when each command is made.
  const drops = new Map<string, ReplyDrop>();
  const transport = dropReplies(world.bus, (commandId) => drops.get(commandId));
  const clientOptions = { issuer: { kind: 'server', id: 'gs1' }, timeoutMs: 300, deadlineMs: 1_500, retries: 4, backoff: { initialMs: 5, maxMs: 50 } } as const;
  const typed = createTypedClient<Commands>(createCommandClient({ ...clientOptions, transport }));
  const credit = typed.command('player', 'credit');
  const transfer = typed.command('item', 'transfer');

  const history: Sent[] = [];
  let duplicateAnswers = 0;
  const items = seededItems(players, ITEMS_PER_PLAYER);
  const movers = shareItems(items, WORKERS).map((share) => createItemMover(players, share));

  const worker = async (index: number, count: number): Promise<void> => {
    const random = seededRandom(seed * 100 + index);
    const mover = movers[index];
    if (mover === undefined) throw new Error(`no mover for worker ${index}`);
    for (let sequence = 0; sequence < count; sequence += 1) {
      const commandId = `${run}-w${index}-c${sequence}`;
      if (random() < DROP_SHARE) {
        const roll = random();
        drops.set(commandId, { mode: random() < 0.5 ? 'late' : 'early', attempts: roll < 0.6 ? 1 : roll < 0.85 ? 2 : Infinity });
      }
      const command = mover.next(commandId, random);
      const reply =
        command.credit === undefined
          ? await transfer(command.request.actorId, { from: command.transfer?.from ?? '', to: command.transfer?.to ?? '' }, { commandId })
          : await credit(command.credit.player, { amount: command.credit.amount, cause: 'loot', reference: command.credit.reference }, { commandId });
      if (reply.ok && reply.duplicate === true) duplicateAnswers += 1;
      const outcome = outcomeOf(reply);
      mover.settle(command, outcome);
      history.push({ ...command, outcome, dropped: drops.has(commandId) });
    }
  };
  await Promise.all(
    Array.from({ length: WORKERS }, (_, index) => worker(index, Math.floor(COMMANDS / WORKERS) + (index < COMMANDS % WORKERS ? 1 : 0))),
  );

  const mine = (commandId: string): boolean => commandId.startsWith(`${run}-w`);
  const report = classifyCommands(history, await readCommandLog(world.store, mine));

  // A game server settles each TIMEOUT by sending the same commandId again (here, with no drops).
  const settler: CommandClient = createCommandClient({ ...clientOptions, transport: world.bus });
  const settledHistory: SentCommand[] = [];
  for (const sent of history) {
    if (sent.outcome !== 'unknown') {
      settledHistory.push(sent);
      continue;
    }
    const again = outcomeOf(await settler.send(sent.request));
    movers.forEach((mover) => mover.settle(sent, again));
    settledHistory.push({ commandId: sent.commandId, outcome: again });
  }
  const events = await readCommandLog(world.store, mine);
  const settled = classifyCommands(settledHistory, events);

  // The effects themselves: balances and holders as the log has them, against the commands applied.
  const applications = applicationsByCommand(events);
  let balanceMismatches = 0;
  for (const player of players) {
    const credited = history
      .filter((sent) => sent.credit?.player === player && applications.has(sent.commandId))
      .reduce((sum, sent) => sum + (sent.credit?.amount ?? 0), 0);
    if ((await balanceOf(world.store, player)) !== SEED_GOLD + credited) balanceMismatches += 1;
  }
  let holderMismatches = 0;
  // Every unknown transfer was settled above, so every item's owner is known.
  for (const mover of movers) {
    for (const [item, owner] of mover.owners) if ((await holderOf(world.store, item)) !== owner) holderMismatches += 1;
  }

  return {
    seed,
    counts: report.counts,
    settled: settled.counts,
    droppedCommands: history.filter((sent) => sent.dropped).length,
    droppedReplies: transport.dropped(),
    duplicateAnswers,
    balanceMismatches,
    holderMismatches,
  };
};

describe('replies dropped for a fifth of the commands (figure 2)', () => {
  let world: InProcessWorld | undefined;
  let folder: string | undefined;

  afterEach(async () => {
    await world?.stop();
    await world?.store.close();
    if (folder !== undefined) await rm(folder, { recursive: true, force: true });
  });

  it('loses no acknowledged command and applies none twice; the client retries by commandId', async () => {
    console.log(`dropped replies: seeds ${SEEDS.join(', ')} (DROPPED_REPLIES_SEED), profile ${chaosProfile()}, ${COMMANDS} commands each`);
    folder = await mkdtemp(join(tmpdir(), 'shardkeep-dropped-replies-'));
    world = await startInProcessWorld({ store: openSqliteEventStore({ path: join(folder, 'events.sqlite'), synchronous: 'normal' }) });

    const runs: SeedRun[] = [];
    for (const seed of SEEDS) runs.push(await runSeed(seed, world));
    const total = (pick: (run: SeedRun) => number): number => runs.reduce((sum, run) => sum + pick(run), 0);
    console.log(`dropped replies: ${JSON.stringify(runs)}`);

    const invariants = {
      lost: total((run) => run.counts.lost),
      appliedTwice: total((run) => run.settled.appliedTwice),
      unexpected: total((run) => run.settled.unexpected),
      failedButApplied: total((run) => run.settled.failedButApplied),
      balanceMismatches: total((run) => run.balanceMismatches),
      holderMismatches: total((run) => run.holderMismatches),
      unknownAfterSettling: total((run) => run.settled.unknown),
    };
    const pass = Object.values(invariants).every((value) => value === 0);
    recordFigure({
      figure: 2,
      scenario: 'replies dropped for 20% of 500 commands, typed client retrying by commandId',
      verdict: pass ? 'pass' : 'fail',
      measurements: {
        commands: total((run) => run.counts.commands),
        'replies dropped (commands)': total((run) => run.droppedCommands),
        'replies dropped (attempts)': total((run) => run.droppedReplies),
        ok: total((run) => run.counts.ok),
        failed: total((run) => run.counts.failed),
        unknown: total((run) => run.counts.unknown),
        'unknown, in the log once': total((run) => run.counts.unknownApplied),
        'unknown, not in the log': total((run) => run.counts.unknownAbsent),
        'answered duplicate': total((run) => run.duplicateAnswers),
        lost: invariants.lost,
        unexpected: invariants.unexpected,
        'applied twice': invariants.appliedTwice,
        'unknown after resending': invariants.unknownAfterSettling,
        'balances off': invariants.balanceMismatches,
        'holders off': invariants.holderMismatches,
      },
      seeds: SEEDS,
      method:
        'A seeded 20% of commands (wallet credits with distinct references, item transfers) lose their replies once, twice or on every attempt, after the host answered or while the request is in flight; the log is read back and every commandId classified by the applications its metadata records, then every unknown is sent again with its commandId.',
    });

    expect(invariants).toEqual({
      lost: 0,
      appliedTwice: 0,
      unexpected: 0,
      failedButApplied: 0,
      balanceMismatches: 0,
      holderMismatches: 0,
      unknownAfterSettling: 0,
    });
    // The drops must have bitten: retries answered as duplicates, and some commands left unknown.
    expect(total((run) => run.droppedCommands)).toBeGreaterThan(COMMANDS * SEEDS.length * DROP_SHARE * 0.7);
    expect(total((run) => run.duplicateAnswers)).toBeGreaterThan(0);
    expect(total((run) => run.counts.unknown)).toBeGreaterThan(0);
    expect(total((run) => run.counts.ok)).toBeGreaterThan(COMMANDS * SEEDS.length * 0.7);
  });
});
