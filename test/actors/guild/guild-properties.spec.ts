import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import type { GuildCommand } from '../../../actors/guild/commands.js';
import { createGuildDecider } from '../../../actors/guild/decider.js';
import { guildEvents } from '../../../actors/guild/definition.js';
import { guildSnapshotCodec, type GuildState } from '../../../actors/guild/state.js';
import type { ErrorCode } from '../../../actors/runtime/protocol/error-codes.js';
import type { Issuer } from '../../../actors/runtime/protocol/issuer.js';
import { MAX_BALANCE, MAX_GOLD_PER_OPERATION } from '../../../actors/shared/values.js';
import { guildEventDefinitions, type GuildEvent } from '../../../events/guild.js';
import { GUILD_ID, by, command, player, server } from './fixtures.js';

/**
 * Random command sequences from random players (and now and then a game server) against
 * one guild with small bounds, so full rosters and full invite lists happen often.
 */
const LIMITS = { maxMembers: 4, maxPendingInvites: 2, maxPendingRequests: 2 };
const decider = createGuildDecider(LIMITS);
const PLAYERS: readonly string[] = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5'];
const REFUSALS: readonly ErrorCode[] = ['REJECTED', 'UNAUTHORIZED', 'NOT_FOUND', 'VALIDATION'];

/**
 * A step names its actor and target by what they are in the guild at that moment (the
 * leader, an officer, someone invited, …), resolved when the step runs: uniformly random
 * players would almost never form a roster, and the interesting sequences would not occur.
 */
const SELECTORS = ['leader', 'officer', 'member', 'invited', 'requested', 'outsider', 'anyone'] as const;
type Selector = (typeof SELECTORS)[number];
const KINDS = [
  'create', 'invite', 'acceptInvite', 'declineInvite', 'requestJoin', 'acceptRequest', 'rejectRequest', 'leave',
  'kick', 'promote', 'demote', 'transferLeadership', 'setMotd', 'deposit', 'withdraw',
] as const satisfies readonly GuildCommand['type'][];

/** Who usually sends each command, and to whom: the sequences a guild really sees. */
const NATURAL: { readonly [K in (typeof KINDS)[number]]: readonly [actor: Selector, target: Selector] } = {
  create: ['anyone', 'anyone'],
  invite: ['officer', 'outsider'],
  acceptInvite: ['invited', 'invited'],
  declineInvite: ['invited', 'invited'],
  requestJoin: ['outsider', 'outsider'],
  acceptRequest: ['officer', 'requested'],
  rejectRequest: ['leader', 'requested'],
  leave: ['member', 'member'],
  kick: ['officer', 'member'],
  promote: ['leader', 'member'],
  demote: ['leader', 'officer'],
  transferLeadership: ['leader', 'officer'],
  setMotd: ['officer', 'anyone'],
  deposit: ['member', 'member'],
  withdraw: ['officer', 'member'],
};

const step = fc
  .record({
    // Leaving and founding are rarer: a guild disbanded early ends the interesting part of a run.
    kind: fc.oneof(
      { weight: 20, arbitrary: fc.constantFrom(...KINDS.filter((kind) => kind !== 'leave' && kind !== 'create')) },
      { weight: 1, arbitrary: fc.constantFrom('leave' as const, 'create' as const) },
    ),
    /** Three steps in four follow NATURAL; the rest pick actor and target at random. */
    natural: fc.integer({ min: 0, max: 3 }).map((n) => n > 0),
    actor: fc.oneof(
      { weight: 12, arbitrary: fc.constantFrom<Selector | 'server'>(...SELECTORS) },
      { weight: 1, arbitrary: fc.constant('server' as const) },
    ),
    target: fc.constantFrom(...SELECTORS),
    pick: fc.nat(),
    /** Whether a self-command names its player (servers must; players may, even wrongly). */
    names: fc.boolean(),
    amount: fc.oneof(
      { weight: 9, arbitrary: fc.integer({ min: 1, max: 200 }) },
      { weight: 1, arbitrary: fc.constant(MAX_GOLD_PER_OPERATION) },
    ),
    reference: fc.constantFrom('r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9'),
  })
  .map((s) => {
    if (!s.natural || s.actor === 'server') return s;
    const [actor, target] = NATURAL[s.kind];
    return { ...s, actor, target };
  });
