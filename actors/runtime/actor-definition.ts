import type { z } from 'zod';
import type { DomainEvent, EventCodec } from '../../events/catalog/index.js';
import type { Command, Decision, DecisionContext, Decider } from './decider.js';
import type { Issuer } from './protocol/issuer.js';

/** One command an actor accepts: the schema its data must pass, and who may send it. */
export interface CommandSpec {
  readonly schema: z.ZodType<Readonly<Record<string, unknown>>>;
  /** Issuer kinds allowed to send it; privileged commands (minting) say `['server']`. */
  readonly issuers?: readonly Issuer['kind'][];
}

/**
 * How a state is written into a snapshot and read back. `version` is the state's
 * schema version: a snapshot of any other version is ignored and the actor is rebuilt
 * from its events.
 */
export interface SnapshotCodec<State> {
  readonly version: number;
  encode(state: State): unknown;
  decode(payload: unknown): State;
}

/** Everything the host needs to run one category of actors. */
export interface ActorDefinition<State, C extends Command, E extends DomainEvent> {
  /** The subject token and stream category: `item` → `mmo.cmd.*.*.item.*.*`, `item-<id>`. */
  readonly category: string;
  readonly decider: Decider<State, C, E>;
  readonly commands: { readonly [Name in C['type']]: CommandSpec };
  readonly events: EventCodec<E>;
  readonly snapshot?: SnapshotCodec<State>;
  /**
   * When set, commands for one actor are collected for this long before they are
   * decided and appended together (guilds: many small actions, one append).
   */
  readonly batchWindowMs?: number;
}

/**
 * A definition with its types erased, so one host can run several categories. The
 * host only ever passes a state back to the definition that produced it, which is
 * what makes the casts below sound.
 */
export interface ActorType {
  readonly category: string;
  readonly commands: Readonly<Record<string, CommandSpec>>;
  readonly batchWindowMs: number;
  readonly snapshot: SnapshotCodec<unknown> | undefined;
  readonly events: EventCodec<DomainEvent>;
  initialState(): unknown;
  evolve(state: unknown, event: DomainEvent): unknown;
  decide(command: Command, state: unknown, context: DecisionContext): Decision<DomainEvent>;
}

export const actorType = <State, C extends Command, E extends DomainEvent>(
  definition: ActorDefinition<State, C, E>,
): ActorType => ({
  category: definition.category,
  commands: definition.commands,
  batchWindowMs: definition.batchWindowMs ?? 0,
  snapshot: definition.snapshot,
  events: definition.events,
  initialState: () => definition.decider.initialState(),
  evolve: (state, event) => definition.decider.evolve(state as State, event as E),
  // The host validated the data against `commands[type].schema` before deciding.
  decide: (command, state, context) => definition.decider.decide(command as C, state as State, context),
});
