import { createInbox, ErrorCode, headers as natsHeaders, NatsError, type NatsConnection } from 'nats';
import type { RequestTransport } from '../../actors/runtime/bus.js';
import { TransportClosedError } from '../bus/pending-replies.js';

/**
 * Reference requesters for benchmarks (scripts/ may not import nats). Neither is meant for
 * production: one has no timeouts at all, the other is the slow path our transport avoids.
 */

export interface PlainRequester {
  /** Resolves with the reply; never times out. */
  request(subject: string, payload: Uint8Array): Promise<Uint8Array>;
  /** Rejects whatever is still pending and unsubscribes. */
  close(): void;
}

/**
 * The floor of request/reply cost in nats.js: one wildcard reply subscription, a plain
 * publish, a map from reply token to resolver, no timers, no headers, no decoding.
 */
export const createPlainNatsRequester = (nc: NatsConnection): PlainRequester => {
  const inbox = createInbox();
  const tokenStart = inbox.length + 1;
  const pending = new Map<string, (reply: Uint8Array) => void>();
  let sequence = 0;
  const subscription = nc.subscribe(`${inbox}.*`, {
    callback: (error, msg) => {
      if (error !== null) return;
      const key = msg.subject.slice(tokenStart);
      const resolve = pending.get(key);
      if (resolve === undefined) return;
      pending.delete(key);
      resolve(msg.data);
    },
  });
  return {
    request(subject, payload) {
      sequence += 1;
      const key = sequence.toString(36);
      const reply = new Promise<Uint8Array>((resolve) => pending.set(key, resolve));
      nc.publish(subject, payload, { reply: `${inbox}.${key}` });
      return reply;
    },
    close() {
      pending.clear();
      if (!nc.isClosed()) subscription.unsubscribe();
    },
  };
};

const NO_RESPONDERS: string = ErrorCode.NoResponders;
const TIMEOUT: string = ErrorCode.Timeout;

/** The port over nats.js `nc.request()`: a timer and a promise chain per request. */
export const createBuiltinNatsRequestTransport = (nc: NatsConnection): RequestTransport => {
  let closed = false;
  return {
    async request(subject, payload, { timeoutMs, headers }) {
      if (closed) throw new TransportClosedError('nats builtin request transport');
      const natsHeadersValue = headers === undefined ? undefined : natsHeaders();
      if (headers !== undefined) for (const name in headers) natsHeadersValue?.set(name, headers[name] ?? '');
      try {
        const msg = await nc.request(subject, payload, {
          timeout: timeoutMs,
          ...(natsHeadersValue === undefined ? {} : { headers: natsHeadersValue }),
        });
        return msg.data;
      } catch (error) {
        const code: string | undefined = error instanceof NatsError ? error.code : undefined;
        if (code === NO_RESPONDERS) return 'no_responders';
        if (code === TIMEOUT) return 'timeout';
        throw error;
      }
    },
    async close() {
      closed = true;
    },
  };
};
