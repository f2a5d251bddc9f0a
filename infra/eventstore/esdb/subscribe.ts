import type { AllStreamSubscription, EventStoreDBClient } from '@eventstore/db-client';
import {
  StoreUnavailableError,
  compileFilter,
  type SubscribeAllOptions,
  type Subscription,
  type SubscriptionMessage,
} from '../../../events/store/index.js';
import { interceptEvents } from './capture.js';
import { toStoreError } from './errors.js';
import type { Lifecycle } from './lifecycle.js';
import { MessageQueue } from './queue.js';
import { checkpointMultiplier, toClientFilter, toPosition, toReadPosition, toStoredEvent } from './mapping.js';

/** Messages a subscription holds for a slow reader before it stalls the server. */
const HIGH_WATER = 256;

const ignore = (): void => undefined;

/**
 * `$all` from `from` (exclusive, as the server does it), filtered on the server so that
 * checkpoints flow even while nothing matches.
 *
 * The client reports the three kinds of message three ways: events through its
 * converter, "caught up" as an emitted event, checkpoints through an awaited callback.
 * All three happen inside its `_transform`, one gRPC message at a time, so pushing them
 * into one queue from there keeps the server's order. Reading the client's readable side
 * would not: "caught up" and checkpoints would overtake events still buffered there.
 */
export const subscribeToAllEvents = (
  client: EventStoreDBClient,
  lifecycle: Lifecycle,
  options: SubscribeAllOptions = {},
): Subscription => {
  const queue = new MessageQueue<SubscriptionMessage>(HIGH_WATER);
  const matches = compileFilter(options.filter);
  const context = { operation: 'subscribe to $all' };
  let source: AllStreamSubscription | undefined;

  let releasing: Promise<void> | undefined;
  const release = (): Promise<void> => {
    releasing ??= (async () => {
      untrack();
      if (source === undefined) return;
      // unsubscribe() cancels the gRPC call; the Node stream on top must be ended too.
      await source.unsubscribe().catch(ignore);
      source.destroy();
    })();
    return releasing;
  };
  const close = async (): Promise<void> => {
    queue.finish();
    await release();
  };
  const untrack = lifecycle.trackSubscription(close);

  try {
    lifecycle.ensureOpen();
    const filter = toClientFilter(options.filter, checkpointMultiplier(options.checkpointInterval), (_, position) =>
      queue.push({ kind: 'checkpoint', position: toPosition(position) }),
    );
    source = client.subscribeToAll({ fromPosition: toReadPosition(options.from ?? 'start'), filter });
  } catch (error) {
    queue.fail(toStoreError(error, context));
    void release();
  }

  if (source !== undefined) {
    interceptEvents(source, (error, captured, next) => {
      if (error !== null && error !== undefined) {
        next(error);
        return;
      }
      if (captured !== undefined) {
        try {
          const event = toStoredEvent(captured);
          // The server filter lets `$` types through on a stream-name filter; ours never does.
          if (matches(event.stream, event.type)) queue.push({ kind: 'event', event });
        } catch (conversionError) {
          next(conversionError instanceof Error ? conversionError : new Error(String(conversionError)));
          return;
        }
      }
      // Nothing goes to the readable side; holding the callback is what stalls the stream.
      queue.whenRoom(() => next());
    });
    source.on('caughtUp', () => queue.push({ kind: 'caught_up' }));
    source.on('error', (error: Error) => {
      queue.fail(toStoreError(error, context));
      void release();
    });
    source.on('end', () => {
      queue.fail(new StoreUnavailableError('EventStoreDB ended the subscription to $all'));
      void release();
    });
    // Flowing, so that the end of the server's stream is noticed; no data ever comes out.
    source.resume();
  }

  const iterator: AsyncIterableIterator<SubscriptionMessage> = {
    next: () => queue.next(),
    return: async () => {
      await close();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return {
    // One reader: every loop over the subscription continues the same stream.
    [Symbol.asyncIterator]: () => iterator,
    close,
  };
};
