import type { RecordedEvent } from '../../events/catalog/index.js';
import type { ItemEvent } from '../../events/item.js';
import type { Position } from '../../events/store/index.js';
import type { WorldEvent } from '../../events/world.js';
import { createEmbeddedProjectionCache } from '../../infra/cache/index.js';
import {
  INVENTORY_VERSION_FIELD,
  createInventoriesProjection,
  encodeInventorySnapshot,
  inventoryFromHash,
  inventoryKey,
} from '../../projections/inventories/index.js';
import { cacheViewOf, distinctReads } from '../../projections/runner/cache-view.js';
import type { ProjectedBatch, Projection } from '../../projections/runner/projection.js';
import { isMainModule, runBanner } from './world-support.js';

/**
 * Bytes a client receives for a change to its inventory: the diff the inventories
 * projection publishes, against the whole inventory it would fetch instead, both from the
 * real encoders. The inventory is built by the projection itself (mints into the
 * embedded cache), then one batch makes the changes; the diff is that batch's
 * notification, the whole inventory the msgpack snapshot of the hash after it.
 *
 * Ids are shaped as in production: item ids UUIDs (36 characters), template ids
 * `iron-sword-07`-like (13 characters), the player id a UUID.
 */
export interface InventoryDiffFigure {
  readonly scenario: string;
  readonly itemsBefore: number;
  readonly changes: number;
  readonly diffBytes: number;
  /** `{ playerId, version, items: [{ itemId, templateId }] }`: what a refetch sends. */
  readonly snapshotBytes: number;
  /** Fields and values of `inventory:<playerId>` (what HGETALL carries, before RESP framing). */
  readonly hashBytes: number;
}

const TEMPLATES = ['iron-sword', 'oak-bow-ash', 'leather-cap', 'health-pot', 'mana-potion'];
const PLAYER = '5f0c2a9e-7b1d-4c3e-9a8f-1e2d3c4b5a60';
const OTHER_PLAYER = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const uuid = (n: number): string => `0b9f3c1e-42d7-4a6b-9e15-${n.toString(16).padStart(12, '0')}`;
const templateOf = (n: number): string => `${TEMPLATES[n % TEMPLATES.length] ?? 'relic'}-${String(n % 100).padStart(2, '0')}`;

const eventLog = () => {
  let sequence = 0n;
  const at = Date.UTC(2026, 10, 24);
  return (itemId: string, event: ItemEvent): RecordedEvent<WorldEvent> => {
    sequence += 1n;
    const occurredAt = new Date(at + Number(sequence));
    return {
      ...event,
      stream: `item-${itemId}`,
      revision: 0n,
      position: { commit: sequence, prepare: sequence },
      storedType: `${event.type}.v1`,
      metadata: { eventId: `e${sequence}`, correlationId: `c${sequence}`, occurredAt },
      created: occurredAt,
    };
  };
};

/** One projection on the embedded cache, batch after batch, as the runner drives it. */
const projector = (projection: Projection) => {
  const cache = createEmbeddedProjectionCache();
  let checkpoint: Position | undefined;
  return {
    cache,
    project: async (events: readonly RecordedEvent<WorldEvent>[]): Promise<ProjectedBatch> => {
      const reads = distinctReads(projection.reads(events));
      const view = cacheViewOf(reads, await cache.read(projection.name, 1, reads));
      const batch = projection.project(events, view);
      const next = events.at(-1)?.position ?? { commit: 0n, prepare: 0n };
      if ((await cache.commit(projection.name, 1, checkpoint, next, batch.writes)) !== 'committed') throw new Error('fenced');
      checkpoint = next;
      return batch;
    },
  };
};

/** `gains` items looted and `losses` items given away, in one batch, by a player holding `itemsBefore`. */
const measure = async (scenario: string, itemsBefore: number, gains: number, losses: number): Promise<InventoryDiffFigure> => {
  const projection = createInventoriesProjection();
  const { cache, project } = projector(projection);
  const record = eventLog();
  const mint = (n: number) => record(uuid(n), { type: 'ItemMinted', data: { templateId: templateOf(n), owner: PLAYER } });
  await project(Array.from({ length: itemsBefore }, (_, n) => mint(n)));
  const changes = [
    ...Array.from({ length: gains }, (_, n) => mint(itemsBefore + n)),
    ...Array.from({ length: losses }, (_, n) => record(uuid(n), { type: 'ItemTransferred', data: { from: PLAYER, to: OTHER_PLAYER } })),
  ];
  const batch = await project(changes);
  const diff = batch.notifications.find((notification) => notification.subject === `mmo.inventory.${PLAYER}.diff`);
  if (diff === undefined) throw new Error('no diff published');
  const reads = [{ kind: 'hash', key: inventoryKey(PLAYER) }] as const;
  const [result] = await cache.read(projection.name, 1, reads);
  await cache.close();
  if (result?.kind !== 'hash') throw new Error('the inventory is not a hash');
  const inventory = inventoryFromHash(PLAYER, result.fields);
  if (inventory.items.size !== itemsBefore + gains - losses) throw new Error(`expected ${itemsBefore + gains - losses} items, found ${inventory.items.size}`);
  const encoder = new TextEncoder();
  let hashBytes = 0;
  for (const [field, value] of result.fields) hashBytes += encoder.encode(field).length + value.length;
  return {
    scenario,
    itemsBefore,
    changes: gains + losses,
    diffBytes: diff.payload.length,
    snapshotBytes: encodeInventorySnapshot(inventory).length,
    hashBytes,
  };
};

export const benchInventoryDiffs = async (itemsBefore = 100): Promise<InventoryDiffFigure[]> => [
  await measure('1 item gained', itemsBefore, 1, 0),
  await measure('1 item lost', itemsBefore, 0, 1),
  await measure('5 changes (3 gained, 2 lost)', itemsBefore, 3, 2),
  await measure('20 changes (10 gained, 10 lost)', itemsBefore, 10, 10),
];

const saved = (part: number, whole: number): string => `${((1 - part / whole) * 100).toFixed(1)}%`;

export const inventoryDiffsTable = (figures: readonly InventoryDiffFigure[]): string =>
  [
    '| change in one batch | items before | diff bytes | whole inventory bytes (msgpack) | less than whole | HGETALL bytes (fields + values) | less than HGETALL |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...figures.map(
      (figure) =>
        `| ${figure.scenario} | ${figure.itemsBefore} | ${figure.diffBytes} | ${figure.snapshotBytes} | ${saved(figure.diffBytes, figure.snapshotBytes)} | ` +
        `${figure.hashBytes} | ${saved(figure.diffBytes, figure.hashBytes)} |`,
    ),
  ].join('\n');

if (isMainModule(import.meta.url)) {
  const items = Number.parseInt(process.argv[2] ?? '100', 10);
  console.log(runBanner('inventory-diffs'));
  console.log(`\n## Inventory diffs against whole inventories (${items} items, ${INVENTORY_VERSION_FIELD} included in the hash)\n`);
  console.log(inventoryDiffsTable(await benchInventoryDiffs(items)));
}
