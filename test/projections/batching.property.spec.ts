import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../events/catalog/index.js';
import type { WorldEvent } from '../../events/world.js';
import {
  applyInventoryDiff,
  createInventoriesProjection,
  decodeInventoryDiff,
  emptyInventory,
  inventoryFromHash,
  isInventoryGap,
  type ClientInventory,
  type InventoryDiff,
} from '../../projections/inventories/index.js';
import type { Notification, Projection } from '../../projections/runner/projection.js';
import { createRostersProjection } from '../../projections/rosters/index.js';
import { DEFAULT_SESSION_TTL_MS, createSessionsProjection } from '../../projections/sessions/index.js';
import { CacheModel } from '../support/cache-model.js';
import { decodeNotifications, projectInBatches } from '../support/projection-spec.js';
import { referenceHoldings, referenceInventories, referenceRosters, referenceSessions } from './reference-keyspace.js';
import { stepsArbitrary, worldLog } from './world-log.js';

/** Where to cut a log into batches: a flag per event, repeated when the log is longer. */
const cutsArbitrary = fc.array(fc.boolean(), { minLength: 1, maxLength: 64 });

interface Projected {
  readonly model: CacheModel;
  readonly notifications: Notification[];
}

const project = (projection: Projection, events: readonly RecordedEvent<WorldEvent>[], cutBefore: (index: number) => boolean): Projected => {
  const model = new CacheModel();
  return { model, notifications: projectInBatches(projection, model, events, cutBefore) };
};

/** The same log one event per batch, all in one batch, and cut where `cuts` says. */
const threeWays = (projection: Projection, events: readonly RecordedEvent<WorldEvent>[], cuts: readonly boolean[]) => ({
  single: project(projection, events, () => true),
  whole: project(projection, events, () => false),
  split: project(projection, events, (index) => cuts[index % cuts.length] ?? false),
});

const expectSameKeyspace = (runs: ReturnType<typeof threeWays>): void => {
  const bytes = runs.single.model.keyspace({ bytes: true });
  expect(runs.whole.model.keyspace({ bytes: true })).toEqual(bytes);
  expect(runs.split.model.keyspace({ bytes: true })).toEqual(bytes);
};

const diffsOf = (notifications: readonly Notification[]): InventoryDiff[] =>
  notifications.map((notification) => {
    const diff = decodeInventoryDiff(notification.payload);
    if (diff === undefined) throw new Error(`undecodable diff on ${notification.subject}`);
    expect(notification.subject).toBe(`mmo.inventory.${diff.playerId}.diff`);
    return diff;
  });

/** A client per player that starts empty and applies every diff in order; a gap fails. */
const replayDiffs = (diffs: readonly InventoryDiff[]): Map<string, ClientInventory> => {
  const clients = new Map<string, ClientInventory>();
  for (const diff of diffs) {
    const next = applyInventoryDiff(clients.get(diff.playerId) ?? emptyInventory(diff.playerId), diff);
    if (isInventoryGap(next)) throw new Error(`gap at ${diff.playerId} ${diff.fromVersion}→${diff.toVersion}`);
    clients.set(diff.playerId, next);
  }
  return clients;
};

const worlds = [
  { name: 'one session per player', singleSession: true },
  { name: 'several sessions per player', singleSession: false },
] as const;

describe('projections: any batching of the log ends in the same keyspace as a direct fold', () => {
  for (const { name, singleSession } of worlds) {
    it(`sessions (${name})`, () => {
      const sessions = createSessionsProjection();
      fc.assert(
        fc.property(stepsArbitrary(), cutsArbitrary, (steps, cuts) => {
          const events = worldLog(steps, { singleSession });
          const runs = threeWays(sessions, events, cuts);
          expectSameKeyspace(runs);
          expect(runs.split.model.keyspace()).toEqual(referenceSessions(events, DEFAULT_SESSION_TTL_MS));
        }),
      );
    });
  }

  it('inventories: keyspace, and diffs that a client replays into the projected inventory exactly', () => {
    const inventories = createInventoriesProjection();
    fc.assert(
      fc.property(stepsArbitrary(), cutsArbitrary, (steps, cuts) => {
        const events = worldLog(steps);
        const runs = threeWays(inventories, events, cuts);
        expectSameKeyspace(runs);
        expect(runs.split.model.keyspace()).toEqual(referenceInventories(events));
        const holdings = referenceHoldings(events);
        for (const run of [runs.single, runs.whole, runs.split]) {
          const clients = replayDiffs(diffsOf(run.notifications));
          expect([...clients.keys()].sort()).toEqual([...holdings.keys()].sort());
          for (const [playerId, client] of clients) {
            expect(client).toEqual(inventoryFromHash(playerId, run.model.hash(`inventory:${playerId}`)));
            expect(new Map([...client.items].map(([itemId, item]) => [itemId, item.templateId]))).toEqual(holdings.get(playerId));
          }
        }
      }),
    );
  });

  it('inventories: a client that missed a diff sees the gap at the next one', () => {
    const inventories = createInventoriesProjection();
    fc.assert(
      fc.property(stepsArbitrary(), cutsArbitrary, fc.nat(), (steps, cuts, choice) => {
        const events = worldLog(steps);
        const diffs = diffsOf(threeWays(inventories, events, cuts).split.notifications);
        const players = [...new Set(diffs.map((diff) => diff.playerId))].filter((player) => diffs.filter((diff) => diff.playerId === player).length >= 2);
        fc.pre(players.length > 0);
        const player = players[choice % players.length] ?? '';
        const own = diffs.filter((diff) => diff.playerId === player);
        const missed = choice % (own.length - 1);
        let client = emptyInventory(player);
        for (const [index, diff] of own.entries()) {
          if (index === missed) continue;
          const next = applyInventoryDiff(client, diff);
          if (index === missed + 1) {
            expect(next).toEqual({ gap: true });
            return;
          }
          if (isInventoryGap(next)) throw new Error('gap before the missed diff');
          client = next;
        }
      }),
    );
  });

  it('rosters: keyspace, and the same notices in the same order', () => {
    const rosters = createRostersProjection();
    fc.assert(
      fc.property(stepsArbitrary(), cutsArbitrary, (steps, cuts) => {
        const events = worldLog(steps);
        const runs = threeWays(rosters, events, cuts);
        expectSameKeyspace(runs);
        expect(runs.split.model.keyspace()).toEqual(referenceRosters(events));
        const notices = decodeNotifications(runs.single.notifications);
        expect(decodeNotifications(runs.whole.notifications)).toEqual(notices);
        expect(decodeNotifications(runs.split.notifications)).toEqual(notices);
      }),
    );
  });
});
