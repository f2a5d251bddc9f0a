import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { IncomingRequest, RequestBus } from '../../actors/runtime/bus.js';
import { createActorHost, type ActorHost } from '../../actors/runtime/host.js';
import { DEFAULT_HOST_LIMITS } from '../../actors/runtime/host-options.js';
import { encodeCommandEnvelope } from '../../actors/runtime/protocol/envelope.js';
import { decodeReply } from '../../actors/runtime/protocol/reply.js';
import { commandSubject } from '../../actors/runtime/protocol/subjects.js';
import type { EventStore } from '../../events/store/index.js';
import { createMemoryEventStore } from '../../infra/eventstore/memory/memory-event-store.js';
import { openSqliteEventStore } from '../../infra/eventstore/sqlite/index.js';
import { counterDefinition } from '../support/actors/counter.js';
import { player } from './harness.js';

/**
 * A bus driven by the test: it hands the host a whole "socket read" of requests in one
 * synchronous loop, as nats.js does, and flushes replies the way nats.js does, in one
 * write from a microtask queued by the first reply after the previous write. `timeline`
 * records, in order, each append the store starts, each reply and each write.
 */
const createReadBus = (timeline: string[]) => {
  let handler: ((request: IncomingRequest) => void) | undefined;
  let unwritten = 0;
  const bus: RequestBus = {
    serve: async (_subject, _queue, serve) => {
      handler = serve;
      return { drain: async () => undefined };
    },
  };
  const deliver = (actorIds: readonly string[]): Promise<void>[] => {
    if (handler === undefined) throw new Error('the host is not serving');
    const serve = handler;
    const answered = actorIds.map((actorId) => {
      let answer: (reply: Uint8Array) => void = () => undefined;
      const replied = new Promise<Uint8Array>((resolve) => (answer = resolve));
      serve({
        subject: commandSubject({ issuer: player('p1'), category: 'counter', actorId, command: 'add' }),
        payload: encodeCommandEnvelope({ commandId: randomUUID(), data: { amount: 1 } }),
        header: () => undefined,
        respond: (reply) => {
          timeline.push(`reply ${actorId}`);
          unwritten += 1;
          if (unwritten === 1) {
            queueMicrotask(() => {
              timeline.push(`write ${unwritten}`);
              unwritten = 0;
            });
          }
          answer(reply);
        },
      });
      return replied.then((reply) => {
        const decoded = decodeReply(reply);
        if (!decoded.ok) throw new Error(`${actorId}: ${decoded.error.code} ${decoded.error.message}`);
      });
    });
    return answered;
  };
  return { bus, deliver };
};

/** Records each append as it starts, passing the store's own promise through untouched. */
const recordingAppends = (store: EventStore, timeline: string[]): EventStore => ({
  append: (stream, events, options) => {
    timeline.push(`append ${stream}`);
    return store.append(stream, events, options);
  },
  read: (stream, options) => store.read(stream, options),
  readAll: (options) => store.readAll(options),
  subscribeAll: (options) => store.subscribeAll(options),
  close: () => store.close(),
});

const actors = (count: number): string[] => Array.from({ length: count }, (_, index) => `a${index}`);

describe('actor host: what one read brings is decided in slices', () => {
  let host: ActorHost | undefined;
  let folder: string | undefined;
  let sqlite: EventStore | undefined;
  afterEach(async () => {
    await host?.stop();
    host = undefined;
    await sqlite?.close();
    sqlite = undefined;
    if (folder !== undefined) await rm(folder, { recursive: true, force: true });
    folder = undefined;
  });

  const startOn = async (store: EventStore, bus: RequestBus, drainSlice: number): Promise<void> => {
    host = createActorHost({ bus, store, actors: [counterDefinition()], limits: { drainSlice } });
    await host.start();
  };

  it('given three slices of actors in one read, when they are decided, then the first replies are written before the last actors append', async () => {
    const timeline: string[] = [];
    const { bus, deliver } = createReadBus(timeline);
    const slice = DEFAULT_HOST_LIMITS.drainSlice;
    await startOn(recordingAppends(createMemoryEventStore(), timeline), bus, slice);
    const ids = actors(3 * slice);
    // Loaded first, so activation (reads over several turns) plays no part.
    await Promise.all(deliver(ids));
    timeline.length = 0;

    await Promise.all(deliver(ids));

    const appends = timeline.filter((entry) => entry.startsWith('append'));
    const writes = timeline.filter((entry) => entry.startsWith('write'));
    expect(appends).toHaveLength(ids.length);
    expect(timeline.filter((entry) => entry.startsWith('reply'))).toHaveLength(ids.length);
    // One write per slice, each after that slice's appends and before the next slice's.
    expect(writes).toEqual([`write ${slice}`, `write ${slice}`, `write ${slice}`]);
    const firstWrite = timeline.indexOf(`write ${slice}`);
    expect(timeline.slice(0, firstWrite).filter((entry) => entry.startsWith('append'))).toHaveLength(slice);
    expect(timeline.indexOf(`append counter-a${slice}`)).toBeGreaterThan(firstWrite);
  });

  it('given slices turned off (0), when one read is decided, then every reply leaves in one write after every append', async () => {
    const timeline: string[] = [];
    const { bus, deliver } = createReadBus(timeline);
    await startOn(recordingAppends(createMemoryEventStore(), timeline), bus, 0);
    const ids = actors(3 * DEFAULT_HOST_LIMITS.drainSlice);
    await Promise.all(deliver(ids));
    timeline.length = 0;

    await Promise.all(deliver(ids));

    expect(timeline.filter((entry) => entry.startsWith('write'))).toEqual([`write ${ids.length}`]);
    expect(timeline.findIndex((entry) => entry.startsWith('write'))).toBeGreaterThan(timeline.findLastIndex((entry) => entry.startsWith('append')));
  });

  it('given a store that commits once per turn (SQLite), when a read of three slices is decided, then all their appends share one transaction', async () => {
    folder = await mkdtemp(join(tmpdir(), 'shardkeep-slices-'));
    let commits = 0;
    const store = openSqliteEventStore({ path: join(folder, 'events.sqlite'), onCommit: () => (commits += 1) });
    sqlite = store;
    const timeline: string[] = [];
    const { bus, deliver } = createReadBus(timeline);
    await startOn(store, bus, DEFAULT_HOST_LIMITS.drainSlice);
    const ids = actors(3 * DEFAULT_HOST_LIMITS.drainSlice);
    await Promise.all(deliver(ids));
    commits = 0;

    await Promise.all(deliver(ids));

    expect(commits).toBe(1);
    expect(timeline.filter((entry) => entry.startsWith('reply'))).toHaveLength(2 * ids.length);
  });
});
