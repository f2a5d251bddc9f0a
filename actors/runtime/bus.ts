/**
 * The bus port: how a host receives commands and answers them. NATS implements it in
 * production (infra/nats), an in-process bus with the same subject semantics in the
 * embedded default (infra/bus). Callback style on purpose: the host's event loop is the
 * scarce resource, and a callback per message costs less than an async iterator.
 */
export interface IncomingRequest {
  readonly subject: string;
  readonly payload: Uint8Array;
  /**
   * A request header (`traceparent`, `tracestate`), if the transport carries headers. Never
   * throws: a header block the transport cannot read counts as no headers.
   */
  header(name: string): string | undefined;
  /** Sends the reply; a request without a reply subject ignores it. */
  respond(reply: Uint8Array): void;
}

export interface Serving {
  /** Stops taking new requests; resolves when the transport will deliver no more. */
  drain(): Promise<void>;
}

export interface RequestBus {
  /**
   * Delivers requests on `subject` (NATS wildcards `*` and `>`) to `handler`. Servers in
   * the same `queue` share the requests: each goes to one of them.
   */
  serve(subject: string, queue: string, handler: (request: IncomingRequest) => void): Promise<Serving>;
}

/** The requester's side, for clients and load generators. */
export interface RequestTransport {
  /**
   * Publishes `payload` on `subject` and resolves with the reply bytes, or with
   * `'timeout'` when none came within `timeoutMs`, or `'no_responders'` when nobody serves
   * the subject. Never rejects for those; rejects only when the transport is closed.
   */
  request(
    subject: string,
    payload: Uint8Array,
    options: { readonly timeoutMs: number; readonly headers?: Readonly<Record<string, string>> },
  ): Promise<Uint8Array | 'timeout' | 'no_responders'>;
  close(): Promise<void>;
}
