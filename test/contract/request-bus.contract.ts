import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IncomingRequest, RequestBus, RequestTransport } from '../../actors/runtime/bus.js';
import { isTransportClosedError } from '../../infra/bus/pending-replies.js';
import { uniquePrefix } from '../support/events.js';

export interface BusSubject {
  readonly bus: RequestBus;
  readonly transport: RequestTransport;
  dispose(): Promise<void>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const bytes = (text: string): Uint8Array => encoder.encode(text);
const text = (outcome: Uint8Array | string): string => (typeof outcome === 'string' ? `<${outcome}>` : decoder.decode(outcome));

/** Answers `<subject>|<payload>`, so a reply proves both where and what was delivered. */
const echo = (request: IncomingRequest): void => request.respond(bytes(`${request.subject}|${decoder.decode(request.payload)}`));

/**
 * The bus port's contract: what the in-process bus and NATS must do identically. Subjects
 * carry a fresh prefix, so the suite also runs against a shared server.
 */
export const describeRequestBusContract = (label: string, open: () => Promise<BusSubject>): void => {
  describe(`request bus contract: ${label}`, () => {
    let subject: BusSubject;
    let bus: RequestBus;
    let transport: RequestTransport;
    let prefix: string;
    const ask = (on: string, payload = 'x', timeoutMs = 1_000, headers?: Record<string, string>) =>
      transport.request(on, bytes(payload), headers === undefined ? { timeoutMs } : { timeoutMs, headers });

    beforeEach(async () => {
      subject = await open();
      ({ bus, transport } = subject);
      prefix = uniquePrefix('bus');
    });
    afterEach(async () => {
      await subject.dispose();
    });

    it('delivers a request and returns the reply', async () => {
      await bus.serve(`${prefix}.echo`, 'hosts', echo);
      expect(text(await ask(`${prefix}.echo`, 'hello'))).toBe(`${prefix}.echo|hello`);
    });

    it('matches `*` to exactly one token and `>` to one or more trailing tokens', async () => {
      await bus.serve(`${prefix}.one.*.end`, 'hosts', echo);
      await bus.serve(`${prefix}.tail.>`, 'hosts', echo);
      expect(text(await ask(`${prefix}.one.a.end`))).toBe(`${prefix}.one.a.end|x`);
      expect(await ask(`${prefix}.one.a.b.end`, 'x', 300)).toBe('no_responders');
      expect(await ask(`${prefix}.one.end`, 'x', 300)).toBe('no_responders');
      expect(text(await ask(`${prefix}.tail.a`))).toBe(`${prefix}.tail.a|x`);
      expect(text(await ask(`${prefix}.tail.a.b.c`))).toBe(`${prefix}.tail.a.b.c|x`);
      expect(await ask(`${prefix}.tail`, 'x', 300)).toBe('no_responders');
    });

    it('shares a queue group: each request reaches exactly one server, both get some', async () => {
      const seen: Record<'a' | 'b', string[]> = { a: [], b: [] };
      const server = (name: 'a' | 'b') => (request: IncomingRequest) => {
        seen[name].push(decoder.decode(request.payload));
        request.respond(bytes(name));
      };
      await bus.serve(`${prefix}.shared.*`, 'hosts', server('a'));
      await bus.serve(`${prefix}.shared.*`, 'hosts', server('b'));
      const count = 200;
      const replies = await Promise.all(Array.from({ length: count }, (_, index) => ask(`${prefix}.shared.n${index}`, `${index}`)));
      expect(replies.every((reply) => reply instanceof Uint8Array)).toBe(true);
      expect(seen.a.length).toBeGreaterThan(0);
      expect(seen.b.length).toBeGreaterThan(0);
      const all = [...seen.a, ...seen.b].map(Number).sort((x, y) => x - y);
      expect(all).toEqual(Array.from({ length: count }, (_, index) => index));
    });

    it('gives every server outside a queue group its own copy; the first reply wins', async () => {
      const seen: string[] = [];
      await bus.serve(`${prefix}.fanout`, '', (request) => {
        seen.push('a');
        request.respond(bytes('a'));
      });
      await bus.serve(`${prefix}.fanout`, '', (request) => {
        seen.push('b');
        request.respond(bytes('b'));
      });
      expect(['a', 'b']).toContain(text(await ask(`${prefix}.fanout`)));
      await expect.poll(() => [...seen].sort()).toEqual(['a', 'b']);
    });

    it('passes headers through; a missing header reads as undefined', async () => {
      await bus.serve(`${prefix}.headers`, 'hosts', (request) =>
        request.respond(bytes(`${request.header('traceparent')}|${request.header('tracestate')}|${request.header('absent')}`)),
      );
      const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      expect(text(await ask(`${prefix}.headers`, 'x', 1_000, { traceparent, tracestate: 'k=v' }))).toBe(`${traceparent}|k=v|undefined`);
      expect(text(await ask(`${prefix}.headers`))).toBe('undefined|undefined|undefined');
    });

    it("answers 'no_responders' when nobody serves the subject, quickly", async () => {
      const started = performance.now();
      expect(await ask(`${prefix}.nobody`, 'x', 5_000)).toBe('no_responders');
      expect(performance.now() - started).toBeLessThan(1_000);
    });

    it("answers 'timeout' when the server never replies, and ignores its late reply", async () => {
      const held: IncomingRequest[] = [];
      await bus.serve(`${prefix}.slow`, 'hosts', (request) => held.push(request));
      const started = performance.now();
      expect(await ask(`${prefix}.slow`, 'x', 100)).toBe('timeout');
      const elapsed = performance.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(95);
      expect(elapsed).toBeLessThan(600);
      held[0]?.respond(bytes('late'));
      await bus.serve(`${prefix}.fast`, 'hosts', echo);
      expect(text(await ask(`${prefix}.fast`, 'now'))).toBe(`${prefix}.fast|now`);
    });

    it('answers 2,000 concurrent requests, each with its own reply', async () => {
      await bus.serve(`${prefix}.many.*`, 'hosts', (request) => {
        // Out of order on purpose: some replies go out before earlier requests are answered.
        const index = Number(decoder.decode(request.payload));
        if (index % 3 === 0) setTimeout(() => echo(request), 1);
        else echo(request);
      });
      const count = 2_000;
      const replies = await Promise.all(
        Array.from({ length: count }, (_, index) => ask(`${prefix}.many.a${index % 17}`, `${index}`, 10_000)),
      );
      replies.forEach((reply, index) => expect(text(reply)).toBe(`${prefix}.many.a${index % 17}|${index}`));
    });

    it('stops delivering to a drained server', async () => {
      const seen: string[] = [];
      const serving = await bus.serve(`${prefix}.drain`, 'hosts', (request) => {
        seen.push('first');
        echo(request);
      });
      expect(text(await ask(`${prefix}.drain`))).toBe(`${prefix}.drain|x`);
      await serving.drain();
      expect(await ask(`${prefix}.drain`, 'x', 500)).toBe('no_responders');
      await bus.serve(`${prefix}.drain`, 'hosts', (request) => request.respond(bytes('second')));
      expect(text(await ask(`${prefix}.drain`))).toBe('second');
      expect(seen).toEqual(['first']);
      await serving.drain();
    });

    it("close() answers pending requests with 'timeout' and refuses new ones", async () => {
      await bus.serve(`${prefix}.hold`, 'hosts', () => undefined);
      const pending = ask(`${prefix}.hold`, 'x', 10_000);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const started = performance.now();
      await transport.close();
      expect(await pending).toBe('timeout');
      expect(performance.now() - started).toBeLessThan(1_000);
      const refused = await ask(`${prefix}.hold`).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(isTransportClosedError(refused)).toBe(true);
    });
  });
};
