import type { NatsConnection } from 'nats';
import type { Notifier } from '../../projections/runner/index.js';

/**
 * Publishes the runner's notifications on NATS, in order, on one connection (NATS keeps a
 * publisher's order per subject). Publishing only hands the bytes to the client's buffer;
 * a closed connection throws, and the runner retries the batch's notifications.
 */
export const createNatsNotifier = (connection: NatsConnection): Notifier => ({
  publish: async (notifications) => {
    for (const notification of notifications) connection.publish(notification.subject, notification.payload);
  },
});
