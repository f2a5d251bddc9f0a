import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../events/catalog/index.js';
import type { EventStore } from '../../events/store/index.js';
import { worldCodec, type WorldEvent } from '../../events/world.js';
import { createMemoryEventStore } from '../../infra/eventstore/memory/memory-event-store.js';
import { createInventoriesProjection, inventoryFromHash, inventoryKey } from '../../projections/inventories/index.js';
import { foldInventory, foldRoster, foldSession } from '../../projections/read-cache/log-folds.js';
import { createRostersProjection, rosterFromHash, rosterKey } from '../../projections/rosters/index.js';
import type { Projection } from '../../projections/runner/projection.js';
import { createSessionsProjection, decodeSession, sessionKey } from '../../projections/sessions/index.js';
import { CacheModel } from '../support/cache-model.js';
import { PLAYERS, stepsArbitrary, worldLog } from './world-log.js';

/**
 * L3 answers what L2 will hold once the projection has caught up: for random logs written
 * by the real deciders, every player's session and inventory and every guild's roster
 * folded from the log equal the projected keys, decoded with the same decoders.
 */
const GUILDS = ['g0', 'g1'];

const projected = (projection: Projection, events: readonly RecordedEvent<WorldEvent>[]): CacheModel => {
  const model = new CacheModel();
  model.apply(projection.project(events, model.view(projection.reads(events))).writes);
  return model;
};

const storeOf = async (events: readonly RecordedEvent<WorldEvent>[]): Promise<EventStore> => {
  const store = createMemoryEventStore();
  for (const event of events) {
    await store.append(event.stream, [worldCodec.encode(event, { ...event.metadata, eventId: crypto.randomUUID() })], { expectedRevision: 'any' });
  }
  return store;
};

describe('read-through cache: L3 folds equal the projected keys', () => {
  it('sessions, inventories and rosters', async () => {
    const sessions = createSessionsProjection();
    const inventories = createInventoriesProjection();
    const rosters = createRostersProjection();
    await fc.assert(
      fc.asyncProperty(stepsArbitrary(), fc.boolean(), async (steps, singleSession) => {
        const events = worldLog(steps, { singleSession });
        const store = await storeOf(events);
        const sessionKeys = projected(sessions, events);
        const inventoryKeys = projected(inventories, events);
        const rosterKeys = projected(rosters, events);
        for (const playerId of PLAYERS) {
          const bytes = sessionKeys.value(sessionKey(playerId));
          expect(await foldSession(store, playerId)).toEqual(bytes === undefined ? undefined : decodeSession(bytes));
          expect(await foldInventory(store, playerId, undefined)).toEqual(inventoryFromHash(playerId, inventoryKeys.hash(inventoryKey(playerId))));
        }
        for (const guildId of GUILDS) {
          const fields = rosterKeys.hash(rosterKey(guildId));
          expect(await foldRoster(store, guildId)).toEqual(fields.size === 0 ? undefined : rosterFromHash(guildId, fields));
        }
        await store.close();
      }),
      { numRuns: 60 },
    );
  });
});
