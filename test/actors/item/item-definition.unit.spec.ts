import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { itemActor, itemDefinition, itemEventCodec, itemSnapshotCodec } from '../../../actors/item/definition.js';
import type { ItemState } from '../../../actors/item/state.js';
import type { ItemEvent } from '../../../events/item.js';
import { deciderSpec } from '../../support/decider-spec.js';
import { throughTheLog } from '../../support/actors/event-log-round-trip.js';
import { consumed, destroyed, escrowed, minted, released, trade, transferred } from './fixtures.js';

const commands = itemDefinition.commands;
const valid = (name: keyof typeof commands, data: unknown): boolean => commands[name].schema.safeParse(data).success;

describe('item definition: command schemas', () => {
  it('accepts the documented shapes', () => {
    expect(valid('mint', { templateId: 'longsword', owner: 'p1' })).toBe(true);
    expect(valid('transfer', { from: 'p1', to: 'p2' })).toBe(true);
    expect(valid('consume', {})).toBe(true);
    expect(valid('consume', { owner: 'p1' })).toBe(true);
    expect(valid('destroy', { reason: 'duplicated by the 4411 bug' })).toBe(true);
    expect(valid('escrow', { holder: { kind: 'trade', id: 't1' }, from: 'p1' })).toBe(true);
    expect(valid('release', { holder: { kind: 'auction', id: 'a1' }, to: 'p2' })).toBe(true);
  });

  it('refuses unknown fields, ids outside the subject alphabet and unknown holder kinds', () => {
    expect(valid('transfer', { from: 'p1', to: 'p2', itemId: 'other' })).toBe(false);
    expect(valid('transfer', { from: 'p1.>', to: 'p2' })).toBe(false);
    expect(valid('transfer', { from: 'p1', to: 'x'.repeat(65) })).toBe(false);
    expect(valid('transfer', { from: 'p1' })).toBe(false);
    expect(valid('mint', { templateId: '', owner: 'p1' })).toBe(false);
    expect(valid('escrow', { holder: { kind: 'mail', id: 'm1' }, from: 'p1' })).toBe(false);
    expect(valid('escrow', { holder: { kind: 'trade', id: 't1' } })).toBe(false);
    expect(valid('release', { holder: { kind: 'trade', id: 't1', extra: 1 }, to: 'p1' })).toBe(false);
    expect(valid('destroy', { reason: '' })).toBe(false);
    expect(valid('destroy', { reason: 'bad\u0000reason' })).toBe(false);
    expect(valid('consume', { owner: 42 })).toBe(false);
  });

  it('lets only servers send mint, destroy, escrow and release; players may transfer and consume', () => {
    expect(commands.mint.issuers).toEqual(['server']);
    expect(commands.destroy.issuers).toEqual(['server']);
    expect(commands.escrow.issuers).toEqual(['server']);
    expect(commands.release.issuers).toEqual(['server']);
    expect(commands.transfer.issuers).toBeUndefined();
    expect(commands.consume.issuers).toBeUndefined();
    expect(itemActor().category).toBe('item');
  });
});

describe('item definition: events', () => {
  const all: ItemEvent[] = [
    minted('p1'),
    transferred('p1', 'p2'),
    escrowed('p2', trade('t1')),
    released(trade('t1'), 'p3'),
    consumed('p3'),
    destroyed('p3', 'GM cleanup'),
  ];

  it('stores every event under a v1 name and reads it back unchanged', () => {
    all.forEach((event, index) => {
      const { proposed, recorded } = throughTheLog(itemEventCodec, 'item-sword-7', event, index);
      expect(proposed.type).toBe(`${event.type}.v1`);
      expect({ type: recorded.type, data: recorded.data }).toEqual(event);
    });
  });
});

describe('item definition: snapshots', () => {
  const packr = new Packr({ useRecords: false, mapsAsObjects: true });
  const spec = deciderSpec(itemDefinition.decider);
  const states: ItemState[] = [
    spec.given([]).state,
    spec.given([minted('p1')]).state,
    spec.given([minted('p1'), escrowed('p1', trade('t1'))]).state,
    spec.given([minted('p1'), escrowed('p1', trade('t1')), released(trade('t1'), 'p2')]).state,
    spec.given([minted('p1'), consumed('p1')]).state,
    spec.given([minted('p1'), destroyed('p1', 'GM cleanup')]).state,
  ];

  it('round-trips every state through msgpack', () => {
    for (const state of states) {
      const bytes = packr.pack(itemSnapshotCodec.encode(state));
      expect(itemSnapshotCodec.decode(packr.unpack(bytes))).toEqual(state);
    }
  });

  it('throws on a payload of another shape, so the host rebuilds from events instead', () => {
    for (const payload of [null, 42, { status: 'lost' }, { status: 'owned', owner: 'p1' }, { status: 'unminted', extra: true }]) {
      expect(() => itemSnapshotCodec.decode(payload)).toThrow();
    }
  });
});
