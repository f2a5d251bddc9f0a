import { BACKWARDS, END, FORWARDS, type EventStoreDBClient, type StreamingRead } from '@eventstore/db-client';
import {
  StoreUnavailableError,
  comparePositions,
  compileFilter,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
} from '../../../events/store/index.js';
import { validateMaxCount } from '../shared/validate.js';
import { CapturedEvent, captureReadEvents } from './capture.js';
import { isStreamNotFound, toStoreError, type ErrorContext } from './errors.js';
import type { Lifecycle } from './lifecycle.js';
import { toReadPosition, toReadRevision, toStoredEvent } from './mapping.js';

// Errors the client emits after the reader has gone (a late gRPC status on a stream we
// abandoned) have nobody to go to; without a listener Node would crash the process.
const ignoreLateError = (): void => undefined;

/**
 * Yields one client read as stored events, in the order the server sent them.
 *
 * A reader that stops early must not destroy the client's stream: the gRPC call under
 * it would be left with unread data, never finish, and `client.dispose()` waits for
 * every call to finish. So the stream is iterated without destroy-on-return and, when
 * abandoned, cancelled and left flowing so whatever is still in flight drains away.
 */
async function* drain(
  open: () => StreamingRead<unknown>,
  lifecycle: Lifecycle,
  context: ErrorContext & { readonly missingIsEmpty?: boolean },
): AsyncGenerator<StoredEvent> {
  lifecycle.ensureOpen();
  let source: StreamingRead<unknown>;
  try {
    source = open();
  } catch (error) {
    throw toStoreError(error, context);
  }
  captureReadEvents(source);
  source.on('error', ignoreLateError);
  const untrack = lifecycle.trackRead(source);
  const items = source.iterator({ destroyOnReturn: false }) as AsyncIterator<unknown>;
  let completed = false;
  try {
    for (;;) {
      const next = await items.next();
      if (next.done === true) break;
      if (!(next.value instanceof CapturedEvent)) throw new StoreUnavailableError('unexpected item in an EventStoreDB read');
      yield toStoredEvent(next.value);
    }
    completed = true;
  } catch (error) {
    // The client reports a missing stream lazily, as the read's error, once iterated.
    if (context.missingIsEmpty === true && isStreamNotFound(error)) return;
    throw toStoreError(error, context);
  } finally {
    untrack();
    // Also after an error: cancelling a call that already ended does nothing.
    if (!completed) {
      await items.return?.();
      source.resume();
      await source.cancel().catch(ignoreLateError);
    }
  }
}

/** The position of the newest record in `$all`, system or not; 0/0 for an empty log. */
export const headOfLog = async (client: EventStoreDBClient, lifecycle: Lifecycle): Promise<Position> => {
  const newest = drain(() => client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 }), lifecycle, {
    operation: 'read the head of $all',
  });
  for await (const event of newest) return event.position;
  return { commit: 0n, prepare: 0n };
};

export async function* readStreamEvents(
  client: EventStoreDBClient,
  lifecycle: Lifecycle,
  stream: string,
  options: ReadStreamOptions = {},
): AsyncGenerator<StoredEvent> {
  const direction = options.direction ?? 'forwards';
  const maxCount = validateMaxCount(options.maxCount);
  const from = options.from ?? (direction === 'forwards' ? 'start' : 'end');
  if (maxCount === 0 || (direction === 'forwards' && from === 'end')) return;
  const fromRevision = toReadRevision(from);
  yield* drain(
    () =>
      client.readStream(stream, {
        fromRevision,
        direction: direction === 'forwards' ? FORWARDS : BACKWARDS,
        ...(Number.isFinite(maxCount) ? { maxCount } : {}),
      }),
    lifecycle,
    { operation: 'read', stream, missingIsEmpty: true },
  );
}

/**
 * The 6.x client cannot filter a read of `$all` on the server (`readAll` always sends
 * "no filter"), so the filter runs here and `maxCount` counts what passes it. Reads
 * that filter out most of the log cost a full scan; subscriptions filter on the server.
 */
export async function* readAllEvents(
  client: EventStoreDBClient,
  lifecycle: Lifecycle,
  options: ReadAllOptions = {},
): AsyncGenerator<StoredEvent> {
  const direction = options.direction ?? 'forwards';
  const maxCount = validateMaxCount(options.maxCount);
  const matches = compileFilter(options.filter);
  const from = options.from ?? (direction === 'forwards' ? 'start' : 'end');
  if (maxCount === 0 || (direction === 'forwards' && from === 'end')) return;
  const context: ErrorContext = { operation: 'read $all' };
  let yielded = 0;

  // EventStoreDB reads `$all` backwards from the events *before* a position; the port
  // includes the event at it. Fetch that one event forwards, then skip anything at or
  // after the position in the backward read (so a server that includes it is fine too).
  const exclusiveFrom = direction === 'backwards' && typeof from === 'object' ? from : undefined;
  if (exclusiveFrom !== undefined) {
    const atPosition = drain(
      () => client.readAll({ fromPosition: toReadPosition(exclusiveFrom), direction: FORWARDS, maxCount: 1 }),
      lifecycle,
      context,
    );
    for await (const event of atPosition) {
      if (comparePositions(event.position, exclusiveFrom) === 0 && matches(event.stream, event.type)) {
        yield event;
        yielded += 1;
      }
    }
    if (yielded >= maxCount) return;
  }

  const fromPosition = toReadPosition(from);
  for await (const event of drain(
    () => client.readAll({ fromPosition, direction: direction === 'forwards' ? FORWARDS : BACKWARDS }),
    lifecycle,
    context,
  )) {
    if (exclusiveFrom !== undefined && comparePositions(event.position, exclusiveFrom) >= 0) continue;
    if (!matches(event.stream, event.type)) continue;
    yield event;
    yielded += 1;
    if (yielded >= maxCount) return;
  }
}
