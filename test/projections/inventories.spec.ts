import { describe, expect, it } from 'vitest';
import type { ItemEvent, ItemHolder } from '../../events/item.js';
import {
  applyInventoryDiff,
  createInventoriesProjection,
  decodeInventoryDiff,
  decodeInventorySnapshot,
  emptyInventory,
  encodeInventoryDiff,
  encodeInventorySnapshot,
  inventoryFromHash,
  isInventoryGap,
  type InventoryDiff,
} from '../../projections/inventories/index.js';
import { projectionSpec } from '../support/projection-spec.js';
import { recordedLog } from '../support/recorded-log.js';

const inventories = createInventoriesProjection();
const spec = projectionSpec(inventories);
const trade: ItemHolder = { kind: 'trade', id: 't1' };

/** Item events on `item-<itemId>` streams of one log. */
const itemLog = () => {
  const log = recordedLog();
  const on = (itemId: string, event: ItemEvent) => log.record(`item-${itemId}`, event);
  return {
    mint: (itemId: string, owner: string, templateId = 'sword') => on(itemId, { type: 'ItemMinted', data: { templateId, owner } }),
    transfer: (itemId: string, from: string, to: string) => on(itemId, { type: 'ItemTransferred', data: { from, to } }),
    escrow: (itemId: string, owner: string, holder = trade) => on(itemId, { type: 'ItemEscrowed', data: { owner, holder } }),
    release: (itemId: string, to: string, holder = trade) => on(itemId, { type: 'ItemReleased', data: { holder, to } }),
    consume: (itemId: string, owner: string) => on(itemId, { type: 'ItemConsumed', data: { owner } }),
    destroy: (itemId: string, owner: string) => on(itemId, { type: 'ItemDestroyed', data: { owner, reason: 'gm' } }),
  };
};

const diff = (playerId: string, fromVersion: number, toVersion: number, changes: Partial<Pick<InventoryDiff, 'added' | 'removed' | 'updated'>> = {}) => ({
  subject: `mmo.inventory.${playerId}.diff`,
  payload: { playerId, fromVersion, toVersion, added: [], removed: [], updated: [], ...changes },
});

const sword = (itemId: string, templateId = 'sword') => ({ itemId, templateId });

describe('inventories projection', () => {
  it('ItemMinted: the item in its owner inventory, its record, version 1 and a diff', () => {
    const log = itemLog();
    spec
      .given([])
      .when([log.mint('i1', 'p1')])
      .then({
        keys: {
          'inventory:p1': { i1: sword('i1'), $version: 1 },
          'item:i1': { templateId: 'sword', owner: 'p1' },
        },
        notifications: [diff('p1', 0, 1, { added: [sword('i1')] })],
      });
  });

  it('ItemTransferred: out of one inventory, into the other, the template read from the item record', () => {
    const log = itemLog();
    spec
      .given([log.mint('i1', 'p1', 'bow')])
      .when([log.transfer('i1', 'p1', 'p2')])
      .then({
        keys: {
          'inventory:p1': { $version: 2 },
          'inventory:p2': { i1: sword('i1', 'bow'), $version: 1 },
          'item:i1': { templateId: 'bow', owner: 'p2' },
        },
        notifications: [diff('p1', 1, 2, { removed: ['i1'] }), diff('p2', 0, 1, { added: [sword('i1', 'bow')] })],
      });
  });

  it('ItemEscrowed: in nobody inventory; ItemReleased: to the receiver', () => {
    const log = itemLog();
    const escrowed = spec.given([log.mint('i1', 'p1')]).when([log.escrow('i1', 'p1')]);
    escrowed.then({
      keys: { 'inventory:p1': { $version: 2 }, 'item:i1': { templateId: 'sword', owner: null } },
      notifications: [diff('p1', 1, 2, { removed: ['i1'] })],
    });
    const log2 = itemLog();
    spec
      .given([log2.mint('i1', 'p1'), log2.escrow('i1', 'p1')])
      .when([log2.release('i1', 'p2')])
      .then({
        keys: { 'inventory:p1': { $version: 2 }, 'inventory:p2': { i1: sword('i1'), $version: 1 }, 'item:i1': { templateId: 'sword', owner: 'p2' } },
        notifications: [diff('p2', 0, 1, { added: [sword('i1')] })],
      });
  });

  it.each(['consume', 'destroy'] as const)('Item%s: out of the inventory, and the item record deleted', (how) => {
    const log = itemLog();
    spec
      .given([log.mint('i1', 'p1'), log.mint('i2', 'p1')])
      .when([log[how]('i1', 'p1')])
      .then({
        keys: { 'inventory:p1': { i2: sword('i2'), $version: 3 }, 'item:i1': undefined },
        notifications: [diff('p1', 2, 3, { removed: ['i1'] })],
      });
  });

  it('one diff per player and batch; an item that came and went within the batch cancels out', () => {
    const log = itemLog();
    const result = spec
      .given([log.mint('i1', 'p1')])
      .when([log.mint('i2', 'p1'), log.mint('i3', 'p1'), log.transfer('i3', 'p1', 'p2'), log.escrow('i1', 'p1'), log.release('i1', 'p1')]);
    result.then({
      keys: { 'inventory:p1': { i1: sword('i1'), i2: sword('i2'), $version: 6 }, 'inventory:p2': { i3: sword('i3'), $version: 1 } },
      notifications: [diff('p1', 1, 6, { added: [sword('i2')] }), diff('p2', 0, 1, { added: [sword('i3')] })],
    });
  });

  it('a batch whose changes all cancel out still moves the version and says so, with an empty diff', () => {
    const log = itemLog();
    const result = spec.given([log.mint('i1', 'p1')]).when([log.escrow('i1', 'p1'), log.release('i1', 'p1')]);
    result.then({ keys: { 'inventory:p1': { i1: sword('i1'), $version: 3 } }, notifications: [diff('p1', 1, 3)] });
    expect(result.batch.writes.filter((write) => write.key === 'inventory:p1')).toEqual([
      { op: 'hashSet', key: 'inventory:p1', fields: new Map([['$version', expect.any(Uint8Array)]]) },
    ]);
  });

  it('reads the inventories it touches, and item records only where the event lacks the template', () => {
    const log = itemLog();
    expect(inventories.reads([log.mint('i1', 'p1')])).toEqual([{ kind: 'hash', key: 'inventory:p1' }]);
    expect(inventories.reads([log.transfer('i1', 'p1', 'p2')])).toEqual([
      { kind: 'value', key: 'item:i1' },
      { kind: 'hash', key: 'inventory:p1' },
      { kind: 'hash', key: 'inventory:p2' },
    ]);
    expect(inventories.reads([log.consume('i1', 'p2')])).toEqual([{ kind: 'hash', key: 'inventory:p2' }]);
  });

  it('ignores the events of other streams', () => {
    const log = recordedLog();
    const foreign = [log.record('player-p1', { type: 'ZoneChanged', data: { from: null, to: 'z' } })];
    expect(inventories.reads(foreign)).toEqual([]);
    expect(spec.given([]).when(foreign).batch).toEqual({ writes: [], notifications: [] });
  });
});

