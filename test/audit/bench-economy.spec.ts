import { describe, expect, it } from 'vitest';
import { worldCodec } from '../../events/world.js';
import { createMemoryEventStore } from '../../infra/eventstore/memory/memory-event-store.js';
import { auditEvents } from '../../projections/audit/world-audit.js';
import { fillEconomyLog } from '../../scripts/bench/audit.js';

/** The audit benchmark's log must be a clean world, or the benchmark would measure the reporting of violations. */
describe('the economy log of the audit benchmark', () => {
  it('given a log of its fixed population, when audited, then it is clean and holds trades, auctions, banks and refunds outside trades', async () => {
    const store = createMemoryEventStore();
    const written = await fillEconomyLog(store, { events: 30_000, players: 300, seed: 5, rounds: 1 }, () => undefined);
    const decoded = async function* () {
      for await (const stored of store.readAll()) yield worldCodec.decode(stored);
    };

    const report = await auditEvents(decoded());

    expect(report.events).toBe(written);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ problemCount: 0, goldCreated: 0, commandsRepeated: 0, tradesOpen: 0, auctionsOpen: 0 });
    expect(report.tradesCompleted).toBeGreaterThan(100);
    expect(report.tradesFailed).toBeGreaterThan(10);
    expect(report.auctionsEnded).toBeGreaterThan(50);
    expect(report.goldInGuildBanks).toBeGreaterThan(0);
    expect(report.goldMintedByRefunds).toBeGreaterThan(0);
    await store.close();
  });
});
