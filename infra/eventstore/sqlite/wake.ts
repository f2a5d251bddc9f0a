/**
 * In-process wake-ups for live subscriptions. Every store opened on the same file in
 * this process shares one channel, so an append through one store object wakes the
 * subscribers of another at once; appends by other processes are only seen by polling.
 */
const channels = new Map<string, Set<() => void>>();

/** Calls `listener` after every committed append to the file at `key`; returns the unsubscribe. */
export const listenForAppends = (key: string, listener: () => void): (() => void) => {
  let listeners = channels.get(key);
  if (listeners === undefined) {
    listeners = new Set();
    channels.set(key, listeners);
  }
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && channels.get(key) === listeners) channels.delete(key);
  };
};

export const announceAppend = (key: string): void => {
  const listeners = channels.get(key);
  if (listeners === undefined) return;
  for (const listener of listeners) listener();
};
