import { Events, type NatsConnection } from 'nats';

/**
 * Asks nats-server itself whether a connection may publish or subscribe on a subject. The
 * server answers a forbidden PUB or SUB with `-ERR 'Permissions Violation …'` before the
 * PONG of the flush that follows, and nats.js reports it as an error status naming the
 * operation and the subject; a flush that comes back without one means it was allowed.
 */
export type Verdict = 'denied' | 'allowed';

export interface PermissionProbe {
  publish(subject: string, options?: { readonly reply?: string; readonly payload?: Uint8Array }): Promise<Verdict>;
  /** Subscribes (and keeps the subscription when allowed); `queue` joins a queue group. */
  subscribe(subject: string, queue?: string): Promise<Verdict>;
  /** Every permission violation the server reported on this connection. */
  readonly violations: readonly string[];
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

export const probePermissions = (nc: NatsConnection): PermissionProbe => {
  const violations: string[] = [];
  void (async () => {
    for await (const status of nc.status()) {
      const context = (status as { permissionContext?: { operation: string; subject: string; queue?: string } }).permissionContext;
      if (status.type === Events.Error && context !== undefined) {
        violations.push(`${context.operation} ${context.subject}${context.queue === undefined ? '' : ` ${context.queue}`}`);
      }
    }
  })();
  const verdict = async (entry: string): Promise<Verdict> => {
    const before = violations.length;
    await nc.flush();
    // The status iterator hands the error over a turn after the PONG was read.
    for (let turn = 0; turn < 20 && !violations.slice(before).includes(entry); turn += 1) await settle();
    return violations.slice(before).includes(entry) ? 'denied' : 'allowed';
  };
  return {
    violations,
    publish: (subject, options = {}) => {
      nc.publish(subject, options.payload ?? new Uint8Array(), options.reply === undefined ? {} : { reply: options.reply });
      return verdict(`publish ${subject}`);
    },
    subscribe: (subject, queue) => {
      nc.subscribe(subject, { ...(queue === undefined ? {} : { queue }), callback: () => undefined });
      return verdict(`subscription ${subject}${queue === undefined ? '' : ` ${queue}`}`);
    },
  };
};
