import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IncomingRequest, RequestTransport } from '../../actors/runtime/bus.js';
import { decodeCommandEnvelope, type CommandEnvelope } from '../../actors/runtime/protocol/envelope.js';
import { encodeReply, failure, success, type CommandReply } from '../../actors/runtime/protocol/reply.js';
import { categorySubscription, isSubjectProblem, parseCommandSubject, type CommandAddress } from '../../actors/runtime/protocol/subjects.js';
import { createCommandClient, createTypedClient, type CommandClientOptions } from '../../infra/client/index.js';
import type { BusSubject } from './request-bus.contract.js';
import { uniquePrefix } from '../support/events.js';

interface Delivered {
  readonly address: CommandAddress;
  readonly envelope: CommandEnvelope;
  readonly traceparent: string | undefined;
}

/** A stand-in host: decodes like the real one, records what it got, answers as told. */
const fakeHost = (answer: (delivered: Delivered, request: IncomingRequest) => CommandReply | undefined) => {
  const delivered: Delivered[] = [];
  const handler = (request: IncomingRequest): void => {
    const address = parseCommandSubject(request.subject);
    const envelope = decodeCommandEnvelope(request.payload);
    if (isSubjectProblem(address) || !envelope.ok) {
      request.respond(encodeReply(failure('VALIDATION', 'fake host could not read the request')));
      return;
    }
    const entry = { address, envelope: envelope.value, traceparent: request.header('traceparent') };
    delivered.push(entry);
    const reply = answer(entry, request);
    if (reply !== undefined) request.respond(encodeReply(reply));
  };
  return { delivered, handler };
};

/** Counts what reaches the transport, to prove that a refused request was never sent. */
const counting = (inner: RequestTransport) => {
  let sent = 0;
  const transport: RequestTransport = {
    request: (subject, payload, options) => {
      sent += 1;
      return inner.request(subject, payload, options);
    },
    close: () => inner.close(),
  };
  return { transport, sent: () => sent };
};

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

