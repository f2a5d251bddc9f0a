import { randomUUID } from 'node:crypto';
import type { ProposedEvent, StoredEvent, Subscription, SubscriptionMessage } from '../../events/store/index.js';

const encoder = new TextEncoder();

/** A stream-name prefix no other test (or earlier run against a shared server) uses. */
export const uniquePrefix = (label = 't'): string => `${label}${randomUUID().replaceAll('-', '').slice(0, 16)}`;

export const proposed = (type = 'TestHappened.v1', body = ''): ProposedEvent => ({
  id: randomUUID(),
  type,
  data: encoder.encode(body === '' ? `{"n":${Math.random()}}` : body),
  metadata: encoder.encode('{}'),
});

export const proposedMany = (count: number, type?: string): ProposedEvent[] =>
  Array.from({ length: count }, (_, index) => proposed(type, `{"i":${index}}`));

export const toArray = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const result: T[] = [];
  for await (const item of items) result.push(item);
  return result;
};

export const ids = (events: readonly Pick<StoredEvent, 'id'>[]): string[] => events.map((event) => event.id);

/**
 * Reads a subscription until `done` says so, failing after `timeoutMs` rather than
 * hanging the suite. Leaves the subscription open for the caller to close or reuse.
 */
export const takeUntil = async (
  subscription: Subscription,
  done: (received: readonly SubscriptionMessage[]) => boolean,
  timeoutMs = 5_000,
): Promise<SubscriptionMessage[]> => {
  const received: SubscriptionMessage[] = [];
  const iterator = subscription[Symbol.asyncIterator]();
  const deadline = Date.now() + timeoutMs;
  while (!done(received)) {
    const remaining = deadline - Date.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), Math.max(0, remaining));
    });
    const next = await Promise.race([iterator.next(), timeout]);
    clearTimeout(timer);
    if (next === 'timeout') {
      throw new Error(`subscription: condition not met within ${timeoutMs} ms after ${received.length} messages`);
    }
    if (next.done === true) break;
    received.push(next.value);
  }
  return received;
};

export const eventsOf = (messages: readonly SubscriptionMessage[]): StoredEvent[] =>
  messages.flatMap((message) => (message.kind === 'event' ? [message.event] : []));