describe('the client side of inventory diffs', () => {
  const projected = () => {
    const log = itemLog();
    const result = spec.given([log.mint('i1', 'p1'), log.mint('i2', 'p1')]).when([log.consume('i1', 'p1'), log.mint('i3', 'p1')]);
    const payload = result.batch.notifications[0]?.payload;
    if (payload === undefined) throw new Error('no diff published');
    const decoded = decodeInventoryDiff(payload);
    if (decoded === undefined) throw new Error('the diff does not decode');
    return { model: result.model, diff: decoded };
  };

  it('applies a diff that starts at its version', () => {
    const { model, diff: published } = projected();
    const before = { playerId: 'p1', version: 2, items: new Map([['i1', sword('i1')], ['i2', sword('i2')]]) };
    const after = applyInventoryDiff(before, published);
    expect(after).toEqual(inventoryFromHash('p1', model.hash('inventory:p1')));
    expect(after).toEqual({ playerId: 'p1', version: 4, items: new Map([['i2', sword('i2')], ['i3', sword('i3')]]) });
  });

  it('reports a gap when the diff does not start at its version, or is for another player', () => {
    const { diff: published } = projected();
    const behind = { playerId: 'p1', version: 1, items: new Map([['i1', sword('i1')]]) };
    expect(applyInventoryDiff(behind, published)).toEqual({ gap: true });
    expect(isInventoryGap(applyInventoryDiff(emptyInventory('p2'), published))).toBe(true);
  });

  it('ignores a diff it already has (notifications come at least once)', () => {
    const { model, diff: published } = projected();
    const current = inventoryFromHash('p1', model.hash('inventory:p1'));
    expect(applyInventoryDiff(current, published)).toBe(current);
  });

  it('round-trips diffs and whole inventories through msgpack, and refuses what is not one', () => {
    const { model, diff: published } = projected();
    expect(decodeInventoryDiff(encodeInventoryDiff(published))).toEqual(published);
    const inventory = inventoryFromHash('p1', model.hash('inventory:p1'));
    expect(decodeInventorySnapshot(encodeInventorySnapshot(inventory))).toEqual(inventory);
    expect(decodeInventoryDiff(new Uint8Array([0xc1]))).toBeUndefined();
    expect(decodeInventoryDiff(encodeInventoryDiff({ ...published, toVersion: published.fromVersion }))).toBeUndefined();
    expect(decodeInventorySnapshot(encodeInventoryDiff(published))).toBeUndefined();
  });
});