/** The command client's contract, over any transport (the in-process bus, real NATS). */
export const describeCommandClientContract = (label: string, open: () => Promise<BusSubject>): void => {
  describe(`command client: ${label}`, () => {
    let subject: BusSubject;
    let category: string;
    let sent: () => number;
    let transport: RequestTransport;
    const client = (options: Partial<CommandClientOptions> = {}) =>
      createCommandClient({ transport, issuer: { kind: 'server', id: 'gs1' }, random: () => 0.5, ...options });
    const host = async (answer: Parameters<typeof fakeHost>[0]) => {
      const fake = fakeHost(answer);
      await subject.bus.serve(categorySubscription(category), 'hosts', fake.handler);
      return fake.delivered;
    };

    beforeEach(async () => {
      subject = await open();
      ({ transport, sent } = counting(subject.transport));
      // A fresh category per test keeps tests apart on a shared server.
      category = `c${uniquePrefix().slice(1, 12)}`;
    });
    afterEach(async () => {
      await subject.dispose();
    });

    it('sends the envelope on the command subject and returns the reply', async () => {
      const delivered = await host(() => success(3n, ['ItemTransferred']));
      const reply = await client().send({
        category,
        actorId: 'sword-7',
        command: 'transfer',
        data: { to: 'p42' },
        commandId: 'cmd-1',
        correlationId: 'corr-1',
        traceparent: TRACEPARENT,
      });
      expect(reply).toEqual({ ok: true, revision: 3, events: ['ItemTransferred'] });
      expect(delivered).toEqual([
        {
          address: { issuer: { kind: 'server', id: 'gs1' }, category, actorId: 'sword-7', command: 'transfer' },
          envelope: { commandId: 'cmd-1', data: { to: 'p42' }, correlationId: 'corr-1' },
          traceparent: TRACEPARENT,
        },
      ]);
    });

    it('gives each command a fresh UUID commandId by default', async () => {
      const delivered = await host(() => success(0n, []));
      await client().send({ category, actorId: 'a1', command: 'touch', data: {} });
      await client().send({ category, actorId: 'a1', command: 'touch', data: {} });
      const [first, second] = delivered.map((entry) => entry.envelope.commandId);
      expect(first).toMatch(/^[0-9a-f-]{36}$/);
      expect(second).not.toBe(first);
    });

    it('retries a dropped reply with the same commandId', async () => {
      const seen = new Set<string>();
      // Ignores the first delivery of each commandId, as if the reply were lost.
      const delivered = await host(({ envelope }) => {
        if (seen.has(envelope.commandId)) return success(1n, ['Done'], true);
        seen.add(envelope.commandId);
        return undefined;
      });
      const reply = await client({ timeoutMs: 100, deadlineMs: 3_000 }).send({ category, actorId: 'a1', command: 'act', data: { n: 1 } });
      expect(reply).toEqual({ ok: true, revision: 1, events: ['Done'], duplicate: true });
      expect(delivered).toHaveLength(2);
      expect(delivered[1]?.envelope).toEqual(delivered[0]?.envelope);
    });

    it('returns TIMEOUT when the deadline passes without an answer', async () => {
      const delivered = await host(() => undefined);
      const started = performance.now();
      const reply = await client({ timeoutMs: 100, deadlineMs: 400 }).send({ category, actorId: 'a1', command: 'act', data: {}, commandId: 'k1' });
      const elapsed = performance.now() - started;
      expect(reply.ok).toBe(false);
      if (reply.ok) return;
      expect(reply.error.code).toBe('TIMEOUT');
      expect(reply.error.message).toContain('k1');
      expect(elapsed).toBeGreaterThanOrEqual(390);
      expect(elapsed).toBeLessThan(1_000);
      expect(delivered.length).toBeGreaterThanOrEqual(3);
      expect(new Set(delivered.map((entry) => entry.envelope.commandId))).toEqual(new Set(['k1']));
    });

    it('retries OVERLOADED and UNAVAILABLE, then returns the success', async () => {
      let calls = 0;
      const delivered = await host(() => {
        calls += 1;
        if (calls === 1) return failure('OVERLOADED', 'busy');
        if (calls === 2) return failure('UNAVAILABLE', 'shutting down');
        return success(5n, ['Ok']);
      });
      const reply = await client({ backoff: { initialMs: 5 } }).send({ category, actorId: 'a1', command: 'act', data: {} });
      expect(reply).toEqual({ ok: true, revision: 5, events: ['Ok'] });
      expect(new Set(delivered.map((entry) => entry.envelope.commandId)).size).toBe(1);
      expect(delivered).toHaveLength(3);
    });

    it('returns the last refusal when retries run out and every attempt was refused', async () => {
      const delivered = await host(() => failure('OVERLOADED', 'busy'));
      const reply = await client({ retries: 2, backoff: { initialMs: 5 } }).send({ category, actorId: 'a1', command: 'act', data: {} });
      expect(reply).toEqual(failure('OVERLOADED', 'busy'));
      expect(delivered).toHaveLength(3);
    });

    it('returns other failures at once, without retrying', async () => {
      const delivered = await host(() => failure('NOT_OWNER', 'not yours'));
      expect(await client().send({ category, actorId: 'a1', command: 'act', data: {} })).toEqual(failure('NOT_OWNER', 'not yours'));
      expect(delivered).toHaveLength(1);
    });

    it('returns RATE_LIMITED at once: retrying would only spend more of the budget', async () => {
      const delivered = await host(() => failure('RATE_LIMITED', 'over the limit'));
      const reply = await client({ backoff: { initialMs: 5 } }).send({ category, actorId: 'a1', command: 'act', data: {} });
      expect(reply).toEqual(failure('RATE_LIMITED', 'over the limit'));
      expect(delivered).toHaveLength(1);
    });

    it('retries while nobody serves the subject, then answers UNAVAILABLE', async () => {
      const reply = await client({ deadlineMs: 300, backoff: { initialMs: 5 } }).send({ category, actorId: 'a1', command: 'act', data: {} });
      expect(reply.ok === false && reply.error.code).toBe('UNAVAILABLE');
      expect(sent()).toBeGreaterThan(1);
    });

    it('finds a host that starts while it retries', async () => {
      const pending = client({ deadlineMs: 3_000, backoff: { initialMs: 20 } }).send({ category, actorId: 'a1', command: 'act', data: {} });
      await new Promise((resolve) => setTimeout(resolve, 60));
      await host(() => success(0n, ['Late']));
      expect(await pending).toEqual({ ok: true, revision: 0, events: ['Late'] });
    });

    it('refuses bad ids, names, data and trace context as VALIDATION without sending', async () => {
      await host(() => success(0n, []));
      const c = client();
      const base = { category, actorId: 'a1', command: 'act', data: {} };
      const bad = [
        { ...base, actorId: 'a.b' },
        { ...base, actorId: 'a*' },
        { ...base, actorId: '' },
        { ...base, actorId: 'x'.repeat(65) },
        { ...base, commandId: 'id with spaces' },
        { ...base, correlationId: 'c>' },
        { ...base, category: 'Item' },
        { ...base, category: 'a.b' },
        { ...base, command: 'do-it' },
        { ...base, data: [] as unknown as Record<string, unknown> },
        { ...base, traceparent: 'not-a-trace' },
        { ...base, data: { blob: 'x'.repeat(20_000) } },
      ];
      for (const request of bad) {
        const reply = await c.send(request);
        expect(reply.ok === false && reply.error.code, JSON.stringify(request).slice(0, 80)).toBe('VALIDATION');
      }
      expect(sent()).toBe(0);
    });

    it('types commands by a declared catalog', async () => {
      const delivered = await host(() => success(1n, ['ItemTransferred']));
      type Commands = { [K in string]: { transfer: { to: string }; repair: { amount: number } } };
      const typed = createTypedClient<Commands>(client());
      const transfer = typed.command(category, 'transfer');
      expect(await transfer('sword-7', { to: 'p42' }, { commandId: 'typed-1' })).toEqual({ ok: true, revision: 1, events: ['ItemTransferred'] });
      expect(delivered[0]?.envelope).toEqual({ commandId: 'typed-1', data: { to: 'p42' } });
    });
  });
};
