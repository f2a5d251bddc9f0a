import { Events } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTransportClosedError } from '../../infra/bus/pending-replies.js';
import {
  connectNats,
  createNatsRequestBus,
  createNatsRequestTransport,
  DEFAULT_RECONNECT_TIME_WAIT_MS,
  NatsOptionsError,
  type NatsConnection,
} from '../../infra/nats/index.js';
import { describeCommandClientContract } from '../contract/command-client.contract.js';
import { describeRequestBusContract, type BusSubject } from '../contract/request-bus.contract.js';
import { startNatsServer, type NatsServerHandle } from '../support/servers/nats-server.js';

let server: NatsServerHandle;

beforeAll(async () => {
  server = await startNatsServer({ jetstream: false });
});
afterAll(async () => {
  await server.stop();
});

/** Hosts and requesters on separate connections, as in production. */
const open = async (): Promise<BusSubject> => {
  const hostConnection = await connectNats({ servers: server.url, name: 'test-host' });
  const clientConnection = await connectNats({ servers: server.url, name: 'test-client' });
  const transport = createNatsRequestTransport(clientConnection);
  return {
    bus: createNatsRequestBus(hostConnection),
    transport,
    dispose: async () => {
      await transport.close();
      await Promise.all([hostConnection.close(), clientConnection.close()]);
    },
  };
};

describeRequestBusContract('nats', open);
describeCommandClientContract('nats', open);

describe('nats request transport', () => {
  const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

  it('close() leaves the connection to its owner; a closed connection refuses requests', async () => {
    const nc: NatsConnection = await connectNats({ servers: server.url });
    const first = createNatsRequestTransport(nc);
    const second = createNatsRequestTransport(nc);
    await first.close();
    expect(nc.isClosed()).toBe(false);
    await nc.close();
    const error = await second.request('a', bytes(''), { timeoutMs: 100 }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(isTransportClosedError(error)).toBe(true);
    await second.close();
  });

  it("answers 'timeout' for requests in flight when the server dies", async () => {
    const own = await startNatsServer({ jetstream: false });
    try {
      const hosts = await connectNats({ servers: own.url, maxReconnectAttempts: 0 });
      const clients = await connectNats({ servers: own.url, maxReconnectAttempts: 0 });
      await createNatsRequestBus(hosts).serve('hold', 'q', () => undefined);
      const transport = createNatsRequestTransport(clients);
      const pending = transport.request('hold', bytes(''), { timeoutMs: 300 });
      await new Promise((resolve) => setTimeout(resolve, 50));
      await own.kill();
      expect(await pending).toBe('timeout');
      await transport.close();
      await Promise.all([hosts.close(), clients.close()]);
    } finally {
      await own.stop();
    }
  });

  it('holds a request made while the connection is down and sends it once the server is back', async () => {
    const own = await startNatsServer({ jetstream: false });
    try {
      // Short pauses between reconnect attempts, the host's shorter, so it serves again first.
      const hosts = await connectNats({ servers: own.url, reconnectTimeWaitMs: 50 });
      const clients = await connectNats({ servers: own.url, reconnectTimeWaitMs: 1_000 });
      await createNatsRequestBus(hosts).serve('echo', 'q', (request) => request.respond(request.payload));
      const transport = createNatsRequestTransport(clients);
      const disconnected = (async () => {
        for await (const status of clients.status()) if (status.type === Events.Disconnect) return;
      })();
      await own.kill();
      await disconnected;
      // nats.js itself would drop this publish: each reconnect attempt discards its outbound buffer.
      const pending = transport.request('echo', bytes('held'), { timeoutMs: 8_000 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await own.restart();
      const reply = await pending;
      expect(typeof reply === 'string' ? reply : new TextDecoder().decode(reply)).toBe('held');
      await transport.close();
      await Promise.all([hosts.close(), clients.close()]);
    } finally {
      await own.stop();
    }
  });

  it('reports a throwing handler and keeps serving', async () => {
    const hosts = await connectNats({ servers: server.url });
    const clients = await connectNats({ servers: server.url });
    const errors: string[] = [];
    let calls = 0;
    await createNatsRequestBus(hosts, { onHandlerError: (_error, subject) => errors.push(subject) }).serve('flaky', 'q', (request) => {
      calls += 1;
      if (calls === 1) throw new Error('bug');
      request.respond(bytes('ok'));
    });
    const transport = createNatsRequestTransport(clients);
    expect(await transport.request('flaky', bytes(''), { timeoutMs: 100 })).toBe('timeout');
    const reply = await transport.request('flaky', bytes(''), { timeoutMs: 1_000 });
    expect(typeof reply === 'string' ? reply : new TextDecoder().decode(reply)).toBe('ok');
    expect(errors).toEqual(['flaky']);
    await transport.close();
    await Promise.all([hosts.close(), clients.close()]);
  });

  it('rejects a request nats.js refuses to publish (over max_payload) instead of leaving it pending', async () => {
    const nc = await connectNats({ servers: server.url });
    const transport = createNatsRequestTransport(nc);
    const error = await transport.request('big', new Uint8Array(2 * 1024 * 1024), { timeoutMs: 5_000 }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(Error);
    expect(isTransportClosedError(error)).toBe(false);
    await transport.close();
    await nc.close();
  });

  it('checks credentials before connecting', async () => {
    await expect(connectNats({ servers: server.url, user: 'u' })).rejects.toThrow(NatsOptionsError);
    await expect(connectNats({ servers: server.url, user: 'u', pass: 'p', token: 't' })).rejects.toThrow(/either/);
  });

  it('pauses 250 ms between reconnect attempts unless told otherwise, not nats.js’s 2 s', async () => {
    const pauseOf = (connection: NatsConnection): unknown =>
      'options' in connection && typeof connection.options === 'object' && connection.options !== null && 'reconnectTimeWait' in connection.options
        ? connection.options.reconnectTimeWait
        : undefined;
    const byDefault = await connectNats({ servers: server.url });
    const told = await connectNats({ servers: server.url, reconnectTimeWaitMs: 1_000 });
    expect(pauseOf(byDefault)).toBe(DEFAULT_RECONNECT_TIME_WAIT_MS);
    expect(DEFAULT_RECONNECT_TIME_WAIT_MS).toBe(250);
    expect(pauseOf(told)).toBe(1_000);
    await Promise.all([byDefault.close(), told.close()]);
  });
});
