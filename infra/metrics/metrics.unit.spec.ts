import { describe, expect, it } from 'vitest';
import type { RequestBus } from '../../actors/runtime/bus.js';
import { encodeReply, failure, success } from '../../actors/runtime/protocol/reply.js';
import { instrumentBus } from './instrumented-bus.js';
import { createMetrics } from './metrics.js';

/** A bus that hands one request to whatever serves, so the wrapper can be watched answering it. */
const oneRequestBus = (subject: string): RequestBus => ({
  serve: (_subject, _queue, handler) => {
    handler({ subject, payload: new Uint8Array(), header: () => undefined, respond: () => undefined });
    return Promise.resolve({ drain: () => Promise.resolve() });
  },
});

describe('metrics', () => {
  it('counts every answered command by category, command and outcome, and times it', async () => {
    const metrics = createMetrics({});
    const replies = [encodeReply(success(3n, ['GoldCredited'])), encodeReply(failure('NOT_OWNER', 'no')), encodeReply(success(4n, [], true))];
    for (const reply of replies) {
      const bus = instrumentBus(oneRequestBus('mmo.cmd.server.gs1.player.p1.credit'), metrics.observeCommand);
      await bus.serve('mmo.cmd.*.*.player.*.*', 'hosts', (request) => request.respond(reply));
    }
    const text = await metrics.render();
    expect(text).toContain('shardkeep_commands_total{category="player",command="credit",outcome="OK"} 2');
    expect(text).toContain('shardkeep_commands_total{category="player",command="credit",outcome="NOT_OWNER"} 1');
    expect(text).toMatch(/shardkeep_command_duration_seconds_count\{category="player"\} 3/);
  });

  it('reads the host, the trade queue and the projections when scraped, as running totals', async () => {
    let appends = 10;
    const metrics = createMetrics({
      host: () => ({ appends, eventsAppended: 12, conflicts: 1, activations: 5, passivations: 2, overloaded: 0, rateLimited: 42, residentActors: 3, inFlight: 1, snapshotsWritten: 0 }),
      tradeQueue: () => ({ queued: 2, waiting: 1, active: 4, poolSize: 32, overloaded: 7, blockedSteps: 0, tradesClosed: { completed: 9, failed: 1, cancelled: 2 }, auctionsEnded: 3 }),
      projections: () => [{ projection: 'sessions', lagMs: 250, eventsProjected: 100, pendingEvents: 5, fenced: 0, failures: 0 }],
    });
    expect(await metrics.render()).toContain('shardkeep_appends_total 10');
    appends = 15;
    const text = await metrics.render();
    expect(text).toContain('shardkeep_appends_total 15');
    expect(text).toContain('shardkeep_resident_actors 3');
    expect(text).toContain('shardkeep_rate_limited_total 42');
    expect(text).toContain('shardkeep_trade_queue_depth 3');
    expect(text).toContain('shardkeep_trades_closed_total{outcome="completed"} 9');
    expect(text).toContain('shardkeep_projection_lag_seconds{projection="sessions"} 0.25');
    expect(text).toContain('shardkeep_process_resident_memory_bytes');
  });
});