type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;
const founding = step.map((first): Step => ({ ...first, kind: 'create', actor: 'anyone', names: false }));
// 'large' sizes: the default keeps arrays around ten steps, too short to fill a roster.
const sequence = fc.tuple(founding, fc.array(step, { maxLength: 200, size: 'large' })).map(([first, rest]) => [first, ...rest]);

const resolve = (state: GuildState, selector: Selector, pick: number): string => {
  const roster = state.status === 'active' ? [...state.members] : [];
  const candidates: readonly string[] = (() => {
    switch (selector) {
      case 'leader':
      case 'officer':
      case 'member':
        return roster.filter(([, role]) => role === selector).map(([id]) => id);
      case 'invited':
        return state.status === 'active' ? [...state.invites] : [];
      case 'requested':
        return state.status === 'active' ? [...state.requests] : [];
      case 'outsider':
        return PLAYERS.filter((id) => !roster.some(([member]) => member === id));
      case 'anyone':
        return PLAYERS;
    }
  })();
  // Nobody of that kind: any member, else anyone, so a step is rarely wasted on an outsider.
  const fallback = roster.length > 0 ? roster.map(([id]) => id) : PLAYERS;
  const from = candidates.length > 0 ? candidates : fallback;
  return from[pick % from.length] ?? 'p0';
};

const toCommand = (state: GuildState, s: Step): { readonly issuer: Issuer; readonly command: GuildCommand } => {
  const issuer = s.actor === 'server' ? server : player(resolve(state, s.actor, s.pick));
  const target = resolve(state, s.target, s.pick >> 3);
  // A server must name the player; a player now and then names itself, or (wrongly) another.
  const named = s.actor === 'server' || s.pick % 7 === 0 ? target : issuer.id;
  const self = s.names ? { playerId: named } : {};
  switch (s.kind) {
    case 'create':
      return { issuer, command: command('create', { name: 'Knights', ...(s.names ? { leaderId: named } : {}) }) };
    case 'acceptInvite':
    case 'declineInvite':
    case 'requestJoin':
    case 'leave':
      return { issuer, command: command(s.kind, self) };
    case 'invite':
    case 'acceptRequest':
    case 'rejectRequest':
    case 'kick':
    case 'promote':
    case 'demote':
    case 'transferLeadership':
      return { issuer, command: command(s.kind, { playerId: target }) };
    case 'setMotd':
      return { issuer, command: command('setMotd', { text: `motd ${s.pick % 3}` }) };
    case 'deposit':
      return { issuer, command: command('deposit', { amount: s.amount, reference: s.reference, ...(s.names ? { from: named } : {}) }) };
    case 'withdraw':
      return { issuer, command: command('withdraw', { amount: s.amount, reference: s.reference, to: target }) };
  }
};

const packr = new Packr({ useRecords: false, mapsAsObjects: true });
const metadata = { eventId: '00000000-0000-4000-8000-000000000000', correlationId: 'c', occurredAt: new Date(0) };
/** Folds the events as the host reads them back: encoded, stored, decoded. */
const foldFromLog = (events: readonly GuildEvent[]): GuildState =>
  events
    .map((event, index) =>
      guildEvents.decode({
        ...guildEvents.encode(event, metadata),
        stream: `guild-${GUILD_ID}`,
        revision: BigInt(index),
        position: { commit: BigInt(index), prepare: BigInt(index) },
        created: new Date(0),
      }),
    )
    .reduce<GuildState>((state, recorded) => decider.evolve(state, recorded), decider.initialState());

