import { eventDefinitions, type DomainEvent, type EventDefinition } from './catalog/index.js';

/**
 * The player's events. Instants are epoch milliseconds of the decider's `now` (game
 * time), so they survive msgpack, snapshots and JSON projections unchanged.
 */

/**
 * `replaced`: a newer login replaced it (single-session mode); `sessionLimit`: a newer
 * login needed its slot (multi-session mode keeps a few); `admin`: a server revoked all.
 */
export const SESSION_REVOKED_REASONS = ['replaced', 'sessionLimit', 'admin'] as const;
export type SessionRevokedReason = (typeof SESSION_REVOKED_REASONS)[number];

export const PRESENCES = ['online', 'away', 'busy', 'offline'] as const;
export type Presence = (typeof PRESENCES)[number];

/** Every ledger entry names why gold moved, so an audit can tell minted gold from moved gold. */
export const CREDIT_CAUSES = ['loot', 'trade', 'auction', 'guildBank', 'adminGrant', 'refund'] as const;
export type CreditCause = (typeof CREDIT_CAUSES)[number];
export const DEBIT_CAUSES = ['purchase', 'trade', 'auction', 'guildBank', 'repair', 'fee'] as const;
export type DebitCause = (typeof DEBIT_CAUSES)[number];

export type PlayerRegistered = DomainEvent<
  'PlayerRegistered',
  { readonly playerId: string; readonly name: string; readonly registeredAt: number }
>;

/**
 * Only the SHA-256 of the token is stored: the log is read by auditors, projections
 * and replays, none of which may be able to impersonate a player.
 */
export type SessionStarted = DomainEvent<
  'SessionStarted',
  {
    readonly sessionId: string;
    readonly tokenHash: string;
    readonly startedAt: number;
    readonly idleExpiresAt: number;
    readonly absoluteExpiresAt: number;
  }
>;
export type SessionTouched = DomainEvent<'SessionTouched', { readonly sessionId: string; readonly idleExpiresAt: number }>;
/** The player logged out. */
export type SessionEnded = DomainEvent<'SessionEnded', { readonly sessionId: string }>;
/** A command found the session past its idle or absolute expiry and retired it. */
export type SessionExpired = DomainEvent<'SessionExpired', { readonly sessionId: string }>;
export type SessionRevoked = DomainEvent<'SessionRevoked', { readonly sessionId: string; readonly reason: SessionRevokedReason }>;

export type ZoneChanged = DomainEvent<'ZoneChanged', { readonly from: string | null; readonly to: string }>;
export type PresenceChanged = DomainEvent<'PresenceChanged', { readonly from: Presence; readonly to: Presence }>;

/** `balanceAfter` is redundant with the amounts; it lets an audit check each step alone. */
export type GoldCredited = DomainEvent<
  'GoldCredited',
  { readonly amount: number; readonly cause: CreditCause; readonly reference: string; readonly balanceAfter: number }
>;
export type GoldDebited = DomainEvent<
  'GoldDebited',
  { readonly amount: number; readonly cause: DebitCause; readonly reference: string; readonly balanceAfter: number }
>;

/**
 * A hold on this player's gold that a trade or auction gave up on was voided before it
 * could take effect: a debit with this cause and reference is refused from now on. What
 * makes a late copy of a refused hold harmless (a request delayed in a host's mailbox
 * while its retry was refused elsewhere and the trade unwound).
 */
export type GoldDebitVoided = DomainEvent<'GoldDebitVoided', { readonly cause: DebitCause; readonly reference: string }>;

// Named from the player's side so they never collide with the guild actor's own events
// once every catalog is merged into the world registry.
export type PlayerJoinedGuild = DomainEvent<'PlayerJoinedGuild', { readonly guildId: string }>;
export type PlayerLeftGuild = DomainEvent<'PlayerLeftGuild', { readonly guildId: string }>;

export type PlayerEvent =
  | PlayerRegistered
  | SessionStarted
  | SessionTouched
  | SessionEnded
  | SessionExpired
  | SessionRevoked
  | ZoneChanged
  | PresenceChanged
  | GoldCredited
  | GoldDebited
  | GoldDebitVoided
  | PlayerJoinedGuild
  | PlayerLeftGuild;

/** Current version of every player event, stored as `<Type>.v<version>`; a later shape gets 2 and an upcaster from 1. */
const CURRENT_VERSIONS = {
  PlayerRegistered: 1,
  SessionStarted: 1,
  SessionTouched: 1,
  SessionEnded: 1,
  SessionExpired: 1,
  SessionRevoked: 1,
  ZoneChanged: 1,
  PresenceChanged: 1,
  GoldCredited: 1,
  GoldDebited: 1,
  GoldDebitVoided: 1,
  PlayerJoinedGuild: 1,
  PlayerLeftGuild: 1,
} as const satisfies Record<PlayerEvent['type'], number>;

export const playerEventDefinitions: readonly EventDefinition<PlayerEvent>[] = eventDefinitions<PlayerEvent>(CURRENT_VERSIONS);
