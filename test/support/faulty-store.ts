import { StoreUnavailableError, type EventStore } from '../../events/store/index.js';

/**
 * An event store whose appends to chosen streams fail, the way a store that lost its
 * disk or its connection fails: the append throws and writes nothing. Reads keep
 * working. For tests of what a failed leg leaves behind.
 */
export interface FaultyStore extends EventStore {
  /** Appends to streams matching `stream` fail until `heal()`. */
  failAppends(stream: (name: string) => boolean): void;
  heal(): void;
  readonly failedAppends: number;
}

export const withFaults = (store: EventStore): FaultyStore => {
  let failing: ((name: string) => boolean) | undefined;
  let failedAppends = 0;
  return {
    append: (stream, events, options) => {
      if (failing?.(stream) === true) {
        failedAppends += 1;
        return Promise.reject(new StoreUnavailableError(`injected failure appending to ${stream}`));
      }
      return store.append(stream, events, options);
    },
    read: (stream, options) => store.read(stream, options),
    readAll: (options) => store.readAll(options),
    subscribeAll: (options) => store.subscribeAll(options),
    close: () => store.close(),
    failAppends: (stream) => (failing = stream),
    heal: () => (failing = undefined),
    get failedAppends() {
      return failedAppends;
    },
  };
};
