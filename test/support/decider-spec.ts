import { expect } from 'vitest';
import type { DomainEvent } from '../../events/catalog/index.js';
import type { Command, Decider, Decision, DecisionContext } from '../../actors/runtime/decider.js';
import type { ErrorCode } from '../../actors/runtime/protocol/error-codes.js';
import type { Issuer } from '../../actors/runtime/protocol/issuer.js';

export const NOW = new Date('2026-11-24T21:04:00.000Z');

export const contextFor = (actorId: string, issuer: Issuer, overrides: Partial<DecisionContext> = {}): DecisionContext => ({
  actorId,
  commandId: 'cmd-1',
  issuer,
  now: NOW,
  entropy: new Uint8Array(32).fill(7),
  ...overrides,
});

/**
 * Given events, when a command, then events or a rejection: the shape every decider
 * specification takes.
 *
 *   spec(playerDecider).given([registered]).when(login, ctx).then([sessionStarted])
 */
export const deciderSpec = <S, C extends Command, E extends DomainEvent>(decider: Decider<S, C, E>) => ({
  given: (events: readonly E[]) => {
    const state = events.reduce((current, event) => decider.evolve(current, event), decider.initialState());
    return {
      state,
      when: (command: C, context: DecisionContext) => {
        const decision: Decision<E> = decider.decide(command, state, context);
        return {
          decision,
          then: (expected: readonly E[]): void => {
            if (!decision.ok) throw new Error(`expected events, got ${decision.rejection.code}: ${decision.rejection.message}`);
            expect(decision.events).toEqual(expected);
          },
          thenRejects: (code: ErrorCode, message?: RegExp): void => {
            if (decision.ok) throw new Error(`expected ${code}, got events ${JSON.stringify(decision.events)}`);
            expect(decision.rejection.code).toBe(code);
            if (message !== undefined) expect(decision.rejection.message).toMatch(message);
          },
        };
      },
    };
  },
});