const bankMovement = (event: GuildEvent): number =>
  event.type === 'GoldDeposited' ? event.data.amount : event.type === 'GoldWithdrawn' ? -event.data.amount : 0;
const bankOf = (events: readonly GuildEvent[]): number => events.reduce((sum, event) => sum + bankMovement(event), 0);
const referenceOf = (event: GuildEvent): string[] =>
  event.type === 'GoldDeposited' || event.type === 'GoldWithdrawn' ? [event.data.reference] : [];
const LEAVING: readonly GuildEvent['type'][] = ['MemberLeft', 'MemberKicked', 'GuildDisbanded'];

const isBankCommand = (cmd: GuildCommand): boolean => cmd.type === 'deposit' || cmd.type === 'withdraw';

describe('guild properties', () => {
  it.each([20261124, 4, 777])('keeps its invariants over random command sequences (seed %i)', (seed) => {
    // Every event type and every kind of refusal must occur, or the generator proves little.
    const seen = new Set<string>();
    fc.assert(
      fc.property(sequence, (steps) => {
        let state = decider.initialState();
        const events: GuildEvent[] = [];
        const roster = new Set<string>();
        steps.forEach((generated, index) => {
          const { issuer: from, command: cmd } = toCommand(state, generated);
          const decision = decider.decide(cmd, state, by(from, `cmd-${index}`));
          if (!decision.ok) {
            expect(REFUSALS).toContain(decision.rejection.code);
            seen.add(`refused:${decision.rejection.code}`);
            return;
          }
          for (const event of decision.events) {
            seen.add(event.type);
            // Nobody joins twice: an independent roster, kept from the events alone.
            if (event.type === 'GuildCreated') roster.add(event.data.leaderId);
            if (event.type === 'MemberJoined') {
              expect(roster.has(event.data.playerId)).toBe(false);
              roster.add(event.data.playerId);
            }
            if (LEAVING.includes(event.type) && 'playerId' in event.data) roster.delete(event.data.playerId);
            const next = decider.evolve(state, event);
            // Every accepted event changes the guild: none is dead weight in the log.
            expect(next).not.toEqual(state);
            state = next;
            events.push(event);
          }

          // The same bank movement again, under a new commandId, is refused: it counts once.
          if (isBankCommand(cmd)) {
            const again = decider.decide(cmd, state, by(from, `retry-${index}`));
            expect(again.ok ? 'ok' : again.rejection.code).toBe('REJECTED');
          }

          if (state.status === 'active') {
            const leaders = [...state.members.values()].filter((role) => role === 'leader');
            expect(leaders).toHaveLength(1);
            expect(new Set(state.members.keys())).toEqual(roster);
            expect(state.members.size).toBeLessThanOrEqual(LIMITS.maxMembers);
            for (const id of [...state.invites, ...state.requests]) expect(state.members.has(id)).toBe(false);
            for (const id of state.invites) expect(state.requests.has(id)).toBe(false);
            expect(state.bank).toBeGreaterThanOrEqual(0);
            expect(state.bank).toBeLessThanOrEqual(MAX_BALANCE);
            expect(state.bank).toBe(bankOf(events));
          }
          if (state.status === 'disbanded') {
            expect(roster.size).toBe(0);
            expect(bankOf(events)).toBe(0);
          }
        });

        const references = events.flatMap(referenceOf);
        expect(new Set(references).size).toBe(references.length);
        expect(foldFromLog(events)).toEqual(state);
        expect(guildSnapshotCodec.decode(packr.unpack(packr.pack(guildSnapshotCodec.encode(state))))).toEqual(state);
      }),
      { seed, numRuns: 150 },
    );
    expect([...seen].sort()).toEqual(
      [
        ...guildEventDefinitions.map((definition) => definition.type),
        ...REFUSALS.map((code) => `refused:${code}`),
      ].sort(),
    );
  });

});
