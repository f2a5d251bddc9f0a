import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { expect } from 'vitest';
import type { PlayerCommand } from '../../../actors/player/commands.js';
import { createPlayerDecider } from '../../../actors/player/decider.js';
import { playerCommands, playerEvents } from '../../../actors/player/definition.js';
import { playerSnapshotCodec } from '../../../actors/player/snapshot.js';
import { evolvePlayer, initialPlayerState, type PlayerState } from '../../../actors/player/state.js';
import type { Decision } from '../../../actors/runtime/decider.js';
import type { Issuer } from '../../../actors/runtime/protocol/issuer.js';
import { MAX_BALANCE, MAX_GOLD_PER_OPERATION } from '../../../actors/shared/values.js';
import { CREDIT_CAUSES, DEBIT_CAUSES, PRESENCES, type PlayerEvent } from '../../../events/player.js';
import { HOUR, MINUTE, NOW, P1, otherPlayer, self, server } from '../../actors/player/fixtures.js';
import { contextFor } from '../decider-spec.js';

/**
 * Random player scenarios (a registration, then up to 80 commands from issuers entitled or
 * not) and the wallet properties each must keep, shared by the player decider's
 * specification (test/actors/player) and figure 1 of RELIABILITY.md
 * (test/chaos/decider-properties.chaos.spec.ts).
 */

export const deciders = { single: createPlayerDecider(), multi: createPlayerDecider({ singleSession: false }) };

// Small pools so that references, guilds and zones repeat and collide.
const reference = fc.constantFrom('r1', 'r2', 'r3', 'r4');
const guildId = fc.constantFrom('g1', 'g2');
const amount = fc.oneof(
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 64 }) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 1_000 }) },
  { weight: 2, arbitrary: fc.constantFrom(2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, 2 ** 32, MAX_GOLD_PER_OPERATION) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: MAX_GOLD_PER_OPERATION }) },
);
const anyIssuer: fc.Arbitrary<Issuer> = fc.constantFrom(server, self, otherPlayer);
/** Mostly an issuer allowed to send the command (so the wallet and sessions move), sometimes any. */
const issuerFor = (type: PlayerCommand['type']): fc.Arbitrary<Issuer> =>
  fc.oneof(
    { weight: 4, arbitrary: playerCommands[type].issuers?.includes('player') === true ? fc.constantFrom(self, server) : fc.constant(server) },
    { weight: 1, arbitrary: anyIssuer },
  );

export interface Step {
  readonly command: PlayerCommand;
  readonly issuer: Issuer;
  /** How far the clock moves before this command: mostly little, sometimes past a timeout. */
  readonly advanceMs: number;
  readonly entropy: Uint8Array;
}

/** Session commands name one of the sessions started so far, by its index; resolved when run. */
export const SESSION_PLACEHOLDER = 'ffffffffffffffff';

const command: fc.Arbitrary<PlayerCommand> = fc.oneof(
  fc.constant<PlayerCommand>({ type: 'register', data: { name: 'Aria' } }),
  { weight: 3, arbitrary: fc.constant<PlayerCommand>({ type: 'login', data: {} }) },
  fc.constant<PlayerCommand>({ type: 'logout', data: { sessionId: SESSION_PLACEHOLDER } }),
  { weight: 2, arbitrary: fc.constant<PlayerCommand>({ type: 'touch', data: { sessionId: SESSION_PLACEHOLDER } }) },
  fc.constant<PlayerCommand>({ type: 'revokeSessions', data: {} }),
  fc.constantFrom('z1', 'z2', 'z3').map((zone): PlayerCommand => ({ type: 'changeZone', data: { zone } })),
  fc.constantFrom(...PRESENCES).map((status): PlayerCommand => ({ type: 'setPresence', data: { status } })),
  {
    weight: 5,
    arbitrary: fc
      .record({ amount, cause: fc.constantFrom(...CREDIT_CAUSES), reference })
      .map((data): PlayerCommand => ({ type: 'credit', data })),
  },
  {
    weight: 5,
    arbitrary: fc
      .record({ amount, cause: fc.constantFrom(...DEBIT_CAUSES), reference })
      .map((data): PlayerCommand => ({ type: 'debit', data })),
  },
  guildId.map((id): PlayerCommand => ({ type: 'joinGuild', data: { guildId: id } })),
  guildId.map((id): PlayerCommand => ({ type: 'leaveGuild', data: { guildId: id } })),
);

