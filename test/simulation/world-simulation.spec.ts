import { describe, expect, it } from 'vitest';
import type { EventStore } from '../../events/store/index.js';
import { worldCodec } from '../../events/world.js';
import { auditEvents } from '../../projections/audit/world-audit.js';
import { createWorldSimulation } from '../../scripts/simulation/world-simulation.js';
import { eventually, startInProcessWorld } from '../process/world-fixture.js';

const decodedLog = async function* (store: EventStore) {
  for await (const stored of store.readAll()) yield worldCodec.decode(stored);
};

describe('the simulated world', () => {
  it('plays every kind of action for a few seconds, and a full replay of what it wrote finds the economy whole', async () => {
    const world = await startInProcessWorld();
    const simulation = createWorldSimulation({
      transport: world.bus,
      players: 40,
      itemsPerPlayer: 3,
      actionsPerSecond: 400,
      maxInFlight: 200,
      seed: 42,
      runTag: 'spec',
    });
    try {
      await simulation.start();
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      await simulation.stop();
      const stats = simulation.stats();
      expect(stats.actions).toBeGreaterThan(150);
      expect(stats.tradesAgreed).toBeGreaterThan(0);
      expect(stats.bidsPlaced + stats.auctionsListed).toBeGreaterThan(0);
      expect(stats.outcomes['OK']).toBeGreaterThan(stats.commands / 2);
      expect(stats.outcomes['INTERNAL'] ?? 0).toBe(0);

      await eventually('every agreed trade closes', async () => (await auditEvents(decodedLog(world.store))).tradesStuck === 0);
      const report = await auditEvents(decodedLog(world.store));
      expect(report.problems).toEqual([]);
      expect(report).toMatchObject({ itemsDuplicated: 0, itemsVanished: 0, goldCreated: 0, tradesStuck: 0 });
    } finally {
      await world.stop();
    }
  }, 30_000);
});
