import { eventDefinitions, type DomainEvent, type EventDefinition } from './catalog/index.js';

/**
 * The guild's history, one stream per guild (`guild-<guildId>`). Player ids are the
 * subject-safe ids of the protocol. Who issued each command (a player or a game server
 * acting as the system) is in the event metadata, so the data carries only what the
 * guild itself and the roster projection need.
 */

/** The founding player becomes the leader and the first member. */
export type GuildCreated = DomainEvent<'GuildCreated', { readonly name: string; readonly leaderId: string }>;

export type MemberInvited = DomainEvent<'MemberInvited', { readonly playerId: string }>;
export type InviteDeclined = DomainEvent<'InviteDeclined', { readonly playerId: string }>;
export type JoinRequested = DomainEvent<'JoinRequested', { readonly playerId: string }>;
export type JoinRequestRejected = DomainEvent<'JoinRequestRejected', { readonly playerId: string }>;

/**
 * One event for every way in, so the roster projection has one rule for a join; `via`
 * tells an accepted invite from an accepted join request. Clears any pending invite or
 * request of the player.
 */
export type MemberJoined = DomainEvent<'MemberJoined', { readonly playerId: string; readonly via: 'invite' | 'request' }>;

export type MemberLeft = DomainEvent<'MemberLeft', { readonly playerId: string }>;
export type MemberKicked = DomainEvent<'MemberKicked', { readonly playerId: string }>;

/** member → officer. */
export type MemberPromoted = DomainEvent<'MemberPromoted', { readonly playerId: string }>;
/** officer → member. */
export type MemberDemoted = DomainEvent<'MemberDemoted', { readonly playerId: string }>;
/** `to` becomes leader, `from` (the old leader) becomes an officer. */
export type LeadershipTransferred = DomainEvent<'LeadershipTransferred', { readonly from: string; readonly to: string }>;

export type MotdSet = DomainEvent<'MotdSet', { readonly text: string }>;

/**
 * Gold entering the guild bank from a member. The debit of the member's wallet is a
 * separate command on the player actor carrying the same `reference`; see
 * actors/guild/decider.ts for how the two sides are kept together.
 */
export type GoldDeposited = DomainEvent<
  'GoldDeposited',
  { readonly from: string; readonly amount: number; readonly reference: string }
>;
/** Gold leaving the guild bank towards a member's wallet (credited by its own command). */
export type GoldWithdrawn = DomainEvent<
  'GoldWithdrawn',
  { readonly to: string; readonly amount: number; readonly reference: string }
>;

/** The last member (always the leader) left; the bank was empty. Nothing follows it. */
export type GuildDisbanded = DomainEvent<'GuildDisbanded', { readonly playerId: string }>;

export type GuildEvent =
  | GuildCreated
  | MemberInvited
  | InviteDeclined
  | JoinRequested
  | JoinRequestRejected
  | MemberJoined
  | MemberLeft
  | MemberKicked
  | MemberPromoted
  | MemberDemoted
  | LeadershipTransferred
  | MotdSet
  | GoldDeposited
  | GoldWithdrawn
  | GuildDisbanded;

/**
 * Current version of every guild event; stored as `<type>.v<version>`. `satisfies`
 * makes a new event type without an entry here a compile error, not a runtime
 * `UnknownEventTypeError` on its first append.
 */
const CURRENT_VERSIONS = {
  GuildCreated: 1,
  MemberInvited: 1,
  InviteDeclined: 1,
  JoinRequested: 1,
  JoinRequestRejected: 1,
  MemberJoined: 1,
  MemberLeft: 1,
  MemberKicked: 1,
  MemberPromoted: 1,
  MemberDemoted: 1,
  LeadershipTransferred: 1,
  MotdSet: 1,
  GoldDeposited: 1,
  GoldWithdrawn: 1,
  GuildDisbanded: 1,
} as const satisfies Record<GuildEvent['type'], number>;

export const guildEventDefinitions: readonly EventDefinition<GuildEvent>[] = eventDefinitions<GuildEvent>(CURRENT_VERSIONS);