const step: fc.Arbitrary<Step> = fc.record({
  command,
  advanceMs: fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 0, max: 5 * MINUTE }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 25 * HOUR }) }),
  entropy: fc.uint8Array({ minLength: 32, maxLength: 32 }),
}).chain((partial) => issuerFor(partial.command.type).map((chosen): Step => ({ ...partial, issuer: chosen })));

export const scenario = fc.record({
  mode: fc.constantFrom<keyof typeof deciders>('single', 'multi'),
  // Usually a registered player (by a random issuer, so sometimes refused), then the rest.
  register: fc.oneof({ weight: 4, arbitrary: fc.constant(server) }, { weight: 1, arbitrary: anyIssuer }),
  // Sometimes a history that left the balance just below the cap, so credits hit it.
  opening: fc.oneof(
    { weight: 3, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.integer({ min: MAX_BALANCE - 3 * MAX_GOLD_PER_OPERATION, max: MAX_BALANCE }) },
    // Within reach of the smallest amounts, so credits straddle the exact boundary.
    { weight: 1, arbitrary: fc.integer({ min: MAX_BALANCE - 64, max: MAX_BALANCE }) },
  ),
  steps: fc.array(step, { minLength: 1, maxLength: 80, size: 'max' }),
  sessionPick: fc.array(fc.nat(), { minLength: 80, maxLength: 80 }),
});
export type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

export interface Trace {
  readonly state: PlayerState;
  readonly events: readonly PlayerEvent[];
  /** After each step: the issuer, the command and what the decider answered. */
  readonly decisions: readonly { readonly step: Step; readonly decision: Decision<PlayerEvent>; readonly state: PlayerState }[];
}

/**
 * Runs a scenario the way the host would: the subject's issuer gate first, the schema,
 * then the decider against the state its predecessors left; accepted events are evolved
 * one by one. `repeatGold` sends every credit and debit twice in a row.
 */
export const run = ({ mode, register, opening, steps, sessionPick }: Scenario, repeatGold = false): Trace => {
  const decider = deciders[mode];
  let state = decider.initialState();
  let now = NOW.getTime();
  const events: PlayerEvent[] = [];
  const decisions: { step: Step; decision: Decision<PlayerEvent>; state: PlayerState }[] = [];
  const started: string[] = [];
  const all: Step[] = [{ command: { type: 'register', data: { name: 'Aria' } }, issuer: register, advanceMs: 0, entropy: new Uint8Array(32) }, ...steps];

  all.forEach((original, index) => {
    now += original.advanceMs;
    let current = original;
    if ((current.command.type === 'logout' || current.command.type === 'touch') && started.length > 0) {
      const sessionId = started[(sessionPick[index % sessionPick.length] ?? 0) % started.length] ?? SESSION_PLACEHOLDER;
      current = { ...current, command: { type: current.command.type, data: { sessionId } } };
    }
    const gold = current.command.type === 'credit' || current.command.type === 'debit';
    for (let copy = 0; copy < (repeatGold && gold ? 2 : 1); copy += 1) {
      const spec = playerCommands[current.command.type];
      expect(spec.schema.safeParse(current.command.data).success).toBe(true);
      const decision = decider.decide(current.command, state, contextFor(P1, current.issuer, { now: new Date(now), entropy: current.entropy, commandId: `c${index}-${copy}` }));
      if (spec.issuers?.includes(current.issuer.kind) === false) {
        // The host would have refused it at the subject; the decider must agree.
        expect(decision.ok ? 'accepted' : decision.rejection.code).toBe('UNAUTHORIZED');
      }
      if (decision.ok) {
        for (const event of decision.events) {
          state = decider.evolve(state, event);
          events.push(event);
          if (event.type === 'SessionStarted') started.push(event.data.sessionId);
        }
      }
      decisions.push({ step: current, decision, state });
    }
    if (index === 0 && state.status === 'registered' && opening > 0) {
      // Given history, not a command: one entry may exceed the per-operation bound.
      const given: PlayerEvent = { type: 'GoldCredited', data: { amount: opening, cause: 'adminGrant', reference: 'opening', balanceAfter: opening } };
      state = decider.evolve(state, given);
      events.push(given);
    }
  });
  return { state, events, decisions };
};

