import { describe, expect, it } from 'vitest';
import { foldInventories, inventoryChange, itemIdOfStream, type StreamedItemEvent } from '../../../actors/item/inventory.js';
import type { ItemEvent } from '../../../events/item.js';
import { consumed, destroyed, escrowed, minted, released, trade, transferred } from './fixtures.js';

const on = (itemId: string, event: ItemEvent): StreamedItemEvent => ({ ...event, stream: `item-${itemId}` });
const plain = (inventories: Map<string, Set<string>>): Record<string, string[]> =>
  Object.fromEntries([...inventories].map(([player, items]) => [player, [...items].sort()]));

describe('item inventories', () => {
  it('folds many item streams into the set of items each player owns', () => {
    const log = [
      on('a', minted('p1')),
      on('b', minted('p1')),
      on('c', minted('p2')),
      on('a', transferred('p1', 'p2')),
      on('c', transferred('p2', 'p3')),
    ];
    expect(plain(foldInventories(log))).toEqual({ p1: ['b'], p2: ['a'], p3: ['c'] });
  });

  it('takes an escrowed item out of every inventory and puts it where the release says', () => {
    const held = [on('a', minted('p1')), on('a', escrowed('p1', trade('t1')))];
    expect(plain(foldInventories(held))).toEqual({});
    expect(plain(foldInventories([...held, on('a', released(trade('t1'), 'p1'))]))).toEqual({ p1: ['a'] });
    expect(plain(foldInventories([...held, on('a', released(trade('t1'), 'p2'))]))).toEqual({ p2: ['a'] });
  });

  it('drops consumed and destroyed items, and players left with nothing', () => {
    const log = [on('a', minted('p1')), on('b', minted('p2')), on('a', consumed('p1')), on('b', destroyed('p2'))];
    expect(foldInventories(log).size).toBe(0);
  });

  it('continues from earlier inventories without changing them', () => {
    const before = foldInventories([on('a', minted('p1'))]);
    const after = foldInventories([on('a', transferred('p1', 'p2'))], before);
    expect(plain(before)).toEqual({ p1: ['a'] });
    expect(plain(after)).toEqual({ p2: ['a'] });
  });

  it('skips events of streams that are not item streams', () => {
    expect(foldInventories([{ ...minted('p1'), stream: 'snapshot-item-a' }, { ...minted('p1'), stream: 'item-' }]).size).toBe(0);
    expect(itemIdOfStream('item-sword-7')).toBe('sword-7');
    expect(itemIdOfStream('player-p1')).toBeUndefined();
  });

  it('names who loses and who gains the item for each event', () => {
    expect(inventoryChange(minted('p1'))).toEqual({ addedTo: 'p1' });
    expect(inventoryChange(transferred('p1', 'p2'))).toEqual({ removedFrom: 'p1', addedTo: 'p2' });
    expect(inventoryChange(escrowed('p1', trade('t1')))).toEqual({ removedFrom: 'p1' });
    expect(inventoryChange(released(trade('t1'), 'p2'))).toEqual({ addedTo: 'p2' });
    expect(inventoryChange(consumed('p2'))).toEqual({ removedFrom: 'p2' });
    expect(inventoryChange(destroyed('p2'))).toEqual({ removedFrom: 'p2' });
  });
});
