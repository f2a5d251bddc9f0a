import { createInbox, Events, headers as natsHeaders, type MsgHdrs, type NatsConnection } from 'nats';
import type { RequestTransport } from '../../actors/runtime/bus.js';
import { oncePerTurn } from '../bus/once-per-turn.js';
import { createPendingReplies, TransportClosedError } from '../bus/pending-replies.js';

export interface NatsRequestTransportOptions {
  /** How often expired requests are swept (one timer for all requests); default 20 ms. */
  readonly sweepMs?: number;
  /** Must match the connection's `inboxPrefix` when NATS permissions restrict inboxes. */
  readonly inboxPrefix?: string;
}

const NO_RESPONDERS = 503;

const toNatsHeaders = (values: Readonly<Record<string, string>>): MsgHdrs => {
  const result = natsHeaders();
  for (const name in values) {
    const value = values[name];
    if (value !== undefined) result.set(name, value);
  }
  return result;
};

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/**
 * The requester's side over core NATS, multiplexed: one wildcard subscription on a private
 * inbox (`_INBOX.<nuid>.*`), each request published with the reply subject
 * `<inbox>.<seq in base 36>` and remembered in a map, and one sweep timer for all timeouts.
 * nats.js `request()` costs a full core at ≈50k/s (a timer and closures per request); this
 * path is what reaches ≈180k/s (notes/performance-ceilings.md).
 *
 * Publishes are coalesced per event-loop turn (one setImmediate for all requests made in
 * it). nats.js flushes its outbound buffer in a microtask, and its reader parses each socket
 * chunk in a microtask of its own, so publishes made while replies are being handled would
 * otherwise go out in many small writes: measured, the socket write was the largest single
 * cost per request. Publishing them together makes one write per turn. The cost is one
 * turn of latency (microseconds), and the payload must not change until the turn ends;
 * encoders (msgpackr) return fresh bytes, and nats.js itself holds the bytes until its flush.
 *
 * `'no_responders'` comes from the server: with headers enabled (nats.js always asks),
 * a request on a subject nobody subscribes to is answered by an empty message whose status
 * header is 503. A late reply (after the timeout) finds no entry and is dropped.
 *
 * Requests made while the connection is down are held here and published once it is back.
 * nats.js would buffer them, but each reconnect attempt resets its outbound buffer, so they
 * were dropped without a word and every command sent during a NATS restart waited out its
 * whole timeout (figure 8 of RELIABILITY.md). Held ones whose requester gave up meanwhile
 * are not published: their timeout was already answered, and a retry carries the same bytes.
 *
 * Reply bytes are a view of the connection's read buffer: decode them, or copy them to keep.
 * close() answers every pending request with 'timeout' and unsubscribes; requests after it
 * reject with TransportClosedError. It does not close the connection, which the caller owns.
 */
export const createNatsRequestTransport = (nc: NatsConnection, options: NatsRequestTransportOptions = {}): RequestTransport => {
  const inbox = createInbox(options.inboxPrefix);
  const tokenStart = inbox.length + 1;
  const replies = createPendingReplies<string>(options.sweepMs === undefined ? {} : { sweepMs: options.sweepMs });
  // The outbox as parallel arrays: no object per request.
  let subjects: string[] = [];
  let payloads: Uint8Array[] = [];
  let keys: string[] = [];
  let headerSets: (Readonly<Record<string, string>> | undefined)[] = [];
  let sequence = 0;
  let closed = false;
  // Whether nats.js can send now; followed from its status events.
  let connected = true;

  const followStatus = async (): Promise<void> => {
    for await (const status of nc.status()) {
      if (closed) return;
      if (status.type === Events.Disconnect) {
        connected = false;
      } else if (status.type === Events.Reconnect) {
        connected = true;
        if (keys.length > 0) publishOutbox.schedule();
      }
    }
  };

  const subscription = nc.subscribe(`${inbox}.*`, {
    callback: (error, msg) => {
      if (error !== null) return;
      const data = msg.data;
      const key = msg.subject.slice(tokenStart);
      // Headers are parsed lazily by nats.js; only an empty message can be a status.
      if (data.length === 0 && msg.headers?.code === NO_RESPONDERS) replies.settle(key, 'no_responders');
      else replies.settle(key, data);
    },
  });

  const dropExpired = (): void => {
    const kept = keys.flatMap((key, index) => (replies.has(key) ? [index] : []));
    if (kept.length === keys.length) return;
    subjects = kept.map((index) => subjects[index] ?? '');
    payloads = kept.map((index) => payloads[index] ?? new Uint8Array());
    headerSets = kept.map((index) => headerSets[index]);
    keys = kept.map((index) => keys[index] ?? '');
  };

  const publishOutbox = oncePerTurn((): void => {
    // Held until the reconnect: nats.js would drop them (see above). What expired meanwhile
    // goes, so a long outage holds no more than the requests still waiting.
    if (!connected) {
      dropExpired();
      return;
    }
    const batch = { subjects, payloads, keys, headerSets };
    subjects = [];
    payloads = [];
    keys = [];
    headerSets = [];
    for (let index = 0; index < batch.keys.length; index += 1) {
      const key = batch.keys[index] ?? '';
      // Expired while held: its requester already has its 'timeout'.
      if (!replies.has(key)) continue;
      const headers = batch.headerSets[index];
      try {
        const reply = `${inbox}.${key}`;
        const publishOptions = headers === undefined ? { reply } : { reply, headers: toNatsHeaders(headers) };
        nc.publish(batch.subjects[index] ?? '', batch.payloads[index], publishOptions);
      } catch (error) {
        // A closed connection, a bad subject or header, a payload over max_payload: never sent.
        replies.fail(key, nc.isClosed() ? new TransportClosedError('nats connection', { cause: error }) : asError(error));
      }
    }
  });

  followStatus().catch(() => undefined);

  return {
    request(subject, payload, { timeoutMs, headers }) {
      if (closed) return Promise.reject(new TransportClosedError('nats request transport'));
      if (nc.isClosed()) return Promise.reject(new TransportClosedError('nats connection'));
      sequence += 1;
      const key = sequence.toString(36);
      const outcome = replies.add(key, timeoutMs);
      subjects.push(subject);
      payloads.push(payload);
      keys.push(key);
      headerSets.push(headers);
      publishOutbox.schedule();
      return outcome;
    },

    async close() {
      if (closed) return;
      closed = true;
      publishOutbox.cancel();
      subjects = [];
      payloads = [];
      keys = [];
      headerSets = [];
      replies.closeAll();
      if (!nc.isClosed() && !subscription.isClosed()) subscription.unsubscribe();
    },
  };
};
