import type { RequestTransport } from '../../actors/runtime/bus.js';
import type { Issuer } from '../../actors/runtime/protocol/issuer.js';
import { formatIssuer } from '../../actors/runtime/protocol/issuer.js';
import type { CommandReply } from '../../actors/runtime/protocol/reply.js';
import { createCommandClient, type CommandClient } from '../../infra/client/index.js';
import { BEHAVIOURS, DEFAULT_MIX, play, type Behaviour, type World } from './behaviours.js';
import { createLatencyWindow, type LatencySnapshot } from './latency-window.js';
import type { CurrentWorld, CurrentWorldReader } from './current-world.js';
import { adoptCurrentWorld, believedWorld, createPopulation, starterItemIds } from './population.js';
import { createDice, seededRandom } from './random.js';

/**
 * A simulated world: players who log in, loot, buy, hand items over, trade, list and
 * bid at auctions, and join guilds, at a steady rate of actions (open loop), against a
 * running deployment through any request transport (the embedded bus or NATS).
 */
export interface SimulationOptions {
  readonly transport: RequestTransport;
  readonly players: number;
  readonly itemsPerPlayer: number;
  /** Actions started per second (an action is one to five commands): open loop. */
  readonly actionsPerSecond: number;
  /** When set, this many players act back to back instead (closed loop); the rate is then ignored. */
  readonly concurrency?: number;
  /**
   * Called with every command's latency, outcome and actor category, for a caller's own
   * figures (the category lets a caller set apart guild commands, which wait for the
   * guilds' batching window by design).
   */
  readonly onReply?: (latencyMs: number, outcome: string, category: string) => void;
  /** Actions running at once at most; past it new ones are skipped and counted. */
  readonly maxInFlight: number;
  readonly seed: number;
  readonly mix?: Readonly<Record<Behaviour, number>>;
  /** Distinguishes this run's new ids (trades, loot, auctions) from earlier runs on the same log. */
  readonly runTag: string;
  /**
   * The world as the log holds it, read once the players are seeded. Without it the
   * simulation believes the world fresh (starter items with their players, no guilds),
   * which holds only on an empty log: on one an earlier run played, items have moved.
   */
  readonly currentWorld?: CurrentWorldReader;
}

export interface SimulationStats {
  readonly commands: number;
  /** `OK` or the error code → count, since the start. */
  readonly outcomes: Readonly<Record<string, number>>;
  readonly actions: number;
  readonly skipped: number;
  readonly inFlight: number;
  /** Over the last 5 s. */
  readonly commandsPerSecond: number;
  readonly latency: LatencySnapshot;
  readonly tradesAgreed: number;
  readonly auctionsListed: number;
  readonly bidsPlaced: number;
  readonly guildsCreated: number;
}

export interface WorldSimulation {
  /**
   * Registers the players and gives them gold and items (idempotent across runs), takes
   * its beliefs from the current world when it has a reader, then starts playing.
   */
  start(): Promise<void>;
  /** Stops starting actions and waits for the running ones. */
  stop(): Promise<void>;
  stats(): SimulationStats;
  /** What the simulated game servers believe now: each player's items, and the guilds. */
  beliefs(): CurrentWorld;
}

const WINDOW_SECONDS = 5;
const SEED_GOLD = 10_000;

