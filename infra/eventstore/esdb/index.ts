import { EventStoreDBClient } from '@eventstore/db-client';
import { StoreRequestError, type EventStore } from '../../../events/store/index.js';
import { appendEvents } from './append.js';
import { createLifecycle } from './lifecycle.js';
import { readAllEvents, readStreamEvents } from './read.js';
import { subscribeToAllEvents } from './subscribe.js';

export type EsdbEventStoreOptions =
  /** The store creates the client and disposes of it on `close()`. */
  | { readonly connectionString: string }
  /** The caller's client: `close()` ends this store's reads and subscriptions, not the client. */
  | { readonly client: EventStoreDBClient };

// With it, failed appends resolve instead of throwing, and on the BatchAppend path
// the revision they report is wrong (a 6.x client bug): refuse it up front.
const LENIENT_APPENDS = /[?&]throwOnAppendFailure=false(?:&|$)/i;

const clientFrom = (connectionString: string): EventStoreDBClient => {
  if (LENIENT_APPENDS.test(connectionString)) {
    throw new StoreRequestError('EventStoreDB connection string: throwOnAppendFailure=false is not supported');
  }
  try {
    return EventStoreDBClient.connectionString(connectionString);
  } catch (error) {
    // The message may quote the string; it is the caller's own configuration.
    const reason = error instanceof Error ? error.message : String(error);
    throw new StoreRequestError(`invalid EventStoreDB connection string: ${reason}`, { cause: error });
  }
};

/**
 * The production event store: EventStoreDB through `@eventstore/db-client` 6.x.
 * Connects lazily, on the first operation; a server that cannot be reached surfaces
 * as `StoreUnavailableError` from that operation.
 */
export const createEsdbEventStore = (options: EsdbEventStoreOptions): EventStore => {
  const owned = 'connectionString' in options;
  const client = owned ? clientFrom(options.connectionString) : options.client;
  const lifecycle = createLifecycle();
  let closing: Promise<void> | undefined;

  return {
    append: (stream, events, appendOptions) => appendEvents(client, lifecycle, stream, events, appendOptions),
    read: (stream, readOptions) => readStreamEvents(client, lifecycle, stream, readOptions),
    readAll: (readOptions) => readAllEvents(client, lifecycle, readOptions),
    subscribeAll: (subscribeOptions) => subscribeToAllEvents(client, lifecycle, subscribeOptions),
    close: () => {
      closing ??= (async () => {
        await lifecycle.closeAll();
        if (owned) await client.dispose();
      })();
      return closing;
    },
  };
};
