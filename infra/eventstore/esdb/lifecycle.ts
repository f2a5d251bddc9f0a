import type { Readable } from 'node:stream';
import { StoreUnavailableError } from '../../../events/store/index.js';

/**
 * What `close()` must end. The client's `dispose()` cancels its gRPC calls but never
 * ends the Node streams on top of them, so a reader or subscriber would wait forever:
 * the adapter ends them itself, with an error readers can recognise.
 */
export interface Lifecycle {
  readonly isClosed: () => boolean;
  /** Throws when the store is closed; call before starting any operation. */
  readonly ensureOpen: () => void;
  /** Registers an open read; the returned function unregisters it. */
  readonly trackRead: (source: Readable) => () => void;
  /** Registers a subscription's closer; the returned function unregisters it. */
  readonly trackSubscription: (close: () => Promise<void>) => () => void;
  /** Ends every tracked read and subscription. */
  readonly closeAll: () => Promise<void>;
}

export const createLifecycle = (): Lifecycle => {
  let closed = false;
  const reads = new Set<Readable>();
  const subscriptions = new Set<() => Promise<void>>();
  return {
    isClosed: () => closed,
    ensureOpen: () => {
      if (closed) throw new StoreUnavailableError('the EventStoreDB store is closed');
    },
    trackRead: (source) => {
      reads.add(source);
      return () => reads.delete(source);
    },
    trackSubscription: (close) => {
      subscriptions.add(close);
      return () => subscriptions.delete(close);
    },
    closeAll: async () => {
      closed = true;
      for (const source of reads) source.destroy(new StoreUnavailableError('the EventStoreDB store was closed during a read'));
      reads.clear();
      const closing = [...subscriptions].map((close) => close());
      subscriptions.clear();
      await Promise.allSettled(closing);
    },
  };
};