/** Gold conserved: credits minus debits is the balance, every balanceAfter exact, never negative, never past MAX_BALANCE. */
export const checkGoldConserved = (generated: Scenario): void => {
  const { state, events } = run(generated);
  let balance = 0;
  for (const event of events) {
    if (event.type !== 'GoldCredited' && event.type !== 'GoldDebited') continue;
    expect(Number.isSafeInteger(event.data.amount) && event.data.amount > 0).toBe(true);
    balance += event.type === 'GoldCredited' ? event.data.amount : -event.data.amount;
    expect(event.data.balanceAfter).toBe(balance);
    expect(balance).toBeGreaterThanOrEqual(0);
    expect(balance).toBeLessThanOrEqual(MAX_BALANCE);
  }
  expect(state.status === 'registered' ? state.balance : 0).toBe(balance);
};

/** fold(events) = state, also through the codec bytes and resuming from a msgpack snapshot at any cut. */
export const checkFoldEqualsState = (generated: Scenario, cutSeed: number): void => {
  const packr = new Packr({ useRecords: false, mapsAsObjects: true });
  const { state, events } = run(generated);
  expect(events.reduce(evolvePlayer, initialPlayerState())).toEqual(state);

  const decoded = events.map((event, index) => {
    const proposed = playerEvents.encode(event, { eventId: `e${index}`, correlationId: 'c', occurredAt: NOW });
    const { type, data } = playerEvents.decode({
      stream: 'player-p1',
      revision: BigInt(index),
      position: { commit: BigInt(index), prepare: BigInt(index) },
      id: proposed.id,
      type: proposed.type,
      data: proposed.data,
      metadata: proposed.metadata,
      created: NOW,
    });
    return { type, data } as PlayerEvent;
  });
  expect(decoded).toEqual(events);

  const cut = events.length === 0 ? 0 : cutSeed % (events.length + 1);
  const atCut = events.slice(0, cut).reduce(evolvePlayer, initialPlayerState());
  const restored = playerSnapshotCodec.decode(packr.unpack(packr.pack(playerSnapshotCodec.encode(atCut))));
  expect(decoded.slice(cut).reduce(evolvePlayer, restored)).toEqual(state);
};

/** A credit or debit repeated with the same cause and reference equals one command. */
export const checkRepeatIsOne = (generated: Scenario): void => {
  const once = run(generated);
  const twice = run(generated, true);
  expect(twice.events).toEqual(once.events);
  expect(twice.state).toEqual(once.state);
  // Every repeat was refused, and said why when the first had gone through.
  twice.decisions.forEach(({ step, decision }, index) => {
    const previous = twice.decisions[index - 1];
    const isRepeat = index > 0 && previous !== undefined && previous.step === step && (step.command.type === 'credit' || step.command.type === 'debit');
    if (!isRepeat) return;
    expect(decision.ok).toBe(false);
    if (previous.decision.ok && !decision.ok) expect(decision.rejection.message).toMatch(/duplicate ledger entry/);
  });
};
