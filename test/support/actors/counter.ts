import { z } from 'zod';
import { createEventCodec, createEventRegistry, type DomainEvent } from '../../../events/catalog/index.js';
import { actorType, type ActorDefinition } from '../../../actors/runtime/actor-definition.js';
import { accept, acceptWith, reject, type Command, type Decider } from '../../../actors/runtime/decider.js';

/**
 * A small actor for testing the runtime: a balance that can be added to and taken
 * from, never below zero; `mark` appends an event carrying the issuer and fresh entropy.
 */
export type CounterEvent =
  | DomainEvent<'Added', { readonly amount: number }>
  | DomainEvent<'Taken', { readonly amount: number }>
  | DomainEvent<'Marked', { readonly by: string; readonly nonce: string; readonly at: number }>;

export type CounterCommand =
  | Command<'add', { readonly amount: number }>
  | Command<'take', { readonly amount: number }>
  | Command<'mark', Record<string, never>>
  | Command<'reset', Record<string, never>>;

export interface CounterState {
  readonly total: number;
  readonly history: readonly number[];
}

export const counterDecider: Decider<CounterState, CounterCommand, CounterEvent> = {
  initialState: () => ({ total: 0, history: [] }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'Added':
        return { total: state.total + event.data.amount, history: [...state.history, event.data.amount] };
      case 'Taken':
        return { total: state.total - event.data.amount, history: [...state.history, -event.data.amount] };
      case 'Marked':
        return state;
    }
  },
  decide: (command, state, context) => {
    switch (command.type) {
      case 'add':
        return accept({ type: 'Added', data: { amount: command.data.amount } });
      case 'take':
        if (command.data.amount > state.total) return reject('REJECTED', `only ${state.total} left`);
        return accept({ type: 'Taken', data: { amount: command.data.amount } });
      case 'mark': {
        const nonce = Buffer.from(context.entropy).toString('hex');
        return acceptWith(
          { nonce },
          { type: 'Marked', data: { by: `${context.issuer.kind}:${context.issuer.id}`, nonce, at: context.now.getTime() } },
        );
      }
      case 'reset':
        return state.total === 0 ? accept() : accept({ type: 'Taken', data: { amount: state.total } });
    }
  },
};

const Amount = z.strictObject({ amount: z.number().int().positive().max(1_000_000) });
const Empty = z.strictObject({});

export const counterEvents = createEventCodec(
  createEventRegistry<CounterEvent>([
    { type: 'Added', version: 1 },
    { type: 'Taken', version: 1 },
    { type: 'Marked', version: 1 },
  ]),
);

export const counterDefinition = (overrides: Partial<ActorDefinition<CounterState, CounterCommand, CounterEvent>> = {}) =>
  actorType<CounterState, CounterCommand, CounterEvent>({
    category: 'counter',
    decider: counterDecider,
    commands: { add: { schema: Amount }, take: { schema: Amount }, mark: { schema: Empty }, reset: { schema: Empty, issuers: ['server'] } },
    events: counterEvents,
    snapshot: { version: 1, encode: (state) => state, decode: (payload) => payload as CounterState },
    ...overrides,
  });
