import { describe, expect, it } from 'vitest';
import { tradeActor, tradeDefinition, tradeEventCodec } from '../../../actors/trade/definition.js';
import { createEventRegistry } from '../../../events/catalog/index.js';
import { guildEventDefinitions, type GuildEvent } from '../../../events/guild.js';
import { itemEventDefinitions, type ItemEvent } from '../../../events/item.js';
import { playerEventDefinitions, type PlayerEvent } from '../../../events/player.js';
import { tradeEventDefinitions, type TradeEvent } from '../../../events/trade.js';
import { throughTheLog } from '../../support/actors/event-log-round-trip.js';
import { ALICE, BOB, BOBS_GOLD, EXPIRES_AT, SWORD, closed, confirmed, escrowSword, offered, proposed, releasedLeg, settleBobsGold, settledLeg } from './fixtures.js';

const commands = tradeDefinition.commands;
const valid = (name: keyof typeof commands, data: unknown): boolean => commands[name].schema.safeParse(data).success;

describe('trade definition: command schemas', () => {
  it('accepts the documented shapes', () => {
    expect(valid('propose', { initiator: ALICE, counterparty: BOB, expiresAt: EXPIRES_AT })).toBe(true);
    expect(valid('offer', { items: ['s1', 's2'], gold: 0 })).toBe(true);
    expect(valid('offer', { items: [], gold: 10, party: BOB })).toBe(true);
    expect(valid('accept', { offerVersion: 3 })).toBe(true);
    expect(valid('cancel', {})).toBe(true);
    expect(valid('expire', {})).toBe(true);
    expect(valid('escrowConfirmed', { step: SWORD })).toBe(true);
    expect(valid('escrowFailed', { step: BOBS_GOLD, reason: 'insufficient gold' })).toBe(true);
    expect(valid('settled', { step: BOBS_GOLD })).toBe(true);
    expect(valid('released', { step: SWORD })).toBe(true);
  });

  it('refuses hostile and malformed offers', () => {
    expect(valid('offer', { items: Array.from({ length: 17 }, (_, i) => `i${i}`), gold: 0 })).toBe(false);
    expect(valid('offer', { items: ['s1', 's1'], gold: 0 })).toBe(false);
    for (const gold of [-1, 0.5, Number.NaN, Infinity, 2 ** 53, '10', 1_000_000_000_001]) {
      expect(valid('offer', { items: [], gold })).toBe(false);
    }
    expect(valid('offer', { items: ['s.>'], gold: 0 })).toBe(false);
    expect(valid('offer', { items: [], gold: 0, extra: 1 })).toBe(false);
    expect(valid('accept', { offerVersion: 0 })).toBe(false);
    expect(valid('propose', { initiator: ALICE, counterparty: BOB, expiresAt: 1.5 })).toBe(false);
    expect(valid('escrowConfirmed', { step: { kind: 'item', party: ALICE } })).toBe(false);
    expect(valid('escrowConfirmed', { step: { kind: 'gold', party: ALICE, itemId: 's1' } })).toBe(false);
  });

  it('lets only servers send expiry and process-manager steps', () => {
    for (const name of ['expire', 'escrowConfirmed', 'escrowFailed', 'settled', 'released'] as const) expect(commands[name].issuers).toEqual(['server']);
    for (const name of ['propose', 'offer', 'accept', 'cancel'] as const) expect(commands[name].issuers).toBeUndefined();
    expect(tradeActor().category).toBe('trade');
    expect(tradeActor().snapshot).toBeUndefined();
  });
});

describe('trade definition: events', () => {
  const all: TradeEvent[] = [
    proposed,
    offered(ALICE, ['s1'], 0, 1),
    { type: 'TradeOfferAccepted', data: { party: ALICE, offerVersion: 1 } },
    { type: 'TradeEscrowRequested', data: { steps: [escrowSword] } },
    confirmed(SWORD),
    { type: 'TradeEscrowFailed', data: { leg: BOBS_GOLD, reason: 'insufficient gold' } },
    { type: 'TradeSettlementRequested', data: { steps: [settleBobsGold] } },
    settledLeg(SWORD),
    { type: 'TradeReleaseRequested', data: { steps: [] } },
    releasedLeg(SWORD),
    { type: 'TradeCancelled', data: { party: BOB } },
    { type: 'TradeExpired', data: { at: EXPIRES_AT } },
    closed('completed'),
  ];

  it('stores every event under a v1 name and reads it back unchanged', () => {
    all.forEach((event, index) => {
      const { proposed: proposedEvent, recorded } = throughTheLog(tradeEventCodec, 'trade-t1', event, index);
      expect(proposedEvent.type).toBe(`${event.type}.v1`);
      expect({ type: recorded.type, data: recorded.data }).toEqual(event);
    });
  });

  it('claims no event type another actor already uses, so it can join the world catalog', () => {
    const definitions = [...playerEventDefinitions, ...itemEventDefinitions, ...guildEventDefinitions, ...tradeEventDefinitions];
    expect(() => createEventRegistry<PlayerEvent | ItemEvent | GuildEvent | TradeEvent>(definitions)).not.toThrow();
  });
});
