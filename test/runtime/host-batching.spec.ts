import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ActorHost } from '../../actors/runtime/host.js';
import { createEmbeddedBus } from '../../infra/bus/index.js';
import { createMemoryEventStore } from '../../infra/eventstore/memory/memory-event-store.js';
import { counterDefinition } from '../support/actors/counter.js';
import { instrument, send, startHost } from './harness.js';

/**
 * Commands that reach an idle actor together (one socket read, one delivery batch of the
 * embedded bus) are decided together: one append, not one for the first command and one
 * for the rest. This is what brings appends per command down under load.
 */
describe('actor host: batching what arrives together', () => {
  const bus = createEmbeddedBus();
  let host: ActorHost | undefined;
  afterEach(async () => {
    await host?.stop();
  });
  afterAll(async () => {
    await bus.close();
  });

  it('appends once for commands delivered together to an idle, loaded actor', async () => {
    const store = instrument(createMemoryEventStore());
    host = await startHost({ bus, store, actors: [counterDefinition()], snapshots: false });
    // Loaded first, so that no activation holds the first command back while the others arrive.
    await send(bus, 'together', 'add', { amount: 1 });
    // The embedded bus hands over every request made in one turn in one batch.
    const replies = await Promise.all(Array.from({ length: 10 }, () => send(bus, 'together', 'add', { amount: 1 })));
    expect(replies.map((reply) => reply.ok && reply.revision)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(store.appends).toBe(2);
  });
});
