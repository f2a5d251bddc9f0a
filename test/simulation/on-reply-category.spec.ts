import { describe, expect, it } from 'vitest';
import { createWorldSimulation } from '../../scripts/simulation/world-simulation.js';
import { startInProcessWorld } from '../process/world-fixture.js';

/**
 * The deployment benchmark sets guild commands apart (they wait for the guild's batch
 * window by design) by the category `onReply` passes: each reply names its actor's.
 */
describe('the simulated world reports each reply with its category', () => {
  it('names the category of every command it sends, guilds among them', async () => {
    const world = await startInProcessWorld();
    const byCategory = new Map<string, number[]>();
    const simulation = createWorldSimulation({
      transport: world.bus,
      players: 20,
      itemsPerPlayer: 2,
      actionsPerSecond: 1,
      concurrency: 4,
      maxInFlight: 100,
      seed: 7,
      runTag: 'cat',
      mix: { login: 1, touch: 1, zone: 1, loot: 1, purchase: 1, transfer: 1, trade: 1, auction: 1, bid: 1, guild: 4, logout: 1 },
      onReply: (ms, _outcome, category) => byCategory.set(category, [...(byCategory.get(category) ?? []), ms]),
    });
    try {
      await simulation.start();
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await simulation.stop();
      const counted = [...byCategory.values()].reduce((sum, samples) => sum + samples.length, 0);
      expect(counted).toBe(simulation.stats().commands);
      expect([...byCategory.keys()]).toEqual(expect.arrayContaining(['player', 'item', 'guild']));
      expect([...byCategory.keys()].every((category) => ['player', 'item', 'guild', 'trade', 'auction'].includes(category))).toBe(true);
    } finally {
      await world.stop();
    }
  }, 20_000);
});
