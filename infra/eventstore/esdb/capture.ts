import { Transform, type TransformCallback } from 'node:stream';
import type { ResolvedEvent } from '@eventstore/db-client';

/*
 * Why this file exists: the 6.x client decodes an event's custom metadata as JSON
 * whenever the bytes happen to parse (`{}`, `1`, `"x"` all do), and hands back the
 * parsed value instead of the bytes. Our port stores opaque bytes, so the adapter
 * takes `data` and `metadata` from the gRPC message itself. The client's read and
 * subscription streams are `Transform`s whose `_transform(resp: ReadResp, …)` is public
 * in its typings; wrapping it on the instance gives us each raw message next to the
 * client's own conversion, in order, without re-implementing the protocol.
 */

/** An event as the client converted it, with the exact bytes the server sent. */
export class CapturedEvent {
  constructor(
    readonly resolved: ResolvedEvent,
    readonly data: Uint8Array,
    readonly metadata: Uint8Array,
  ) {}
}

/** The parts of the generated `ReadResp` this file reads. */
interface RawRecordedEvent {
  getData_asU8(): Uint8Array;
  getCustomMetadata_asU8(): Uint8Array;
}
interface RawReadResp {
  hasEvent(): boolean;
  getEvent(): { getEvent(): RawRecordedEvent | undefined } | undefined;
}

const isRawReadResp = (chunk: unknown): chunk is RawReadResp =>
  typeof chunk === 'object' &&
  chunk !== null &&
  typeof (chunk as { hasEvent?: unknown }).hasEvent === 'function' &&
  typeof (chunk as { getEvent?: unknown }).getEvent === 'function';

const rawRecordOf = (chunk: unknown): RawRecordedEvent | undefined =>
  isRawReadResp(chunk) && chunk.hasEvent() ? chunk.getEvent()?.getEvent() : undefined;

const isResolvedEvent = (value: unknown): value is ResolvedEvent =>
  typeof value === 'object' && value !== null && 'event' in value;

/**
 * Receives what the client's `_transform` produced for one gRPC message: an error, a
 * `CapturedEvent`, or nothing (confirmations, checkpoints, "caught up"). `next` passes
 * a value on to the stream's readable side, or nothing.
 */
export type Interceptor = (
  error: Error | null | undefined,
  captured: CapturedEvent | undefined,
  next: TransformCallback,
) => void;

type TransformMethod = (chunk: unknown, encoding: BufferEncoding, callback: TransformCallback) => unknown;

export const interceptEvents = (source: object, interceptor: Interceptor): void => {
  if (!(source instanceof Transform)) {
    throw new TypeError('@eventstore/db-client no longer returns a Transform: review infra/eventstore/esdb/capture.ts');
  }
  const target = source as unknown as { _transform: TransformMethod };
  const original = target._transform;
  target._transform = function (this: Transform, chunk, encoding, callback) {
    const raw = rawRecordOf(chunk);
    return original.call(this, chunk, encoding, (error?: Error | null, value?: unknown) => {
      if (error !== null && error !== undefined) {
        interceptor(error, undefined, callback);
        return;
      }
      if (value === null || value === undefined) {
        interceptor(undefined, undefined, callback);
        return;
      }
      if (raw === undefined || !isResolvedEvent(value)) {
        // Never drop an event silently: a client upgrade that breaks this must fail loudly.
        interceptor(new Error('cannot pair an event from @eventstore/db-client with its gRPC message'), undefined, callback);
        return;
      }
      // Copies: the views point into the whole gRPC frame, which they would keep alive.
      const captured = new CapturedEvent(
        value,
        new Uint8Array(raw.getData_asU8()),
        new Uint8Array(raw.getCustomMetadata_asU8()),
      );
      interceptor(undefined, captured, callback);
    });
  };
};

/** For plain reads: every event goes on to the readable side, captured. */
export const captureReadEvents = (source: object): void =>
  interceptEvents(source, (error, captured, next) => {
    if (error !== null && error !== undefined) next(error);
    else next(null, captured);
  });
