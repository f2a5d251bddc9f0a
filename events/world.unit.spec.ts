import { describe, expect, it } from 'vitest';
import { worldRegistry } from './world.js';

describe('the world catalog', () => {
  it('gives every actor\'s event types distinct, versioned stored names', () => {
    for (const type of ['PlayerRegistered', 'ItemTransferred', 'GuildCreated', 'TradeProposed', 'AuctionBidPlaced'] as const) {
      const stored = worldRegistry.storedNameOf(type);
      expect(stored).toMatch(/^[A-Za-z]+\.v\d+$/);
      expect(worldRegistry.resolve(stored)?.type).toBe(type);
    }
  });
});
