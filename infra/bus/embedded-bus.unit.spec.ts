import { describe, expect, it } from 'vitest';
import { createEmbeddedBus } from './embedded-bus.js';
import { matchesPattern, parsePattern } from './subjects.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (outcome: Uint8Array | string): string => (typeof outcome === 'string' ? outcome : new TextDecoder().decode(outcome));

describe('embedded bus', () => {
  it('never runs a handler inside request()', async () => {
    const bus = createEmbeddedBus();
    let insideRequest = false;
    const observed: boolean[] = [];
    await bus.serve('a', 'q', (request) => {
      observed.push(insideRequest);
      request.respond(bytes('ok'));
    });
    insideRequest = true;
    const replies = [bus.request('a', bytes(''), { timeoutMs: 1_000 }), bus.request('a', bytes(''), { timeoutMs: 1_000 })];
    insideRequest = false;
    expect(observed).toEqual([]);
    expect((await Promise.all(replies)).map(text)).toEqual(['ok', 'ok']);
    expect(observed).toEqual([false, false]);
    await bus.close();
  });

  it('copies payloads both ways', async () => {
    const bus = createEmbeddedBus();
    const reply = bytes('reply');
    let received: Uint8Array | undefined;
    await bus.serve('a', 'q', (request) => {
      received = request.payload;
      request.respond(reply);
      reply.fill(0);
    });
    const payload = bytes('abc');
    const outcome = bus.request('a', payload, { timeoutMs: 1_000 });
    payload.fill(0);
    expect(text(await outcome)).toBe('reply');
    expect(text(received ?? new Uint8Array())).toBe('abc');
    await bus.close();
  });

  it('routes to a server that starts after a subject was resolved (the route cache is invalidated)', async () => {
    const bus = createEmbeddedBus();
    expect(await bus.request('x.y', bytes(''), { timeoutMs: 1_000 })).toBe('no_responders');
    await bus.serve('x.*', 'q', (request) => request.respond(bytes('found')));
    expect(text(await bus.request('x.y', bytes(''), { timeoutMs: 1_000 }))).toBe('found');
    await bus.close();
  });

  it('spreads distinct subjects round-robin across a queue group', async () => {
    const bus = createEmbeddedBus();
    const counts = [0, 0, 0];
    for (const index of [0, 1, 2]) {
      await bus.serve('actor.*', 'q', (request) => {
        counts[index] = (counts[index] ?? 0) + 1;
        request.respond(bytes(''));
      });
    }
    await Promise.all(Array.from({ length: 300 }, (_, n) => bus.request(`actor.a${n}`, bytes(''), { timeoutMs: 1_000 })));
    expect(counts).toEqual([100, 100, 100]);
    await bus.close();
  });

  it('reports a throwing handler and lets the request time out', async () => {
    const errors: string[] = [];
    const bus = createEmbeddedBus({ onHandlerError: (_error, subject) => errors.push(subject) });
    await bus.serve('boom', 'q', () => {
      throw new Error('bug');
    });
    expect(await bus.request('boom', bytes(''), { timeoutMs: 50 })).toBe('timeout');
    expect(errors).toEqual(['boom']);
    await bus.close();
  });

  it('rejects wildcard publish subjects and malformed patterns', async () => {
    const bus = createEmbeddedBus();
    await expect(bus.request('a.*', bytes(''), { timeoutMs: 50 })).rejects.toThrow(/invalid publish subject/);
    await expect(bus.request('a..b', bytes(''), { timeoutMs: 50 })).rejects.toThrow(/invalid publish subject/);
    await expect(bus.serve('a.>.b', 'q', () => undefined)).rejects.toThrow(/'>' must be last/);
    await bus.close();
    await expect(bus.serve('a', 'q', () => undefined)).rejects.toThrow(/closed/);
  });
});

describe('subject matching', () => {
  const matches = (pattern: string, subject: string): boolean => matchesPattern(parsePattern(pattern), subject.split('.'));

  it('follows NATS wildcard rules', () => {
    expect(matches('a.b', 'a.b')).toBe(true);
    expect(matches('a.b', 'a.b.c')).toBe(false);
    expect(matches('a.*', 'a.b')).toBe(true);
    expect(matches('a.*', 'a')).toBe(false);
    expect(matches('a.*.c', 'a.b.c')).toBe(true);
    expect(matches('*.*', 'a.b')).toBe(true);
    expect(matches('a.>', 'a')).toBe(false);
    expect(matches('a.>', 'a.b.c.d')).toBe(true);
    expect(matches('>', 'a')).toBe(true);
    expect(matches('mmo.cmd.*.*.item.*.*', 'mmo.cmd.server.gs1.item.sword-7.transfer')).toBe(true);
    expect(matches('mmo.cmd.*.*.item.*.*', 'mmo.cmd.server.gs1.guild.g1.invite')).toBe(false);
  });
});
