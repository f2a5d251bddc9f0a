import type { DomainEvent } from '../../events/catalog/index.js';
import type { Issuer } from './protocol/issuer.js';
import type { ErrorCode } from './protocol/error-codes.js';

/**
 * What a decider is given besides the command and the state. Deciders are pure: the
 * clock, the caller's identity and any randomness arrive here, chosen by the host.
 */
export interface DecisionContext {
  readonly actorId: string;
  readonly commandId: string;
  readonly issuer: Issuer;
  /** Host time when the command was received; the same for every event it produces. */
  readonly now: Date;
  /** 32 fresh bytes from a CSPRNG, for ids and tokens a decider must mint. */
  readonly entropy: Uint8Array;
}

/** A command a decider refuses: a stable code for machines, a sentence for people. */
export interface Rejection {
  readonly code: ErrorCode;
  readonly message: string;
}

/**
 * What a decider answers. `result` goes back to the caller in the reply and is never
 * stored (a login's session token): the retry of a command already applied gets the
 * original revision and events, but no result.
 */
export type Decision<E extends DomainEvent> =
  | { readonly ok: true; readonly events: readonly E[]; readonly result?: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly rejection: Rejection };

export const accept = <E extends DomainEvent>(...events: E[]): Decision<E> => ({ ok: true, events });
export const acceptWith = <E extends DomainEvent>(result: Readonly<Record<string, unknown>>, ...events: E[]): Decision<E> => ({
  ok: true,
  events,
  result,
});
export const reject = (code: ErrorCode, message: string): Decision<never> => ({ ok: false, rejection: { code, message } });

/** A command as a decider sees it: its name and its validated data. */
export interface Command<Name extends string = string, Data = unknown> {
  readonly type: Name;
  readonly data: Data;
}

/**
 * An actor's behaviour: pure functions from commands and past events to new events.
 * `evolve` never throws and ignores events that do not fit the state; `decide` is total.
 */
export interface Decider<State, C extends Command, E extends DomainEvent> {
  initialState(): State;
  evolve(state: State, event: E): State;
  decide(command: C, state: State, context: DecisionContext): Decision<E>;
}
