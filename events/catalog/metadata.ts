/**
 * What every event carries besides its data: who caused it and why. The command id
 * travels here so that idempotency survives passivation, restarts and failover: an
 * actor rebuilt from its stream knows which commands it has already applied.
 */
export interface EventMetadata {
  /** The event's own UUID; equal to the stored event id. */
  readonly eventId: string;
  /** The command that produced the event; absent for events no command caused. */
  readonly commandId?: string;
  /** Groups everything one request set off (a trade's steps share it). */
  readonly correlationId: string;
  /** The id of the command or event that directly led to this one. */
  readonly causationId?: string;
  /** Game time the decider was given, not the store's clock. */
  readonly occurredAt: Date;
  /** Who issued the command, as the transport authenticated it (`player:<id>`, `server:<name>`). */
  readonly issuer?: string;
  /**
   * The command itself, on the first event it produced only: its name and its data as
   * the host validated them. Lets an audit decide the log's commands again with a new
   * version of a decider (shadow replay).
   */
  readonly command?: RecordedCommand;
  /** W3C trace context, so a trace can follow a command into the log. */
  readonly traceparent?: string;
  readonly tracestate?: string;
}

export interface RecordedCommand {
  readonly name: string;
  readonly data: Readonly<Record<string, unknown>>;
}
