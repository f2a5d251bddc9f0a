import type { Notification, Notifier } from '../../projections/runner/index.js';
import { isPublishSubject, matchesPattern, parsePattern, type SubjectPattern } from '../bus/subjects.js';

/**
 * The notifier of the one-process default: what NATS subscribers would receive, delivered
 * in-process with NATS's subject rules (`*` one token, `>` the rest). Delivery happens
 * during `publish`, in publish order, to every matching subscriber.
 */
export type NotificationHandler = (notification: Notification) => void | Promise<void>;

export interface EmbeddedNotifier extends Notifier {
  /** Returns the unsubscribe function. Throws for an invalid pattern, as nats-server would refuse it. */
  subscribe(subjectPattern: string, handler: NotificationHandler): () => void;
}

export interface EmbeddedNotifierOptions {
  /** A handler that throws or rejects never fails the publisher; it is reported here. Default: console.error. */
  readonly onHandlerError?: (error: unknown, subject: string) => void;
}

interface Subscriber {
  readonly pattern: SubjectPattern;
  readonly handler: NotificationHandler;
}

export const createEmbeddedNotifier = (options: EmbeddedNotifierOptions = {}): EmbeddedNotifier => {
  const onHandlerError =
    options.onHandlerError ?? ((error, subject) => console.error(`notification handler for ${subject} failed:`, error));
  const subscribers = new Set<Subscriber>();

  const deliver = (subscriber: Subscriber, notification: Notification): void => {
    try {
      const outcome = subscriber.handler(notification);
      if (outcome instanceof Promise) outcome.catch((error: unknown) => onHandlerError(error, notification.subject));
    } catch (error) {
      onHandlerError(error, notification.subject);
    }
  };

  return {
    publish: async (notifications) => {
      for (const notification of notifications) {
        if (!isPublishSubject(notification.subject)) throw new Error(`invalid publish subject ${JSON.stringify(notification.subject)}`);
      }
      for (const notification of notifications) {
        const tokens = notification.subject.split('.');
        // A copy of the set: a handler may unsubscribe (itself or others) while it runs.
        for (const subscriber of [...subscribers]) {
          if (subscribers.has(subscriber) && matchesPattern(subscriber.pattern, tokens)) deliver(subscriber, notification);
        }
      }
    },
    subscribe: (subjectPattern, handler) => {
      const subscriber: Subscriber = { pattern: parsePattern(subjectPattern), handler };
      subscribers.add(subscriber);
      return () => {
        subscribers.delete(subscriber);
      };
    },
  };
};
