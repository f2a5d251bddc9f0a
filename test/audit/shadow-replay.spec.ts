import { describe, expect, it } from 'vitest';
import type { ActorType } from '../../actors/runtime/actor-definition.js';
import { accept } from '../../actors/runtime/decider.js';
import type { EventStore } from '../../events/store/index.js';
import { worldCodec } from '../../events/world.js';
import { worldActors } from '../../infra/world/world-node.js';
import { createShadowReplay } from '../../projections/audit/shadow.js';
import { createWorldSimulation } from '../../scripts/simulation/world-simulation.js';
import { eventually, startInProcessWorld } from '../process/world-fixture.js';

const replay = async (store: EventStore, types: readonly ActorType[]) => {
  const shadow = createShadowReplay(new Map(types.map((type) => [type.category, type])));
  for await (const stored of store.readAll()) shadow.apply(worldCodec.decode(stored));
  return shadow.report();
};

/**
 * Shadow replay: the log's commands decided again by a decider. The version that wrote
 * the log decides every command the same; a changed one is caught at the commands it
 * would decide differently.
 */
describe('shadow replay of the log', () => {
  it('finds no difference with the deciders that wrote the log, and each difference a changed decider makes', async () => {
    const world = await startInProcessWorld();
    const simulation = createWorldSimulation({ transport: world.bus, players: 20, itemsPerPlayer: 2, actionsPerSecond: 300, maxInFlight: 100, seed: 7, runTag: 'shadow' });
    try {
      await simulation.start();
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await simulation.stop();
      await eventually('the trade queue is idle', () => Promise.resolve(world.node.processManager.stats().active === 0));

      const same = await replay(world.store, worldActors({ guildBatchWindowMs: 0 }));
      expect(same.differences).toEqual([]);
      expect(same.commands).toBeGreaterThan(200);
      expect(same.comparedByTypeOnly).toBeGreaterThan(0); // logins mint tokens from randomness
      expect(same.eventsWithoutCommand).toBe(0);

      // A new version of the wallet that pays loot twice.
      const generous = worldActors({ guildBatchWindowMs: 0 }).map((type): ActorType =>
        type.category !== 'player'
          ? type
          : {
              ...type,
              decide: (command, state, context) => {
                const decision = type.decide(command, state, context);
                if (!decision.ok || command.type !== 'credit' || (command.data as { cause?: string }).cause !== 'loot') return decision;
                return accept(...decision.events.map((event) => ({ ...event, data: { ...(event.data as object), amount: (event.data as { amount: number }).amount * 2 } })));
              },
            },
      );
      const changed = await replay(world.store, generous);
      const loots = changed.differences.filter((difference) => difference.command === 'credit');
      expect(loots.length).toBeGreaterThan(0);
      expect(changed.differences.every((difference) => difference.command === 'credit' && difference.stream.startsWith('player-'))).toBe(true);
      expect(loots[0]?.detail).toMatch(/^GoldCredited differs: recorded .*"amount":\d+.*decided .*"amount":\d+/);
    } finally {
      await world.stop();
    }
  }, 30_000);
});
