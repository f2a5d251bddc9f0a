import type { IncomingRequest, RequestBus, RequestTransport, Serving } from '../../actors/runtime/bus.js';
import { oncePerTurn } from './once-per-turn.js';
import { createPendingReplies, TransportClosedError, type PendingReplies } from './pending-replies.js';
import { isPublishSubject, matchesPattern, parsePattern, type SubjectPattern } from './subjects.js';

export type EmbeddedBus = RequestBus & RequestTransport & { close(): Promise<void> };

export interface EmbeddedBusOptions {
  /** How often expired requests are swept (one timer for all requests); default 20 ms. */
  readonly sweepMs?: number;
  /** Called when a handler throws; the requester then times out. Default: console.error. */
  readonly onHandlerError?: (error: unknown, subject: string) => void;
}

interface Server {
  readonly pattern: SubjectPattern;
  /** Servers sharing a queue name share one round-robin cursor across all subjects. */
  readonly group: QueueGroup | undefined;
  readonly handler: (request: IncomingRequest) => void;
  active: boolean;
}

interface QueueGroup {
  next: number;
}

/** Who receives a request on one subject: one member of each queue group, every plain server. */
interface Route {
  readonly groups: readonly { readonly group: QueueGroup; readonly members: readonly Server[] }[];
  readonly plain: readonly Server[];
}

interface Delivery {
  readonly subject: string;
  readonly payload: Uint8Array;
  readonly headers: Readonly<Record<string, string>> | undefined;
  readonly key: number;
}

const NO_ROUTE: Route = { groups: [], plain: [] };
// Actor ids make subjects practically unbounded; past this many the oldest route is dropped.
const ROUTE_CACHE_LIMIT = 10_000;

/** What a handler receives. A class, not a closure per request: one small object each. */
class EmbeddedRequest implements IncomingRequest {
  constructor(
    readonly subject: string,
    readonly payload: Uint8Array,
    private readonly headers: Readonly<Record<string, string>> | undefined,
    private readonly key: number,
    private readonly replies: PendingReplies<number>,
  ) {}

  header(name: string): string | undefined {
    return this.headers?.[name];
  }

  respond(reply: Uint8Array): void {
    // Copied like a network hop would: the handler may reuse its buffer. The first reply wins.
    this.replies.settle(this.key, new Uint8Array(reply));
  }
}

/**
 * The in-process bus of the embedded default, with NATS's subject semantics (see
 * subjects.ts) and queue groups: among servers in the same queue whose patterns match, each
 * request goes to exactly one (round-robin); servers with an empty queue name each get a copy.
 *
 * Delivery is asynchronous, as over a network: requests are queued and handed out in one
 * batch per `setImmediate`, so a handler never runs inside `request()` and 10k requests in
 * flight cost one callback, not 10k timers. Payloads are copied on the way in and replies on
 * the way out, so neither side can change bytes the other holds. Headers are matched by exact
 * name. `'no_responders'` is decided at delivery time, `'timeout'` by one periodic sweep.
 */
export const createEmbeddedBus = (options: EmbeddedBusOptions = {}): EmbeddedBus => {
  const onHandlerError =
    options.onHandlerError ??
    ((error: unknown, subject: string) => console.error(`embedded bus: handler for ${subject} threw`, error));
  const replies = createPendingReplies<number>(options.sweepMs === undefined ? {} : { sweepMs: options.sweepMs });
  const servers = new Set<Server>();
  const queueGroups = new Map<string, QueueGroup>();
  const routes = new Map<string, Route>();
  let queued: Delivery[] = [];
  let sequence = 0;
  let closed = false;

  const resolveRoute = (subject: string): Route => {
    const cached = routes.get(subject);
    if (cached !== undefined) return cached;
    const tokens = subject.split('.');
    const groups = new Map<QueueGroup, Server[]>();
    const plain: Server[] = [];
    for (const server of servers) {
      if (!matchesPattern(server.pattern, tokens)) continue;
      if (server.group === undefined) {
        plain.push(server);
        continue;
      }
      const members = groups.get(server.group);
      if (members === undefined) groups.set(server.group, [server]);
      else members.push(server);
    }
    const route: Route =
      groups.size === 0 && plain.length === 0
        ? NO_ROUTE
        : { groups: [...groups].map(([group, members]) => ({ group, members })), plain };
    if (routes.size >= ROUTE_CACHE_LIMIT) {
      const oldest = routes.keys().next();
      if (oldest.done !== true) routes.delete(oldest.value);
    }
    routes.set(subject, route);
    return route;
  };

  const hand = (server: Server, delivery: Delivery): void => {
    if (!server.active) return;
    try {
      server.handler(new EmbeddedRequest(delivery.subject, delivery.payload, delivery.headers, delivery.key, replies));
    } catch (error) {
      onHandlerError(error, delivery.subject);
    }
  };

  const deliver = (delivery: Delivery): void => {
    const route = resolveRoute(delivery.subject);
    if (route === NO_ROUTE) {
      replies.settle(delivery.key, 'no_responders');
      return;
    }
    for (const { group, members } of route.groups) {
      // The cursor belongs to the queue, not the subject, so distinct subjects spread too.
      const chosen = members[group.next++ % members.length];
      if (chosen !== undefined) hand(chosen, delivery);
    }
    for (const server of route.plain) hand(server, delivery);
  };

  const flush = oncePerTurn((): void => {
    const batch = queued;
    queued = [];
    for (const delivery of batch) {
      if (closed) return;
      deliver(delivery);
    }
  });

  const closedError = (): TransportClosedError => new TransportClosedError('embedded bus');

  return {
    async serve(subject, queue, handler): Promise<Serving> {
      if (closed) throw closedError();
      let group: QueueGroup | undefined;
      if (queue !== '') {
        group = queueGroups.get(queue) ?? { next: 0 };
        queueGroups.set(queue, group);
      }
      const server: Server = { pattern: parsePattern(subject), group, handler, active: true };
      servers.add(server);
      routes.clear();
      return {
        drain: async () => {
          // Deliveries resolve their route when handed out, so nothing reaches it from now on.
          server.active = false;
          if (servers.delete(server)) routes.clear();
        },
      };
    },

    request(subject, payload, { timeoutMs, headers }) {
      if (closed) return Promise.reject(closedError());
      if (!isPublishSubject(subject)) return Promise.reject(new Error(`invalid publish subject ${JSON.stringify(subject)}`));
      sequence += 1;
      const outcome = replies.add(sequence, timeoutMs);
      queued.push({
        subject,
        payload: new Uint8Array(payload),
        headers: headers === undefined ? undefined : { ...headers },
        key: sequence,
      });
      flush.schedule();
      return outcome;
    },

    async close() {
      if (closed) return;
      closed = true;
      flush.cancel();
      queued = [];
      for (const server of servers) server.active = false;
      servers.clear();
      routes.clear();
      replies.closeAll();
    },
  };
};
