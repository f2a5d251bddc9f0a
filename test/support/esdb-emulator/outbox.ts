import { once } from 'node:events';
import type { ServerDuplexStream, ServerWritableStream } from '@grpc/grpc-js';
import { asRpcError } from './errors.js';

/** The reply side of a streaming call: writes wait for the client to keep up. */
export interface Outbox<T> {
  /** Aborts when the client cancels or the server shuts down. */
  readonly signal: AbortSignal;
  send(message: T): Promise<void>;
}

type StreamingCall<Req, Res> = ServerWritableStream<Req, Res> | ServerDuplexStream<Req, Res>;

export const outboxFor = <Req, Res>(call: StreamingCall<Req, Res>): Outbox<Res> => {
  const controller = new AbortController();
  const abort = (): void => controller.abort(new Error('the call ended'));
  call.on('cancelled', abort);
  call.on('close', abort);
  return {
    signal: controller.signal,
    send: async (message) => {
      controller.signal.throwIfAborted();
      if (!call.write(message)) await once(call, 'drain', { signal: controller.signal });
    },
  };
};

/**
 * Runs a streaming reply to its end: a clean finish ends the call, a failure becomes the
 * call's status, and a client that went away is simply let go.
 */
export const serveStreaming = <Req, Res>(
  call: StreamingCall<Req, Res>,
  work: (outbox: Outbox<Res>) => Promise<void>,
): void => {
  const outbox = outboxFor(call);
  work(outbox).then(
    () => {
      if (!outbox.signal.aborted) call.end();
    },
    (error: unknown) => {
      if (!outbox.signal.aborted) call.emit('error', asRpcError(error));
    },
  );
};
