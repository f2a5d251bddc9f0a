import { describe, expect, expectTypeOf, it } from 'vitest';
import type { RequestTransport } from '../../actors/runtime/bus.js';
import { encodeReply, success, type CommandReply } from '../../actors/runtime/protocol/reply.js';
import { backoffPause } from './backoff.js';
import { CommandClientOptionsError, createCommandClient } from './command-client.js';
import { createTypedClient, type TypedCommand } from './typed-client.js';

const answering = (reply: CommandReply): RequestTransport => ({
  request: async () => encodeReply(reply),
  close: async () => undefined,
});

describe('command client', () => {
  const issuer = { kind: 'server', id: 'gs1' } as const;

  it('refuses bad options when it is created', () => {
    const transport = answering(success(0n, []));
    expect(() => createCommandClient({ transport, issuer, timeoutMs: 0 })).toThrow(CommandClientOptionsError);
    expect(() => createCommandClient({ transport, issuer, deadlineMs: Number.NaN })).toThrow(/deadlineMs/);
    expect(() => createCommandClient({ transport, issuer, retries: 1.5 })).toThrow(/retries/);
    expect(() => createCommandClient({ transport, issuer: { kind: 'player', id: 'p.1' } })).toThrow(/issuer/);
  });

  it('answers INTERNAL when the transport refuses to send, and never rejects', async () => {
    const transport: RequestTransport = {
      request: () => Promise.reject(new Error('closed')),
      close: async () => undefined,
    };
    const reply = await createCommandClient({ transport, issuer }).send({ category: 'item', actorId: 'i1', command: 'touch', data: {} });
    expect(reply).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'the command was not sent: closed' } });
  });

  it('answers TIMEOUT, not INTERNAL, when the transport closes after an unanswered attempt', async () => {
    let calls = 0;
    const transport: RequestTransport = {
      request: async () => {
        calls += 1;
        if (calls === 1) return 'timeout';
        throw new Error('closed');
      },
      close: async () => undefined,
    };
    const reply = await createCommandClient({ transport, issuer, backoff: { initialMs: 1 } }).send({
      category: 'item',
      actorId: 'i1',
      command: 'touch',
      data: {},
    });
    expect(reply.ok === false && reply.error.code).toBe('TIMEOUT');
  });

  it('reports an unreadable reply as INTERNAL', async () => {
    const transport: RequestTransport = { request: async () => new Uint8Array([0xc1]), close: async () => undefined };
    const reply = await createCommandClient({ transport, issuer }).send({ category: 'item', actorId: 'i1', command: 'touch', data: {} });
    expect(reply.ok === false && reply.error.code).toBe('INTERNAL');
  });

  it('types commands by a catalog (interfaces too) and rejects undeclared ones at compile time', () => {
    interface Commands {
      item: { transfer: { to: string }; repair: { amount: number } };
      guild: { invite: { playerId: string } };
    }
    const typed = createTypedClient<Commands>(createCommandClient({ transport: answering(success(0n, [])), issuer }));
    expectTypeOf(typed.command('item', 'transfer')).toEqualTypeOf<TypedCommand<{ to: string }>>();
    expectTypeOf(typed.command('guild', 'invite')).parameter(1).toEqualTypeOf<{ playerId: string }>();
    // @ts-expect-error: guild has no transfer
    typed.command('guild', 'transfer');
    // @ts-expect-error: transfer needs `to`
    void typed.command('item', 'transfer')('i1', { amount: 1 });
  });
});

describe('backoff', () => {
  it('doubles up to the cap, with half of each pause random', () => {
    expect(backoffPause(0, {}, () => 0)).toBe(10);
    expect(backoffPause(0, {}, () => 1)).toBe(20);
    expect(backoffPause(3, {}, () => 0.5)).toBe(120);
    expect(backoffPause(10, { initialMs: 10, maxMs: 300 }, () => 1)).toBe(300);
  });
});
