/**
 * W3C trace context as the protocol carries it, in the NATS headers `traceparent` and
 * `tracestate`. The host records them in the events' metadata, so it keeps only values of
 * their documented shape: anything else is dropped (W3C: a receiver ignores a malformed
 * trace context, it does not refuse the request), and a client checks them before sending.
 */
export const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;
/** Printable ASCII without CR/LF (a header value), bounded as W3C suggests. */
export const TRACESTATE = /^[\x20-\x7e]{0,512}$/;

export const isTraceparent = (value: string): boolean => TRACEPARENT.test(value);
export const isTracestate = (value: string): boolean => TRACESTATE.test(value);