export const createWorldSimulation = (options: SimulationOptions): WorldSimulation => {
  const dice = createDice(seededRandom(options.seed));
  const playerIds = Array.from({ length: options.players }, (_, index) => `sim-p${index}`);
  const population = createPopulation(playerIds, options.itemsPerPlayer);
  const outcomes = new Map<string, number>();
  const latency = createLatencyWindow({ seconds: WINDOW_SECONDS });
  const clients = new Map<string, CommandClient>();
  const counters = { tradesAgreed: 0, auctionsListed: 0, bidsPlaced: 0, guildsCreated: 0 };
  let commands = 0;
  let actions = 0;
  let skipped = 0;
  let inFlight = 0;
  let sequence = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopping = false;
  const running = new Set<Promise<void>>();

  const clientFor = (issuer: Issuer): CommandClient => {
    const key = formatIssuer(issuer);
    let client = clients.get(key);
    if (client === undefined) {
      client = createCommandClient({ transport: options.transport, issuer, timeoutMs: 5_000, deadlineMs: 10_000 });
      clients.set(key, client);
    }
    return client;
  };

  const send = async (issuer: Issuer, category: string, actorId: string, command: string, data: Record<string, unknown>): Promise<CommandReply> => {
    const started = performance.now();
    const reply = await clientFor(issuer).send({ category, actorId, command, data });
    latency.add(performance.now() - started);
    commands += 1;
    const outcome = reply.ok ? 'OK' : reply.error.code;
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    options.onReply?.(performance.now() - started, outcome, category);
    return reply;
  };

  const world: World = {
    population,
    dice,
    send,
    now: () => Date.now(),
    newId: (prefix) => `${prefix}-${options.runTag}-${(sequence += 1).toString(36)}`,
    counters,
  };
  const mix = options.mix ?? DEFAULT_MIX;

  const seedWorld = async (): Promise<void> => {
    const gameServer: Issuer = { kind: 'server', id: 'sim-gs' };
    let next = 0;
    // Refusals are expected on a log that already holds this world (a second `npm start`).
    const seedOne = async (playerId: string): Promise<void> => {
      await send(gameServer, 'player', playerId, 'register', { name: playerId });
      await send(gameServer, 'player', playerId, 'credit', { amount: SEED_GOLD, cause: 'adminGrant', reference: 'sim-seed' });
      for (const itemId of starterItemIds(playerId, options.itemsPerPlayer)) {
        await send(gameServer, 'item', itemId, 'mint', { templateId: 'starter', owner: playerId });
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(64, playerIds.length) }, async () => {
        while (next < playerIds.length) {
          const playerId = playerIds[next] ?? '';
          next += 1;
          await seedOne(playerId);
        }
      }),
    );
  };

  const launch = (): void => {
    if (inFlight >= options.maxInFlight) {
      skipped += 1;
      return;
    }
    const behaviour = dice.weighted(mix);
    inFlight += 1;
    actions += 1;
    const action = play(world, behaviour).finally(() => {
      inFlight -= 1;
      running.delete(action);
    });
    running.add(action);
  };

  return {
    start: async () => {
      await seedWorld();
      if (options.currentWorld !== undefined) adoptCurrentWorld(population, await options.currentWorld());
      if (options.concurrency !== undefined) {
        stopping = false;
        for (let worker = 0; worker < options.concurrency; worker += 1) {
          const loop = (async () => {
            while (!stopping) {
              actions += 1;
              inFlight += 1;
              const before = commands;
              await play(world, dice.weighted(mix)).finally(() => (inFlight -= 1));
              // An action that had nothing to do sent nothing: yield, or the loop starves I/O.
              if (commands === before) await new Promise((resolve) => setImmediate(resolve));
            }
          })();
          running.add(loop);
        }
        return;
      }
      const tickMs = 10;
      let owed = 0;
      timer = setInterval(() => {
        owed += (options.actionsPerSecond * tickMs) / 1000;
        for (; owed >= 1; owed -= 1) launch();
      }, tickMs);
    },
    stop: async () => {
      stopping = true;
      clearInterval(timer);
      await Promise.allSettled([...running]);
    },
    stats: () => {
      const window = latency.snapshot();
      return {
        commands,
        outcomes: Object.fromEntries(outcomes),
        actions,
        skipped,
        inFlight,
        commandsPerSecond: window.count / WINDOW_SECONDS,
        latency: window,
        ...counters,
      };
    },
    beliefs: () => believedWorld(population),
  };
};

export { BEHAVIOURS };
