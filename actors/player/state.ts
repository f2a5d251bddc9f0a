import type { CreditCause, DebitCause, PlayerEvent, Presence } from '../../events/player.js';

/** A live session as the actor knows it; instants are epoch milliseconds. */
export interface Session {
  readonly sessionId: string;
  readonly tokenHash: string;
  readonly startedAt: number;
  readonly idleExpiresAt: number;
  readonly absoluteExpiresAt: number;
}

export interface UnregisteredPlayer {
  readonly status: 'unregistered';
}

export interface RegisteredPlayer {
  readonly status: 'registered';
  readonly playerId: string;
  readonly name: string;
  readonly registeredAt: number;
  /** Oldest first. May hold sessions already past expiry until a command notices them. */
  readonly sessions: readonly Session[];
  readonly zone: string | null;
  readonly presence: Presence;
  readonly balance: number;
  /**
   * Keys of the most recent ledger entries (see `ledgerKey`), oldest first, at most
   * RECENT_LEDGER_ENTRIES. Defence in depth behind commandId idempotency: a credit
   * retried under a new commandId by a confused process manager is still refused. The
   * bound keeps the state (and its snapshots) small; a reference older than the window
   * is no longer recognised.
   */
  readonly recentLedgerKeys: readonly string[];
  readonly guildId: string | null;
}

/** Plain data only (no Map, Set or Date), so a snapshot is the state as it stands. */
export type PlayerState = UnregisteredPlayer | RegisteredPlayer;

export const RECENT_LEDGER_ENTRIES = 1_000;

/**
 * One ledger entry per direction, cause and reference. The direction is part of the key
 * because one trade or auction legitimately both debits and credits the same player
 * under the same reference.
 */
export const ledgerKey = (direction: 'credit' | 'debit', cause: CreditCause | DebitCause, reference: string): string =>
  `${direction}:${cause}:${reference}`;

/** The key a voided hold leaves in the ledger window: a debit under it is refused. */
export const voidedDebitKey = (cause: DebitCause, reference: string): string => `void:${cause}:${reference}`;

export const initialPlayerState = (): PlayerState => ({ status: 'unregistered' });

const remember = (keys: readonly string[], key: string): readonly string[] =>
  keys.length < RECENT_LEDGER_ENTRIES ? [...keys, key] : [...keys.slice(keys.length - RECENT_LEDGER_ENTRIES + 1), key];

const withoutSession = (state: RegisteredPlayer, sessionId: string): RegisteredPlayer => ({
  ...state,
  sessions: state.sessions.filter((session) => session.sessionId !== sessionId),
});

/** Total and pure: an event that does not fit the state leaves it unchanged. */
export const evolvePlayer = (state: PlayerState, event: PlayerEvent): PlayerState => {
  if (state.status === 'unregistered') {
    if (event.type !== 'PlayerRegistered') return state;
    return {
      status: 'registered',
      playerId: event.data.playerId,
      name: event.data.name,
      registeredAt: event.data.registeredAt,
      sessions: [],
      zone: null,
      presence: 'offline',
      balance: 0,
      recentLedgerKeys: [],
      guildId: null,
    };
  }
  switch (event.type) {
    case 'PlayerRegistered':
      return state;
    case 'SessionStarted':
      if (state.sessions.some((session) => session.sessionId === event.data.sessionId)) return state;
      return { ...state, sessions: [...state.sessions, { ...event.data }] };
    case 'SessionTouched':
      return {
        ...state,
        sessions: state.sessions.map((session) =>
          session.sessionId === event.data.sessionId ? { ...session, idleExpiresAt: event.data.idleExpiresAt } : session,
        ),
      };
    case 'SessionEnded':
    case 'SessionExpired':
    case 'SessionRevoked':
      return withoutSession(state, event.data.sessionId);
    case 'ZoneChanged':
      return { ...state, zone: event.data.to };
    case 'PresenceChanged':
      return { ...state, presence: event.data.to };
    case 'GoldCredited':
      return {
        ...state,
        balance: state.balance + event.data.amount,
        recentLedgerKeys: remember(state.recentLedgerKeys, ledgerKey('credit', event.data.cause, event.data.reference)),
      };
    case 'GoldDebited':
      return {
        ...state,
        balance: state.balance - event.data.amount,
        recentLedgerKeys: remember(state.recentLedgerKeys, ledgerKey('debit', event.data.cause, event.data.reference)),
      };
    case 'GoldDebitVoided':
      return { ...state, recentLedgerKeys: remember(state.recentLedgerKeys, voidedDebitKey(event.data.cause, event.data.reference)) };
    case 'PlayerJoinedGuild':
      return { ...state, guildId: event.data.guildId };
    case 'PlayerLeftGuild':
      return state.guildId === event.data.guildId ? { ...state, guildId: null } : state;
    default:
      // Unreachable for well-typed input; a foreign event from a merged registry lands here.
      return state;
  }
};

/** Whether a session is past its idle or its absolute expiry at `now` (epoch ms). */
export const isExpired = (session: Session, now: number): boolean =>
  now >= session.idleExpiresAt || now >= session.absoluteExpiresAt;

/** When the session lapses if nothing touches it again. */
export const expiresAt = (session: Pick<Session, 'idleExpiresAt' | 'absoluteExpiresAt'>): number =>
  Math.min(session.idleExpiresAt, session.absoluteExpiresAt);
