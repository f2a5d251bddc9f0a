import { describe, expect, it } from 'vitest';
import type { ActorType } from '../../actors/runtime/actor-definition.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventStore } from '../../infra/eventstore/sqlite/index.js';
import { runAudit } from '../../scripts/audit/cli.js';
import { actors as generous } from './fixtures/generous-deciders.js';
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
    const dir = mkdtempSync(join(tmpdir(), 'shardkeep-shadow-'));
    const file = join(dir, 'events.sqlite');
    const world = await startInProcessWorld({ store: openSqliteEventStore({ path: file }) });
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
      const changed = await replay(world.store, generous);
      const loots = changed.differences.filter((difference) => difference.command === 'credit');
      expect(loots.length).toBeGreaterThan(0);
      expect(changed.differences.every((difference) => difference.command === 'credit' && difference.stream.startsWith('player-'))).toBe(true);
      expect(loots[0]?.detail).toMatch(/^GoldCredited differs: recorded .*"amount":\d+.*decided .*"amount":\d+/);

      // The same through the CLI, as an operator runs it.
      let out = '';
      const io = { stdout: (text: string) => (out += text), stderr: (text: string) => (out += text), env: {} };
      expect(await runAudit(['shadow', '--sqlite', file], io)).toBe(0);
      expect(out).toMatch(/verdict: every recorded command is decided the same/);
      out = '';
      expect(await runAudit(['shadow', '--sqlite', file, '--deciders', 'test/audit/fixtures/generous-deciders.ts', '--category', 'player'], io)).toBe(1);
      expect(out).toMatch(/commands decided differently +[1-9]/);
      expect(out).toMatch(/player-sim-p\d+@\d+ +credit/);
    } finally {
      await world.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
