import { Events, type NatsConnection } from 'nats';
import type { NotificationSubscriber } from '../../projections/read-cache/index.js';

/**
 * The read-through cache's subscriber on NATS: one core subscription per pattern, with a
 * callback (no iterator between the socket and the cache). `subscribe` resolves after a
 * flush, once the server has the subscription. Core NATS keeps nothing for a client that
 * is away, so a disconnection and the reconnection after it are both reported as
 * interruptions: whatever was published meanwhile is lost, and the cache starts over.
 */
export const createNatsSubscriber = (connection: NatsConnection): NotificationSubscriber => ({
  subscribe: async (subjectPattern, handler) => {
    const subscription = connection.subscribe(subjectPattern, {
      callback: (error, message) => {
        if (error === null) handler({ subject: message.subject, payload: message.data });
      },
    });
    await connection.flush();
    return () => {
      if (!connection.isClosed()) subscription.unsubscribe();
    };
  },
  onInterrupted: (listener) => {
    let listening = true;
    const statuses = connection.status();
    void (async () => {
      for await (const status of statuses) {
        if (!listening) break;
        if (status.type === Events.Disconnect || status.type === Events.Reconnect) listener();
      }
    })();
    return () => {
      listening = false;
    };
  },
});
