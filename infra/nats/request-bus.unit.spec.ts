import type { Msg, MsgHdrs, NatsConnection, SubscriptionOptions } from 'nats';
import { headers as natsHeaders } from 'nats';
import { describe, expect, it } from 'vitest';
import type { IncomingRequest } from '../../actors/runtime/bus.js';
import { createNatsRequestBus } from './request-bus.js';

/** A connection that hands the test the subscription's callback instead of a socket. */
const fakeConnection = (): { nc: NatsConnection; deliver: (msg: Msg) => void } => {
  let callback: SubscriptionOptions['callback'];
  const nc = {
    subscribe: (_subject: string, options: SubscriptionOptions) => {
      callback = options.callback;
      return { isClosed: () => false, drain: () => Promise.resolve() };
    },
    flush: () => Promise.resolve(),
    isClosed: () => false,
  } as unknown as NatsConnection;
  return { nc, deliver: (msg) => callback?.(null, msg) };
};

const message = (headers: () => MsgHdrs | undefined): Msg =>
  ({
    subject: 'mmo.cmd.server.gs.player.p1.register',
    data: new Uint8Array(),
    get headers() {
      return headers();
    },
    respond: () => true,
  }) as unknown as Msg;

const received = async (msg: Msg): Promise<IncomingRequest> => {
  const { nc, deliver } = fakeConnection();
  let request: IncomingRequest | undefined;
  await createNatsRequestBus(nc).serve('mmo.cmd.>', 'q', (incoming) => (request = incoming));
  deliver(msg);
  if (request === undefined) throw new Error('nothing delivered');
  return request;
};

describe('NATS request bus: headers', () => {
  it('reads a header, and answers undefined for one that is missing', async () => {
    const block = natsHeaders();
    block.set('traceparent', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    const request = await received(message(() => block));
    expect(request.header('traceparent')).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    expect(request.header('tracestate')).toBeUndefined();
  });

  // nats.js throws on a header block it cannot parse, which any client can publish; the host
  // read it after counting the command in flight, so each such request went unanswered and
  // kept an in-flight slot for good.
  it('answers undefined, never throws, for a header block nats.js cannot parse', async () => {
    const request = await received(
      message(() => {
        throw new Error("' ' is not a valid character for a header key");
      }),
    );
    expect(request.header('traceparent')).toBeUndefined();
  });
});
