import type { DomainEvent, EventMetadata } from '../../events/catalog/index.js';
import type { ProposedEvent } from '../../events/store/index.js';
import type { ActorType } from './actor-definition.js';
import { createAppliedCommands, singleEventList, type AppliedCommands } from './applied-commands.js';
import type { Command, DecisionContext } from './decider.js';
import type { CommandReply } from './protocol/reply.js';
import type { Issuer } from './protocol/issuer.js';

/** A validated command waiting in an actor's mailbox. */
export interface PendingCommand {
  readonly command: Command;
  readonly commandId: string;
  readonly issuer: Issuer;
  readonly correlationId: string;
  readonly causationId?: string;
  readonly traceparent?: string;
  readonly tracestate?: string;
  readonly receivedAt: Date;
  readonly reply: (reply: CommandReply) => void;
}

/**
 * One resident actor: its state as of `revision`, its mailbox, and the commands it has
 * applied. Only the host's drain loop touches it, one batch at a time.
 */
export interface ActorCell {
  readonly type: ActorType;
  readonly id: string;
  readonly stream: string;
  state: unknown;
  /** Revision of the last event folded into `state`; -1n for an empty stream. */
  revision: bigint;
  applied: AppliedCommands;
  /** Revision of the last snapshot written or loaded; -1n for none. */
  snapshotRevision: bigint;
  loaded: boolean;
  readonly mailbox: PendingCommand[];
  draining: boolean;
}

export const createCell = (type: ActorType, id: string, idempotencyWindow: number): ActorCell => ({
  type,
  id,
  stream: `${type.category}-${id}`,
  state: type.initialState(),
  revision: -1n,
  applied: createAppliedCommands(idempotencyWindow),
  snapshotRevision: -1n,
  loaded: false,
  mailbox: [],
  draining: false,
});

/** The outcome of deciding one pending command inside a batch. */
export type BatchOutcome =
  | {
      readonly kind: 'decided';
      readonly eventTypes: readonly string[];
      readonly lastIndex: number;
      readonly result: Readonly<Record<string, unknown>> | undefined;
    }
  | { readonly kind: 'duplicate'; readonly revision: bigint; readonly eventTypes: readonly string[] }
  | { readonly kind: 'repeat'; readonly of: number }
  | { readonly kind: 'rejected'; readonly reply: CommandReply };

export interface DecidedBatch {
  readonly state: unknown;
  readonly events: readonly ProposedEvent[];
  /** The type of each event in `events`, in order. */
  readonly eventTypes: readonly string[];
  readonly outcomes: readonly BatchOutcome[];
  /** The command of each event in `events`, in order. */
  readonly commandIds: readonly string[];
}

/**
 * Decides every pending command against the state its predecessors in the batch
 * produced. Pure apart from the ids and entropy it is handed.
 */
export const decideBatch = (
  cell: ActorCell,
  batch: readonly PendingCommand[],
  newEventId: () => string,
  entropy: () => Uint8Array,
): DecidedBatch => {
  let state = cell.state;
  // Most batches append one event: the list starts as a literal of it, with room for one.
  let events: ProposedEvent[] | undefined;
  // One outcome per command, in place: most batches hold a single command, and an array
  // grown by push starts with room for 17.
  const outcomes = new Array<BatchOutcome>(batch.length);
  // Only a batch of several commands can repeat one; most batches hold a single command.
  const firstInBatch = batch.length > 1 ? new Map<string, number>() : undefined;

  // A plain loop and a context class: this runs per command, and a closure per batch or an
  // object literal with a getter per command (a new accessor pair each time) shows in profiles.
  for (let index = 0; index < batch.length; index += 1) {
    const pending = batch[index] as PendingCommand;
    const applied = cell.applied.get(pending.commandId);
    if (applied !== undefined) {
      outcomes[index] = { kind: 'duplicate', revision: applied.revision, eventTypes: applied.events };
      continue;
    }
    const earlier = firstInBatch?.get(pending.commandId);
    if (earlier !== undefined) {
      outcomes[index] = { kind: 'repeat', of: earlier };
      continue;
    }
    firstInBatch?.set(pending.commandId, index);

    const context = new HostDecisionContext(cell.id, pending, entropy);
    const decision = cell.type.decide(pending.command, state, context);
    if (!decision.ok) {
      outcomes[index] = { kind: 'rejected', reply: { ok: false, error: decision.rejection } };
      continue;
    }
    const decided = decision.events;
    for (let at = 0; at < decided.length; at += 1) {
      const event = decided[at] as DomainEvent;
      state = cell.type.evolve(state, event);
      const encoded = cell.type.events.encode(event, metadataFor(pending, newEventId(), at === 0));
      if (events === undefined) events = [encoded];
      else events.push(encoded);
    }
    // The common command appends one event: its list of types is shared, not built.
    const types = decided.length === 1 ? singleEventList((decided[0] as DomainEvent).type) : decided.map((event) => event.type);
    outcomes[index] = { kind: 'decided', eventTypes: types, lastIndex: (events?.length ?? 0) - 1, result: decision.result };
  }

  return new Decided(state, events ?? [], outcomes, batch);
};

