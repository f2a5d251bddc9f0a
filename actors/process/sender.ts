import type { CommandReply } from '../runtime/protocol/reply.js';

/**
 * How a process manager sends commands to other actors: the typed command client in
 * production (infra/client), over NATS or the embedded bus. Declared here, where it is
 * needed; the sender speaks as a trusted server, and never rejects (every failure,
 * transport ones included, comes back as a reply).
 */
export interface OutgoingCommand {
  readonly category: string;
  readonly actorId: string;
  readonly command: string;
  readonly data: Readonly<Record<string, unknown>>;
  /** Derived from the step, so a step repeated after a crash is the same command. */
  readonly commandId: string;
  /** The trade or auction id: every event the step causes can be traced back to it. */
  readonly correlationId: string;
}

export interface CommandSender {
  send(command: OutgoingCommand): Promise<CommandReply>;
}
