import type { Msg, NatsConnection } from 'nats';
import type { IncomingRequest, RequestBus, Serving } from '../../actors/runtime/bus.js';

export interface NatsRequestBusOptions {
  /** Called when a handler throws; the requester then times out. Default: console.error. */
  readonly onHandlerError?: (error: unknown, subject: string) => void;
}

/** Adapts a nats.js message; a class so each request costs one small object, not closures. */
class NatsIncomingRequest implements IncomingRequest {
  constructor(
    private readonly msg: Msg,
    private readonly nc: NatsConnection,
  ) {}

  get subject(): string {
    return this.msg.subject;
  }

  get payload(): Uint8Array {
    return this.msg.data;
  }

  header(name: string): string | undefined {
    // nats.js parses the header block on first use and throws on one it cannot read (a key
    // with a space, a colon or a character beyond ASCII): any client can publish such a
    // block. It counts as no headers, as the port says; the command itself is still served.
    let value: string | undefined;
    try {
      value = this.msg.headers?.get(name);
    } catch {
      return undefined;
    }
    // nats.js answers '' for a missing header; the port says undefined.
    return value === undefined || value === '' ? undefined : value;
  }

  respond(reply: Uint8Array): void {
    try {
      this.msg.respond(reply);
    } catch (error) {
      // After the connection closed the requester times out anyway (and retries with the
      // same commandId); anything else (a reply over max_payload) is a bug worth seeing.
      if (!this.nc.isClosed()) throw error;
    }
  }
}

/** The bus port over core NATS: a callback subscription per serve(), in its queue group. */
export const createNatsRequestBus = (nc: NatsConnection, options: NatsRequestBusOptions = {}): RequestBus => {
  const onHandlerError =
    options.onHandlerError ??
    ((error: unknown, subject: string) => console.error(`nats bus: handler for ${subject} threw`, error));
  return {
    async serve(subject, queue, handler): Promise<Serving> {
      const sub = nc.subscribe(subject, {
        ...(queue === '' ? {} : { queue }),
        callback: (error, msg) => {
          // Errors here are the subscription's own end (permissions, closed); drain covers them.
          if (error !== null) return;
          try {
            handler(new NatsIncomingRequest(msg, nc));
          } catch (thrown) {
            onHandlerError(thrown, msg.subject);
          }
        },
      });
      // The SUB reaches the server before serve() resolves, so a request sent next finds it.
      await nc.flush();
      return {
        drain: async () => {
          // Once the connection or the subscription is gone, nothing more can be delivered.
          if (nc.isClosed() || sub.isClosed()) return;
          await sub.drain();
        },
      };
    },
  };
};
