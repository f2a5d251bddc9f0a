import { z } from 'zod';
import { PRESENCES, type Presence } from '../../events/player.js';
import { pack, unpack } from '../shared/msgpack.js';

/** Keys of the sessions projection, relative to its namespace. */
export const sessionKey = (playerId: string): string => `session:${playerId}`;
/** Zone, presence and guild of a player, kept while no session is live so the next login finds them. */
export const playerKey = (playerId: string): string => `player:${playerId}`;

/** One live session; instants are epoch milliseconds of game time. */
export interface SessionRecord {
  readonly sessionId: string;
  /** SHA-256 (hex) of the token's UTF-8 text: what a gateway compares; the token itself is never stored. */
  readonly tokenHash: string;
  readonly loginAt: number;
  /** The login, the last touch, or the last zone or presence change while this session was the newest. */
  readonly lastActivityAt: number;
  readonly idleExpiresAt: number;
  readonly absoluteExpiresAt: number;
}

export interface PlayerProfile {
  readonly zone: string | null;
  readonly presence: Presence;
  readonly guildId: string | null;
}

/**
 * The value of `session:<playerId>`: the player's newest live session, with the player's
 * zone, presence and guild. `otherSessions` holds older live sessions, oldest first; it
 * is empty unless players may hold several (`singleSession: false`). Readers check
 * `idleExpiresAt`/`absoluteExpiresAt` against their clock: the key's TTL only collects
 * sessions no command retired.
 */
export interface CachedSession extends SessionRecord, PlayerProfile {
  readonly playerId: string;
  readonly otherSessions: readonly SessionRecord[];
}

export const NO_PROFILE: PlayerProfile = { zone: null, presence: 'offline', guildId: null };

const Instant = z.number().int().nonnegative();
const SessionRecordSchema = z.object({
  sessionId: z.string(),
  tokenHash: z.string(),
  loginAt: Instant,
  lastActivityAt: Instant,
  idleExpiresAt: Instant,
  absoluteExpiresAt: Instant,
});
const ProfileSchema = z.object({ zone: z.string().nullable(), presence: z.enum(PRESENCES), guildId: z.string().nullable() });
const CachedSessionSchema = z.object({
  playerId: z.string(),
  ...SessionRecordSchema.shape,
  ...ProfileSchema.shape,
  otherSessions: z.array(SessionRecordSchema),
});

// Fixed key order: equal sessions are equal bytes.
export const sessionRecord = (session: SessionRecord): SessionRecord => ({
  sessionId: session.sessionId,
  tokenHash: session.tokenHash,
  loginAt: session.loginAt,
  lastActivityAt: session.lastActivityAt,
  idleExpiresAt: session.idleExpiresAt,
  absoluteExpiresAt: session.absoluteExpiresAt,
});

export const cachedSession = (playerId: string, session: SessionRecord, profile: PlayerProfile, otherSessions: readonly SessionRecord[]): CachedSession => ({
  playerId,
  sessionId: session.sessionId,
  tokenHash: session.tokenHash,
  zone: profile.zone,
  presence: profile.presence,
  guildId: profile.guildId,
  loginAt: session.loginAt,
  lastActivityAt: session.lastActivityAt,
  idleExpiresAt: session.idleExpiresAt,
  absoluteExpiresAt: session.absoluteExpiresAt,
  otherSessions: otherSessions.map(sessionRecord),
});

export const encodeSession = (session: CachedSession): Uint8Array =>
  pack(cachedSession(session.playerId, session, session, session.otherSessions));

/** The session, or undefined for bytes that are not one (the reader then treats the key as absent). */
export const decodeSession = (bytes: Uint8Array): CachedSession | undefined => {
  const parsed = CachedSessionSchema.safeParse(unpack(bytes));
  return parsed.success ? parsed.data : undefined;
};

export const encodeProfile = (profile: PlayerProfile): Uint8Array =>
  pack({ zone: profile.zone, presence: profile.presence, guildId: profile.guildId });

export const decodeProfile = (bytes: Uint8Array): PlayerProfile | undefined => {
  const parsed = ProfileSchema.safeParse(unpack(bytes));
  return parsed.success ? parsed.data : undefined;
};
