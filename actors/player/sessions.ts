// Hashing is pure computation: the host hands the decider its randomness as entropy.
import { createHash } from 'node:crypto';
import type { PlayerEvent, SessionExpired, SessionRevoked, SessionRevokedReason } from '../../events/player.js';
import { accept, acceptWith, reject, type Decision } from '../runtime/decider.js';
import { MAX_CONCURRENT_SESSIONS, type PlayerOptions } from './options.js';
import { expiresAt, isExpired, type RegisteredPlayer, type Session } from './state.js';

/** RELIABILITY.md: session tokens carry at least 128 bits from a CSPRNG. */
export const MIN_TOKEN_ENTROPY_BYTES = 16;

export interface MintedSession {
  readonly sessionId: string;
  /** Returned to the caller once; never stored. */
  readonly token: string;
  readonly tokenHash: string;
}

const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** What a gateway stores and compares: the SHA-256 of the token's UTF-8 text, in hex. */
export const hashToken = (token: string): string => sha256Hex(token);

// A label keeps the session id's hash apart from any other use of the same bytes.
const SESSION_ID_LABEL = 'shardkeep/player/session-id\u0000';

/**
 * The token is the entropy itself (base64url); the session id is a truncated hash of
 * it under its own label: public (it is in the log), yet it reveals nothing of the token.
 * `undefined` when the host handed over too few bytes for a token.
 */
export const mintSession = (entropy: Uint8Array): MintedSession | undefined => {
  if (entropy.length < MIN_TOKEN_ENTROPY_BYTES) return undefined;
  const token = Buffer.from(entropy).toString('base64url');
  const sessionId = createHash('sha256').update(SESSION_ID_LABEL).update(entropy).digest('hex').slice(0, 16);
  return { sessionId, token, tokenHash: hashToken(token) };
};

const expired = (session: Session): SessionExpired => ({ type: 'SessionExpired', data: { sessionId: session.sessionId } });
const revoked = (session: Session, reason: SessionRevokedReason): SessionRevoked => ({
  type: 'SessionRevoked',
  data: { sessionId: session.sessionId, reason },
});

/**
 * Retires sessions, telling the log which had already lapsed (expired) and which a
 * command cut short (revoked): an audit of who was online depends on the difference.
 */
const retire = (sessions: readonly Session[], now: number, reason: SessionRevokedReason): PlayerEvent[] =>
  sessions.map((session) => (isExpired(session, now) ? expired(session) : revoked(session, reason)));

/**
 * Starts a session. Lapsed sessions are retired first; then single-session mode revokes
 * every live one, multi-session mode the oldest beyond MAX_CONCURRENT_SESSIONS - 1.
 * The token leaves only in the result: a retry (same commandId) gets no result, so a
 * client that lost the reply logs in again under a new commandId.
 */
export const decideLogin = (state: RegisteredPlayer, now: number, entropy: Uint8Array, options: PlayerOptions): Decision<PlayerEvent> => {
  const minted = mintSession(entropy);
  if (minted === undefined) return reject('INTERNAL', `a session token needs ${MIN_TOKEN_ENTROPY_BYTES} bytes of entropy, got ${entropy.length}`);
  // Only reused entropy (a host bug) can collide: refuse rather than hand out a known token.
  if (state.sessions.some((session) => session.sessionId === minted.sessionId)) {
    return reject('INTERNAL', 'session id already in use: the entropy was reused');
  }
  const lapsed = state.sessions.filter((session) => isExpired(session, now));
  const live = state.sessions.filter((session) => !isExpired(session, now));
  const keep = options.singleSession ? 0 : MAX_CONCURRENT_SESSIONS - 1;
  const displaced = live.slice(0, Math.max(0, live.length - keep));
  const started: Session = {
    sessionId: minted.sessionId,
    tokenHash: minted.tokenHash,
    startedAt: now,
    // Options guarantee idle <= absolute, so the idle expiry is the effective one.
    idleExpiresAt: now + options.idleTimeoutMs,
    absoluteExpiresAt: now + options.absoluteTimeoutMs,
  };
  return acceptWith<PlayerEvent>(
    { sessionId: minted.sessionId, token: minted.token, expiresAt: expiresAt(started), absoluteExpiresAt: started.absoluteExpiresAt },
    ...lapsed.map(expired),
    ...displaced.map((session) => revoked(session, options.singleSession ? 'replaced' : 'sessionLimit')),
    { type: 'SessionStarted', data: started },
  );
};

const findSession = (state: RegisteredPlayer, sessionId: string): Session | undefined =>
  state.sessions.find((session) => session.sessionId === sessionId);

/**
 * A command that names a lapsed session records SessionExpired and answers
 * `{ expired: true }` instead of being rejected: a decider cannot both append and
 * reject, and the expiry is a fact worth keeping. Clients check `expired` (or, on a
 * retry that carries no result, the event type) before trusting the session.
 */
const expiredAnswer = (session: Session): Decision<PlayerEvent> => acceptWith({ expired: true }, expired(session));

export const decideLogout = (state: RegisteredPlayer, now: number, sessionId: string): Decision<PlayerEvent> => {
  const session = findSession(state, sessionId);
  if (session === undefined) return reject('REJECTED', `no active session ${sessionId}`);
  if (isExpired(session, now)) return expiredAnswer(session);
  return acceptWith({ expired: false }, { type: 'SessionEnded', data: { sessionId } });
};

/** Pushes the idle expiry forward, never past the absolute expiry. */
export const decideTouch = (state: RegisteredPlayer, now: number, sessionId: string, options: PlayerOptions): Decision<PlayerEvent> => {
  const session = findSession(state, sessionId);
  if (session === undefined) return reject('REJECTED', `no active session ${sessionId}`);
  if (isExpired(session, now)) return expiredAnswer(session);
  const idleExpiresAt = Math.min(now + options.idleTimeoutMs, session.absoluteExpiresAt);
  return acceptWith({ expired: false, expiresAt: idleExpiresAt }, { type: 'SessionTouched', data: { sessionId, idleExpiresAt } });
};

export const decideRevokeSessions = (state: RegisteredPlayer, now: number): Decision<PlayerEvent> =>
  accept(...retire(state.sessions, now, 'admin'));
