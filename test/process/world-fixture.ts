import { randomUUID } from 'node:crypto';
import type { RequestTransport } from '../../actors/runtime/bus.js';
import type { Issuer } from '../../actors/runtime/protocol/issuer.js';
import type { CommandReply } from '../../actors/runtime/protocol/reply.js';
import { worldCodec } from '../../events/world.js';
import type { EventStore } from '../../events/store/index.js';
import { createEmbeddedBus, type EmbeddedBus } from '../../infra/bus/index.js';
import { createMemoryEventStore } from '../../infra/eventstore/memory/memory-event-store.js';
import { startWorldNode, type WorldNode, type WorldNodeOptions } from '../../infra/world/world-node.js';
import { send } from '../runtime/harness.js';
import type { TradeTerms } from '../support/world/trade-terms.js';

export type { TradeTerms };

/** Game-server and player commands against a running world, in the words of the README. */
export const gameServer: Issuer = { kind: 'server', id: 'gs1' };
export const asPlayer = (id: string): Issuer => ({ kind: 'player', id });

export const command = (
  transport: RequestTransport,
  category: string,
  actorId: string,
  name: string,
  data: Record<string, unknown>,
  issuer: Issuer = gameServer,
  commandId: string = randomUUID(),
): Promise<CommandReply> => send(transport, actorId, name, data, { category, issuer, commandId, timeoutMs: 10_000 });

const expectOk = (reply: CommandReply, what: string): CommandReply => {
  if (!reply.ok) throw new Error(`${what}: ${reply.error.code} ${reply.error.message}`);
  return reply;
};

/** Registers each player with `gold` (an admin grant), and mints `items` items each, named `<player>-i<n>`. */
export const seedWorld = async (
  transport: RequestTransport,
  players: readonly string[],
  { gold, items }: { readonly gold: number; readonly items: number },
): Promise<void> => {
  await Promise.all(
    players.map(async (playerId) => {
      expectOk(await command(transport, 'player', playerId, 'register', { name: playerId }), `register ${playerId}`);
      if (gold > 0) {
        expectOk(
          await command(transport, 'player', playerId, 'credit', { amount: gold, cause: 'adminGrant', reference: `seed-${playerId}` }),
          `grant ${playerId}`,
        );
      }
      for (let index = 0; index < items; index += 1) {
        expectOk(await command(transport, 'item', `${playerId}-i${index}`, 'mint', { templateId: 'sword', owner: playerId }), 'mint');
      }
    }),
  );
};

/**
 * Proposes, offers and accepts a trade as its two players would. Resolves with the reply
 * to the last acceptance (or the first refusal): the trade queue takes it from there.
 */
export const agreeTrade = async (transport: RequestTransport, terms: TradeTerms): Promise<CommandReply> => {
  const { tradeId, initiator, counterparty } = terms;
  const trade = (name: string, data: Record<string, unknown>, by: string) => command(transport, 'trade', tradeId, name, data, asPlayer(by));
  const offers: [string, Record<string, unknown>, string][] = [
    ['offer', { items: terms.initiatorItems ?? [], gold: terms.initiatorGold ?? 0 }, initiator],
    ['offer', { items: terms.counterpartyItems ?? [], gold: terms.counterpartyGold ?? 0 }, counterparty],
  ];
  // An empty offer changes nothing, so it bumps no version.
  const made = offers.filter(([, data]) => (data['items'] as unknown[]).length > 0 || data['gold'] !== 0);
  const steps: [string, Record<string, unknown>, string][] = [
    ['propose', { initiator, counterparty, expiresAt: terms.expiresAt ?? Date.now() + 600_000 }, initiator],
    ...made,
    ['accept', { offerVersion: made.length }, initiator],
    ['accept', { offerVersion: made.length }, counterparty],
  ];
  let reply: CommandReply = { ok: false, error: { code: 'INTERNAL', message: 'no steps' } };
  for (const [name, data, by] of steps) {
    reply = await trade(name, data, by);
    if (!reply.ok) return reply;
  }
  return reply;
};

/** The last word of a stream's gold ledger: the balance after its latest entry (0 before any). */
export const balanceOf = async (store: EventStore, playerId: string): Promise<number> => {
  let balance = 0;
  for await (const stored of store.read(`player-${playerId}`)) {
    const event = worldCodec.decode(stored);
    if (event.type === 'GoldCredited' || event.type === 'GoldDebited') balance = event.data.balanceAfter;
  }
  return balance;
};

/** Who holds an item at the end of its stream: a player id, `trade:<id>`/`auction:<id>` in escrow, or `gone`. */
export const holderOf = async (store: EventStore, itemId: string): Promise<string | undefined> => {
  let holder: string | undefined;
  for await (const stored of store.read(`item-${itemId}`)) {
    const event = worldCodec.decode(stored);
    if (event.type === 'ItemMinted') holder = event.data.owner;
    else if (event.type === 'ItemTransferred' || event.type === 'ItemReleased') holder = event.data.to;
    else if (event.type === 'ItemEscrowed') holder = `${event.data.holder.kind}:${event.data.holder.id}`;
    else if (event.type === 'ItemConsumed' || event.type === 'ItemDestroyed') holder = 'gone';
  }
  return holder;
};

/** How a trade ended, once it has: polls its stream. */
export const tradeOutcome = async (store: EventStore, tradeId: string, withinMs = 10_000): Promise<string> => {
  const deadline = Date.now() + withinMs;
  for (;;) {
    for await (const stored of store.read(`trade-${tradeId}`)) {
      const event = worldCodec.decode(stored);
      if (event.type === 'TradeClosed') return event.data.outcome;
    }
    if (Date.now() > deadline) throw new Error(`trade ${tradeId} did not close within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

/** Waits until `check` holds, polling; throws with `what` when it does not in time. */
export const eventually = async (what: string, check: () => Promise<boolean>, withinMs = 10_000): Promise<void> => {
  const deadline = Date.now() + withinMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

export interface InProcessWorld {
  readonly bus: EmbeddedBus;
  readonly store: EventStore;
  readonly node: WorldNode;
  stop(): Promise<void>;
}

/** A whole world in this process: embedded bus, the given store (memory by default), one node. */
export const startInProcessWorld = async (
  options: { readonly store?: EventStore; readonly clock?: () => Date; readonly processManager?: WorldNodeOptions['processManager'] } = {},
): Promise<InProcessWorld> => {
  const bus = createEmbeddedBus();
  const store = options.store ?? createMemoryEventStore();
  const node = await startWorldNode({
    bus,
    transport: bus,
    store,
    world: { guildBatchWindowMs: 0 },
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.processManager === undefined ? {} : { processManager: options.processManager }),
  });
  return {
    bus,
    store,
    node,
    stop: async () => {
      await node.stop();
      await bus.close();
    },
  };
};
