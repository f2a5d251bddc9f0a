import { Packr } from 'msgpackr';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConcurrencyError, type EventStore } from '../../events/store/index.js';
import { createEmbeddedBus, type EmbeddedBus } from '../../infra/bus/index.js';
import { createMemoryEventStore } from '../../infra/eventstore/memory/memory-event-store.js';
import type { ActorHost } from '../../actors/runtime/host.js';
import { decodeReply } from '../../actors/runtime/protocol/reply.js';
import { createRateLimiter } from '../../actors/runtime/rate-limiter.js';
import { counterDefinition, counterEvents } from '../support/actors/counter.js';
import { instrument, player, send, server, sleep, startHost, streamEvents } from './harness.js';

describe('actor host', () => {
  let bus: EmbeddedBus;
  let store: ReturnType<typeof instrument>;
  let hosts: ActorHost[];

  beforeEach(() => {
    bus = createEmbeddedBus();
    store = instrument(createMemoryEventStore());
    hosts = [];
  });
  afterEach(async () => {
    await Promise.all(hosts.map((host) => host.stop()));
    await bus.close();
  });

  const host = async (options: Partial<Parameters<typeof startHost>[0]> = {}): Promise<ActorHost> => {
    const started = await startHost({ bus, store, actors: [counterDefinition()], ...options });
    hosts.push(started);
    return started;
  };

  const totalOf = async (source: EventStore, actorId: string): Promise<number> => {
    let total = 0;
    for await (const stored of source.read(`counter-${actorId}`)) {
      const event = counterEvents.decode(stored);
      if (event.type === 'Added') total += event.data.amount;
      if (event.type === 'Taken') total -= event.data.amount;
    }
    return total;
  };

  describe('mailboxes', () => {
    it('decides commands for one actor one at a time, in arrival order', async () => {
      await host();
      const replies = await Promise.all(Array.from({ length: 200 }, (_, index) => send(bus, 'a1', 'add', { amount: index + 1 })));
      expect(replies.every((reply) => reply.ok)).toBe(true);
      const revisions = replies.map((reply) => (reply.ok ? reply.revision : -1));
      expect(revisions).toEqual(Array.from({ length: 200 }, (_, index) => index));
      expect(await totalOf(store, 'a1')).toBe((200 * 201) / 2);
    });

    it('runs different actors concurrently and keeps their streams apart', async () => {
      await host();
      const replies = await Promise.all(
        Array.from({ length: 500 }, (_, index) => send(bus, `actor${index % 50}`, 'add', { amount: 1 })),
      );
      expect(replies.every((reply) => reply.ok)).toBe(true);
      for (let actor = 0; actor < 50; actor += 1) expect(await totalOf(store, `actor${actor}`)).toBe(10);
    });
  });

  describe('validation at the boundary', () => {
    it('answers VALIDATION with a readable message for bad data, and keeps serving', async () => {
      await host();
      const reply = await send(bus, 'a1', 'add', { amount: -5 });
      expect(reply).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      expect(!reply.ok && reply.error.message).toMatch(/amount/);
      expect(await send(bus, 'a1', 'add', { amount: 2 ** 53 + 2 })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      expect(await send(bus, 'a1', 'add', { amount: 1, extra: true })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      expect(await send(bus, 'a1', 'add', { amount: 3 })).toMatchObject({ ok: true, revision: 0 });
    });

    it('answers hostile bytes with VALIDATION', async () => {
      await host();
      const subject = 'mmo.cmd.player.p1.counter.a1.add';
      for (const payload of [
        Buffer.from('dc ffff '.repeat(30).replaceAll(' ', ''), 'hex'),
        Buffer.alloc(100_000, 0x91),
        new Packr({ useRecords: false }).pack({ commandId: 'x', data: { amount: 1 }, issuer: 'server:evil' }),
      ]) {
        const reply = await bus.request(subject, payload, { timeoutMs: 2_000 });
        expect(reply).toBeInstanceOf(Uint8Array);
        expect(decodeReply(reply as Uint8Array)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      }
    });

    it('answers NOT_FOUND for unknown commands and UNAUTHORIZED for privileged ones from players', async () => {
      await host();
      expect(await send(bus, 'a1', 'explode', {})).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      // Names of Object.prototype's members used to reach an inherited function, throw, and go unanswered.
      for (const inherited of ['constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf']) {
        expect(await send(bus, 'a1', inherited, {}, { issuer: server, timeoutMs: 2_000 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      }
      expect(await send(bus, 'a1', 'reset', {}, { issuer: player('p1') })).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
      expect(await send(bus, 'a1', 'reset', {}, { issuer: server })).toMatchObject({ ok: true });
    });

    it('answers unknown categories NOT_FOUND and subjects NATS split apart VALIDATION when it serves every command subject', async () => {
      await host({ serveEveryCommandSubject: true });
      const payload = new Packr({ useRecords: false }).pack({ commandId: 'c1', data: {} });
      const codeOf = async (subject: string): Promise<string> => {
        const reply = await bus.request(subject, payload, { timeoutMs: 2_000 });
        if (typeof reply === 'string') return reply;
        const decoded = decodeReply(reply);
        return decoded.ok ? 'OK' : decoded.error.code;
      };
      expect(await codeOf('mmo.cmd.server.gs1.dragon.a1.add')).toBe('NOT_FOUND');
      // An actor id with a dot: eight tokens, which no per-category subscription matches.
      expect(await codeOf('mmo.cmd.server.gs1.counter.a.b.add')).toBe('VALIDATION');
      expect(await codeOf('mmo.cmd.server.gs1.counter')).toBe('VALIDATION');
      expect(await send(bus, 'a1', 'add', { amount: 1 })).toMatchObject({ ok: true, revision: 0 });
    });

    it('records W3C trace context in the metadata and drops trace headers of any other shape', async () => {
      await host();
      const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      const ask = async (headers: Record<string, string>): Promise<void> => {
        const payload = new Packr({ useRecords: false }).pack({ commandId: `t${Object.values(headers).join('').length}`, data: { amount: 1 } });
        const reply = await bus.request('mmo.cmd.player.p1.counter.a1.add', payload, { timeoutMs: 2_000, headers });
        expect(decodeReply(reply as Uint8Array)).toMatchObject({ ok: true });
      };
      await ask({ traceparent, tracestate: 'k=v' });
      await ask({ traceparent: 'x'.repeat(4_000), tracestate: 'k=\u0000'.repeat(600) });
      const metadata = [];
      for await (const stored of store.read('counter-a1')) metadata.push(counterEvents.decode(stored).metadata);
      expect(metadata.map((entry) => [entry.traceparent, entry.tracestate])).toEqual([[traceparent, 'k=v'], [undefined, undefined]]);
    });

    it('leaves subjects of other categories to other hosts when it serves its own only', async () => {
      await host();
      const payload = new Packr({ useRecords: false }).pack({ commandId: 'c1', data: {} });
      expect(await bus.request('mmo.cmd.server.gs1.dragon.a1.add', payload, { timeoutMs: 2_000 })).toBe('no_responders');
    });

    it('returns a decider\'s result to the caller, and never to a retry', async () => {
      await host();
      const first = await send(bus, 'a1', 'mark', {}, { commandId: 'm1' });
      expect(first.ok && first.result?.['nonce']).toMatch(/^[0-9a-f]{64}$/);
      const retry = await send(bus, 'a1', 'mark', {}, { commandId: 'm1' });
      expect(retry).toEqual({ ok: true, revision: 0, events: ['Marked'], duplicate: true });
    });

    it('hands the decider the issuer bound to the subject, the time and fresh entropy', async () => {
      await host();
      await send(bus, 'a1', 'mark', {}, { issuer: player('p7') });
      await send(bus, 'a1', 'mark', {}, { issuer: player('p7') });
      const marks = [];
      for await (const stored of store.read('counter-a1')) marks.push(counterEvents.decode(stored));
      expect(marks.map((mark) => mark.metadata.issuer)).toEqual(['player:p7', 'player:p7']);
      const nonces = marks.map((mark) => (mark.type === 'Marked' ? mark.data.nonce : ''));
      expect(nonces[0]).toMatch(/^[0-9a-f]{64}$/);
      expect(nonces[0]).not.toBe(nonces[1]);
    });
  });

  describe('idempotency', () => {
    it('answers a repeated commandId with the original outcome and appends nothing', async () => {
      await host();
      const first = await send(bus, 'a1', 'add', { amount: 5 }, { commandId: 'cmd-1' });
      const again = await send(bus, 'a1', 'add', { amount: 5 }, { commandId: 'cmd-1' });
      expect(first).toEqual({ ok: true, revision: 0, events: ['Added'] });
      expect(again).toEqual({ ok: true, revision: 0, events: ['Added'], duplicate: true });
      expect(await streamEvents(store, 'counter-a1')).toHaveLength(1);
    });

    it('recognises a retry after the actor was passivated', async () => {
      await host({ limits: { maxResidentActors: 1 } });
      await send(bus, 'a1', 'add', { amount: 5 }, { commandId: 'cmd-1' });
      await send(bus, 'a2', 'add', { amount: 1 });
      expect(await send(bus, 'a1', 'add', { amount: 5 }, { commandId: 'cmd-1' })).toMatchObject({ duplicate: true });
      expect(await totalOf(store, 'a1')).toBe(5);
    });

    it('recognises a retry after a host restart, from a snapshot and from events', async () => {
      const first = await host({ limits: { snapshotEvery: 3 } });
      for (let index = 0; index < 5; index += 1) await send(bus, 'a1', 'add', { amount: 1 }, { commandId: `cmd-${index}` });
      await first.stop();
      hosts = [];
      await host({ limits: { snapshotEvery: 3 } });
      for (let index = 0; index < 5; index += 1) {
        expect(await send(bus, 'a1', 'add', { amount: 1 }, { commandId: `cmd-${index}` })).toMatchObject({ duplicate: true, revision: index });
      }
      expect(await totalOf(store, 'a1')).toBe(5);
    });

    it('recognises a retry that reaches another host', async () => {
      const busB = createEmbeddedBus();
      try {
        await host();
        const other = await startHost({ bus: busB, store, actors: [counterDefinition()] });
        hosts.push(other);
        await send(busB, 'a1', 'add', { amount: 1 });
        await send(bus, 'a1', 'add', { amount: 5 }, { commandId: 'cmd-x' });
        expect(await send(busB, 'a1', 'add', { amount: 5 }, { commandId: 'cmd-x' })).toMatchObject({ ok: true, duplicate: true });
        expect(await totalOf(store, 'a1')).toBe(6);
      } finally {
        await busB.close();
      }
    });

    it('answers a repeated command inside one batch once, and marks the repeat', async () => {
      await host();
      const replies = await Promise.all([
        send(bus, 'a1', 'add', { amount: 2 }, { commandId: 'same' }),
        send(bus, 'a1', 'add', { amount: 2 }, { commandId: 'same' }),
      ]);
      expect(replies.filter((reply) => reply.ok && reply.duplicate === true)).toHaveLength(1);
      expect(await totalOf(store, 'a1')).toBe(2);
    });
  });

  describe('concurrency', () => {
    it('loses no update when two hosts serve the same actor', async () => {
      const busB = createEmbeddedBus();
      // Appends that take a moment overlap, so the hosts really race for the same revision.
      const shared = instrument(store, { beforeAppend: () => sleep(1) });
      try {
        hosts.push(await startHost({ bus, store: shared, actors: [counterDefinition()] }));
        hosts.push(await startHost({ bus: busB, store: shared, actors: [counterDefinition()] }));
        const replies = await Promise.all(
          Array.from({ length: 200 }, async (_, index) => {
            await sleep(index % 20);
            return send(index % 2 === 0 ? bus : busB, 'hot', 'add', { amount: 1 });
          }),
        );
        const ok = replies.filter((reply) => reply.ok).length;
        const conflicted = replies.filter((reply) => !reply.ok && reply.error.code === 'CONCURRENT_MODIFICATION').length;
        expect(ok + conflicted).toBe(200);
        expect(await totalOf(store, 'hot')).toBe(ok);
        expect(hosts.reduce((sum, each) => sum + each.stats().conflicts, 0)).toBeGreaterThan(0);
      } finally {
        await busB.close();
      }
    });

    it('answers CONCURRENT_MODIFICATION after bounded retries when others always win', async () => {
      const contested = instrument(createMemoryEventStore(), {
        beforeAppend: () => {
          throw new ConcurrencyError('counter-a1', 0n, 1n);
        },
      });
      const started = await startHost({ bus, store: contested, actors: [counterDefinition()], limits: { maxConflictRetries: 3 } });
      hosts.push(started);
      expect(await send(bus, 'a1', 'add', { amount: 1 })).toMatchObject({ ok: false, error: { code: 'CONCURRENT_MODIFICATION' } });
      expect(started.stats().conflicts).toBe(4);
    });

    it('answers INTERNAL when the store fails after writing, and the retry finds the command applied', async () => {
      let failNext = true;
      const flaky = instrument(createMemoryEventStore(), {
        afterAppend: () => {
          if (failNext) {
            failNext = false;
            throw new Error('connection reset after the write');
          }
        },
      });
      hosts.push(await startHost({ bus, store: flaky, actors: [counterDefinition()], onError: () => undefined }));
      expect(await send(bus, 'a1', 'add', { amount: 4 }, { commandId: 'c1' })).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
      expect(await send(bus, 'a1', 'add', { amount: 4 }, { commandId: 'c1' })).toMatchObject({ ok: true, duplicate: true });
      expect(await totalOf(flaky, 'a1')).toBe(4);
    });
  });

  describe('group commit', () => {
    it('decides commands that arrive during an append against the new state and appends them together', async () => {
      const slow = instrument(createMemoryEventStore(), { beforeAppend: () => sleep(5) });
      hosts.push(await startHost({ bus, store: slow, actors: [counterDefinition()] }));
      const replies = await Promise.all(
        Array.from({ length: 256 }, (_, index) => send(bus, `g${index % 64}`, 'add', { amount: 1 })),
      );
      expect(replies.every((reply) => reply.ok)).toBe(true);
      expect(slow.appends / 256).toBeLessThanOrEqual(0.5);
    });

    it('lets one rejected command leave the rest of its batch intact', async () => {
      await host();
      const replies = await Promise.all([
        send(bus, 'a1', 'add', { amount: 5 }),
        send(bus, 'a1', 'take', { amount: 10 }),
        send(bus, 'a1', 'add', { amount: 1 }),
      ]);
      expect(replies.map((reply) => (reply.ok ? 'ok' : reply.error.code))).toEqual(['ok', 'REJECTED', 'ok']);
      expect(await totalOf(store, 'a1')).toBe(6);
      expect(store.appends).toBe(1);
    });

    it('collects a category\'s commands for its batch window before one append', async () => {
      hosts.push(await startHost({ bus, store, actors: [counterDefinition({ batchWindowMs: 50 })] }));
      const replies = await Promise.all(Array.from({ length: 20 }, () => send(bus, 'guildish', 'add', { amount: 1 })));
      expect(replies.every((reply) => reply.ok)).toBe(true);
      expect(store.appends).toBe(1);
    });
  });

  describe('activation and passivation', () => {
    it('activates from the latest snapshot plus the events after it', async () => {
      const first = await host({ limits: { snapshotEvery: 10 } });
      for (let index = 0; index < 25; index += 1) await send(bus, 'a1', 'add', { amount: 1 });
      await sleep(20);
      expect(first.stats().snapshotsWritten).toBe(2);
      await first.stop();
      hosts = [];
      store.eventsRead = 0;
      await host({ limits: { snapshotEvery: 10 } });
      expect(await send(bus, 'a1', 'take', { amount: 25 })).toMatchObject({ ok: true, revision: 25 });
      // One snapshot event plus the five events after it.
      expect(store.eventsRead).toBe(6);
    });

    it('ignores a snapshot of another schema version and rebuilds from events', async () => {
      const first = await host({ limits: { snapshotEvery: 5 } });
      for (let index = 0; index < 12; index += 1) await send(bus, 'a1', 'add', { amount: 2 });
      await sleep(20);
      await first.stop();
      const corrupt = counterDefinition({ snapshot: { version: 2, encode: (state) => state, decode: () => { throw new Error('unreachable'); } } });
      hosts = [await startHost({ bus, store, actors: [corrupt] })];
      expect(await send(bus, 'a1', 'take', { amount: 24 })).toMatchObject({ ok: true, revision: 12 });
    });

    it('keeps at most the configured number of actors resident', async () => {
      const started = await host({ limits: { maxResidentActors: 10 } });
      for (let index = 0; index < 50; index += 1) await send(bus, `r${index}`, 'add', { amount: 1 });
      expect(started.stats().residentActors).toBeLessThanOrEqual(10);
      expect(started.stats().passivations).toBeGreaterThanOrEqual(40);
    });
  });

  describe('back-pressure and shutdown', () => {
    it('answers OVERLOADED at once past the in-flight bound', async () => {
      const slow = instrument(createMemoryEventStore(), { beforeAppend: () => sleep(50) });
      hosts.push(await startHost({ bus, store: slow, actors: [counterDefinition()], limits: { maxInFlight: 5 } }));
      const replies = await Promise.all(Array.from({ length: 20 }, (_, index) => send(bus, `o${index}`, 'add', { amount: 1 })));
      const overloaded = replies.filter((reply) => !reply.ok && reply.error.code === 'OVERLOADED').length;
      expect(overloaded).toBe(15);
    });

    it('drains on stop: every accepted command is answered and in the log', async () => {
      const slow = instrument(createMemoryEventStore(), { beforeAppend: () => sleep(10) });
      const started = await startHost({ bus, store: slow, actors: [counterDefinition()] });
      const pending = Array.from({ length: 50 }, (_, index) => send(bus, `d${index % 5}`, 'add', { amount: 1 }));
      await sleep(2);
      await started.stop();
      const replies = await Promise.all(pending);
      const ok = replies.filter((reply) => reply.ok).length;
      const refused = replies.filter((reply) => !reply.ok && reply.error.code === 'UNAVAILABLE').length;
      expect(ok + refused).toBe(50);
      let logged = 0;
      for (let actor = 0; actor < 5; actor += 1) logged += await totalOf(slow, `d${actor}`);
      expect(logged).toBe(ok);
    });
  });

  describe('rate limits', () => {
    /** A limiter on a clock the test moves: 1 add per second and 3 at once for players, servers trusted. */
    const limited = async () => {
      const clock = { ms: 0 };
      const rateLimiter = createRateLimiter(
        { players: { perSecond: 1, burst: 3 }, kinds: { 'counter.mark': 'off' }, servers: 'off', maxBuckets: 100 },
        () => clock.ms,
      );
      return { clock, started: await host({ rateLimiter }) };
    };
    const codes = (replies: readonly { ok: boolean; error?: { code: string } }[]) => replies.map((reply) => (reply.ok ? 'ok' : reply.error?.code));

    it('refuses a player past its budget with RATE_LIMITED, appends nothing for it, and still serves other players', async () => {
      const { started } = await limited();
      const flood = [];
      for (let index = 0; index < 6; index += 1) flood.push(await send(bus, 'a1', 'add', { amount: 1 }, { issuer: player('p1') }));
      expect(codes(flood)).toEqual(['ok', 'ok', 'ok', 'RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
      const refused = flood[3];
      expect(!refused?.ok && refused?.error.message).toMatch(/^player p1 is over its rate limit for counter\.add \(1\/s, burst 3\); nothing was applied, retry in 1000 ms/);

      const others = await Promise.all([1, 2, 3].map(() => send(bus, 'a1', 'add', { amount: 10 }, { issuer: player('p2') })));
      expect(codes(others)).toEqual(['ok', 'ok', 'ok']);
      expect(codes(await Promise.all([1, 2, 3, 4, 5].map(() => send(bus, 'a1', 'add', { amount: 100 }, { issuer: server }))))).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);

      expect(await streamEvents(store, 'counter-a1')).toHaveLength(3 + 3 + 5);
      expect(await totalOf(store, 'a1')).toBe(3 + 30 + 500);
      expect(started.stats()).toMatchObject({ rateLimited: 3, commands: 11 });
    });

    it('lets a player in again as its budget refills', async () => {
      const { clock } = await limited();
      const sendAdd = () => send(bus, 'a1', 'add', { amount: 1 }, { issuer: player('p1') });
      for (let index = 0; index < 4; index += 1) await sendAdd();
      clock.ms += 999;
      expect(await sendAdd()).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
      clock.ms += 1;
      expect(await sendAdd()).toMatchObject({ ok: true, revision: 3 });
      clock.ms += 10_000;
      expect(codes(await Promise.all([1, 2, 3, 4].map(() => sendAdd())))).toEqual(['ok', 'ok', 'ok', 'RATE_LIMITED']);
      expect(await totalOf(store, 'a1')).toBe(7);
    });

    it('refuses before reading the payload, and leaves kinds whose budget is off alone', async () => {
      await limited();
      for (let index = 0; index < 3; index += 1) await send(bus, 'a1', 'add', { amount: 1 }, { issuer: player('p1') });
      // Bytes that would be VALIDATION are not even looked at once the budget is spent.
      const reply = await bus.request('mmo.cmd.player.p1.counter.a1.add', Buffer.alloc(100_000, 0x91), { timeoutMs: 2_000 });
      expect(decodeReply(reply as Uint8Array)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
      const marks = [];
      for (let index = 0; index < 10; index += 1) marks.push(await send(bus, 'a1', 'mark', {}, { issuer: player('p1') }));
      expect(marks.every((mark) => mark.ok)).toBe(true);
    });
  });
});