/**
 * A decided batch; the per-event lists are derived from the outcomes when asked for
 * (the host walks the outcomes instead), so a batch builds no arrays it does not need.
 */
class Decided implements DecidedBatch {
  constructor(
    readonly state: unknown,
    readonly events: readonly ProposedEvent[],
    readonly outcomes: readonly BatchOutcome[],
    private readonly batch: readonly PendingCommand[],
  ) {}

  get eventTypes(): readonly string[] {
    const types: string[] = [];
    forEachDecidedEvent(this, this.batch, (_commandId, _index, type) => types.push(type));
    return types;
  }

  get commandIds(): readonly string[] {
    const ids: string[] = [];
    forEachDecidedEvent(this, this.batch, (commandId) => ids.push(commandId));
    return ids;
  }
}

/** Calls `visit` for each event of a decided batch, in order: its command, its index in `events`, its type. */
export const forEachDecidedEvent = (
  decided: DecidedBatch,
  batch: readonly PendingCommand[],
  visit: (commandId: string, index: number, eventType: string) => void,
): void => {
  const { outcomes } = decided;
  for (let index = 0; index < outcomes.length; index += 1) {
    const outcome = outcomes[index] as BatchOutcome;
    if (outcome.kind !== 'decided') continue;
    const types = outcome.eventTypes;
    const first = outcome.lastIndex - types.length + 1;
    const commandId = (batch[index] as PendingCommand).commandId;
    for (let at = 0; at < types.length; at += 1) visit(commandId, first + at, types[at] as string);
  }
};

/** The context of one command: entropy is drawn on first use only, once per command. */
class HostDecisionContext implements DecisionContext {
  readonly actorId: string;
  readonly commandId: string;
  readonly issuer: PendingCommand['issuer'];
  readonly now: Date;
  #entropy: Uint8Array | undefined;
  readonly #draw: () => Uint8Array;

  constructor(actorId: string, pending: PendingCommand, draw: () => Uint8Array) {
    this.actorId = actorId;
    this.commandId = pending.commandId;
    this.issuer = pending.issuer;
    this.now = pending.receivedAt;
    this.#draw = draw;
  }

  get entropy(): Uint8Array {
    this.#entropy ??= this.#draw();
    return this.#entropy;
  }
}

/** The first event of a command also records the command, for shadow replays of the log. */
const metadataFor = (pending: PendingCommand, eventId: string, first: boolean): EventMetadata => {
  const metadata: { -readonly [K in keyof EventMetadata]: EventMetadata[K] } = {
    eventId,
    commandId: pending.commandId,
    correlationId: pending.correlationId,
    causationId: pending.causationId ?? pending.commandId,
    occurredAt: pending.receivedAt,
    issuer: `${pending.issuer.kind}:${pending.issuer.id}`,
  };
  if (first) metadata.command = { name: pending.command.type, data: pending.command.data as Readonly<Record<string, unknown>> };
  if (pending.traceparent !== undefined) metadata.traceparent = pending.traceparent;
  if (pending.tracestate !== undefined) metadata.tracestate = pending.tracestate;
  return metadata;
};

/** Folds one event read from the stream into the cell, remembering its command. */
export const foldRecorded = (cell: ActorCell, event: DomainEvent, revision: bigint, commandId: string | undefined): void => {
  cell.state = cell.type.evolve(cell.state, event);
  cell.revision = revision;
  if (commandId !== undefined) cell.applied.record(commandId, revision, event.type);
};
