import { z } from 'zod';
import { actorType, type ActorType } from '../../actors/runtime/actor-definition.js';
import { accept, type Command, type Decider } from '../../actors/runtime/decider.js';
import { createEventCodec, createEventRegistry, type DomainEvent } from '../../events/catalog/index.js';

/**
 * The benchmarks' actor: a running total with one command, `add`, and one event. As
 * small as an actor gets, so the figures show the runtime's own cost, not a decider's.
 * (Benches may not import the test actors: scripts never import test/.)
 */
export type TallyEvent = DomainEvent<'Added', { readonly amount: number }>;
export type TallyCommand = Command<'add', { readonly amount: number }>;
export type TallyState = number;

export const TALLY_CATEGORY = 'tally';

/**
 * What the typed client may send: `tally` to the bench host, `blackhole` to a second host
 * (on a store that keeps nothing) running the same actor under another category, `echo`
 * to the echo responder, `baseline` to a host run from another checkout (the code before
 * a change).
 */
export interface BenchCommands {
  tally: { add: { amount: number } };
  blackhole: { add: { amount: number } };
  echo: { add: { amount: number } };
  baseline: { add: { amount: number } };
}

const decider: Decider<TallyState, TallyCommand, TallyEvent> = {
  initialState: () => 0,
  evolve: (total, event) => total + event.data.amount,
  decide: (command) => accept({ type: 'Added', data: { amount: command.data.amount } }),
};

export const tallyEvents = createEventCodec(createEventRegistry<TallyEvent>([{ type: 'Added', version: 1 }]));

const Amount = z.strictObject({ amount: z.number().int().positive().max(1_000_000) });

/** The tally actor under `category` (one host process may run it twice, under two names). */
export const tallyActorIn = (category: string): ActorType =>
  actorType<TallyState, TallyCommand, TallyEvent>({
    category,
    decider,
    commands: { add: { schema: Amount } },
    events: tallyEvents,
    snapshot: {
      version: 1,
      encode: (total) => total,
      decode: (payload) => {
        if (typeof payload !== 'number') throw new Error('a tally snapshot is a number');
        return payload;
      },
    },
  });

export const tallyActor = tallyActorIn(TALLY_CATEGORY);
