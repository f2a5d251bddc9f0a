import { describe, expect, it } from 'vitest';
import { createPlayerDecider } from '../../../actors/player/decider.js';
import { MAX_CONCURRENT_SESSIONS, PlayerOptionsError, parsePlayerOptions } from '../../../actors/player/options.js';
import { mintSession } from '../../../actors/player/sessions.js';
import type { PlayerEvent } from '../../../events/player.js';
import { deciderSpec } from '../../support/decider-spec.js';
import {
  ABSOLUTE,
  HOUR,
  IDLE,
  MINUTE,
  NOW,
  ctx,
  entropyOf,
  multiSession,
  registered,
  self,
  server,
  sessionIdOf,
  sessionStarted,
  sha256,
  singleSession,
} from './fixtures.js';

const login = { type: 'login', data: {} } as const;
const at = (ms: number): number => NOW.getTime() + ms;

describe('player: login', () => {
  it('given a registered player, when it logs in, then SessionStarted holds the token hash and the reply the token', () => {
    const { decision, then } = singleSession.given([registered]).when(login, ctx(self, 0, 42));
    then([sessionStarted(42)]);
    if (!decision.ok) throw new Error('expected success');
    const token = Buffer.from(entropyOf(42)).toString('base64url');
    expect(decision.result).toEqual({
      sessionId: sessionIdOf(42),
      token,
      expiresAt: at(IDLE),
      absoluteExpiresAt: at(ABSOLUTE),
    });
    // 32 bytes of entropy: 256 bits, 43 base64url characters.
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sessionStarted(42).data.tokenHash).toBe(sha256(token));
    expect(JSON.stringify(decision.events)).not.toContain(token);
  });

  it('derives the session id from the entropy without revealing the token', () => {
    const minted = mintSession(entropyOf(42));
    expect(minted?.sessionId).toMatch(/^[0-9a-f]{16}$/);
    expect(minted?.token).not.toContain(minted?.sessionId);
    expect(mintSession(entropyOf(43))?.sessionId).not.toBe(minted?.sessionId);
  });

  it('when a server logs the player in, then a session starts too', () => {
    singleSession.given([registered]).when(login, ctx(server, 0, 9)).then([sessionStarted(9)]);
  });

  it('given a live session (single session), when the player logs in again, then the old one is revoked as replaced', () => {
    singleSession
      .given([registered, sessionStarted(1)])
      .when(login, ctx(self, MINUTE, 2))
      .then([{ type: 'SessionRevoked', data: { sessionId: sessionIdOf(1), reason: 'replaced' } }, sessionStarted(2, MINUTE)]);
  });

  it('given a session past its idle expiry, when the player logs in, then the old one is recorded as expired, not revoked', () => {
    singleSession
      .given([registered, sessionStarted(1)])
      .when(login, ctx(self, IDLE, 2))
      .then([{ type: 'SessionExpired', data: { sessionId: sessionIdOf(1) } }, sessionStarted(2, IDLE)]);
  });

  it(`given ${MAX_CONCURRENT_SESSIONS - 1} live sessions (multi session), when it logs in, then nothing is revoked`, () => {
    const given = [registered, ...[1, 2, 3, 4].map((seed) => sessionStarted(seed, seed))];
    multiSession.given(given).when(login, ctx(self, 10, 5)).then([sessionStarted(5, 10)]);
  });

  it(`given ${MAX_CONCURRENT_SESSIONS} live sessions (multi session), when it logs in, then the oldest is revoked for the limit`, () => {
    const given = [registered, ...[1, 2, 3, 4, 5].map((seed) => sessionStarted(seed, seed))];
    multiSession
      .given(given)
      .when(login, ctx(self, 10, 6))
      .then([{ type: 'SessionRevoked', data: { sessionId: sessionIdOf(1), reason: 'sessionLimit' } }, sessionStarted(6, 10)]);
  });

  it('given five sessions of which two lapsed (multi session), when it logs in, then the two expire and no live one is revoked', () => {
    const given = [registered, sessionStarted(1), sessionStarted(2), ...[3, 4, 5].map((seed) => sessionStarted(seed, 20 * MINUTE))];
    multiSession
      .given(given)
      .when(login, ctx(self, IDLE + MINUTE, 6))
      .then([
        { type: 'SessionExpired', data: { sessionId: sessionIdOf(1) } },
        { type: 'SessionExpired', data: { sessionId: sessionIdOf(2) } },
        sessionStarted(6, IDLE + MINUTE),
      ]);
  });

  it('given a session minted from the same entropy, when it logs in, then INTERNAL (reused entropy never yields a known token)', () => {
    singleSession.given([registered, sessionStarted(1)]).when(login, ctx(self, MINUTE, 1)).thenRejects('INTERNAL', /entropy was reused/);
  });

  it('when the host hands over fewer than 16 bytes of entropy, then INTERNAL', () => {
    singleSession
      .given([registered])
      .when(login, { ...ctx(self), entropy: new Uint8Array(15) })
      .thenRejects('INTERNAL', /needs 16 bytes of entropy, got 15/);
  });
});

describe('player: logout', () => {
  it('given a live session, when the player logs out, then SessionEnded', () => {
    const { decision, then } = singleSession.given([registered, sessionStarted(1)]).when({ type: 'logout', data: { sessionId: sessionIdOf(1) } }, ctx(self, MINUTE));
    then([{ type: 'SessionEnded', data: { sessionId: sessionIdOf(1) } }]);
    expect(decision.ok && decision.result).toEqual({ expired: false });
  });

  it('given no such session, when the player logs out, then REJECTED', () => {
    singleSession
      .given([registered, sessionStarted(1), { type: 'SessionEnded', data: { sessionId: sessionIdOf(1) } }])
      .when({ type: 'logout', data: { sessionId: sessionIdOf(1) } }, ctx(self))
      .thenRejects('REJECTED', new RegExp(`no active session ${sessionIdOf(1)}`));
  });

  it('given a lapsed session, when the player logs out, then SessionExpired and { expired: true }', () => {
    const { decision, then } = singleSession.given([registered, sessionStarted(1)]).when({ type: 'logout', data: { sessionId: sessionIdOf(1) } }, ctx(self, IDLE));
    then([{ type: 'SessionExpired', data: { sessionId: sessionIdOf(1) } }]);
    expect(decision.ok && decision.result).toEqual({ expired: true });
  });
});

describe('player: touch', () => {
  const touch = { type: 'touch', data: { sessionId: sessionIdOf(1) } } as const;

  it('given a live session, when touched, then the idle expiry moves to now + idle timeout', () => {
    const { decision, then } = singleSession.given([registered, sessionStarted(1)]).when(touch, ctx(self, 10 * MINUTE));
    then([{ type: 'SessionTouched', data: { sessionId: sessionIdOf(1), idleExpiresAt: at(10 * MINUTE + IDLE) } }]);
    expect(decision.ok && decision.result).toEqual({ expired: false, expiresAt: at(10 * MINUTE + IDLE) });
  });

  it('one millisecond before the idle expiry the session is live; at the expiry it is not', () => {
    singleSession
      .given([registered, sessionStarted(1)])
      .when(touch, ctx(self, IDLE - 1))
      .then([{ type: 'SessionTouched', data: { sessionId: sessionIdOf(1), idleExpiresAt: at(2 * IDLE - 1) } }]);
    const { decision, then } = singleSession.given([registered, sessionStarted(1)]).when(touch, ctx(self, IDLE));
    then([{ type: 'SessionExpired', data: { sessionId: sessionIdOf(1) } }]);
    expect(decision.ok && decision.result).toEqual({ expired: true });
  });

  it('never moves the idle expiry past the absolute expiry', () => {
    const touched = (ms: number): PlayerEvent => ({ type: 'SessionTouched', data: { sessionId: sessionIdOf(1), idleExpiresAt: at(ms + IDLE) } });
    singleSession
      .given([registered, sessionStarted(1), touched(ABSOLUTE - 35 * MINUTE)])
      .when(touch, ctx(self, ABSOLUTE - 10 * MINUTE))
      .then([{ type: 'SessionTouched', data: { sessionId: sessionIdOf(1), idleExpiresAt: at(ABSOLUTE) } }]);
  });

  it('given a session kept alive by touches, when touched at its absolute expiry, then SessionExpired', () => {
    const touches: PlayerEvent[] = [];
    for (let ms = 20 * MINUTE; ms < ABSOLUTE; ms += 20 * MINUTE) {
      touches.push({ type: 'SessionTouched', data: { sessionId: sessionIdOf(1), idleExpiresAt: Math.min(at(ms + IDLE), at(ABSOLUTE)) } });
    }
    singleSession
      .given([registered, sessionStarted(1), ...touches])
      .when(touch, ctx(self, ABSOLUTE))
      .then([{ type: 'SessionExpired', data: { sessionId: sessionIdOf(1) } }]);
  });

  it('given no such session, when touched, then REJECTED', () => {
    singleSession.given([registered]).when(touch, ctx(self)).thenRejects('REJECTED', /no active session/);
  });
});

describe('player: revokeSessions', () => {
  it('given sessions, when a server revokes them, then every live one is revoked by admin and lapsed ones expire', () => {
    multiSession
      .given([registered, sessionStarted(1), sessionStarted(2, IDLE), sessionStarted(3, IDLE + MINUTE)])
      .when({ type: 'revokeSessions', data: {} }, ctx(server, IDLE + 2 * MINUTE))
      .then([
        { type: 'SessionExpired', data: { sessionId: sessionIdOf(1) } },
        { type: 'SessionRevoked', data: { sessionId: sessionIdOf(2), reason: 'admin' } },
        { type: 'SessionRevoked', data: { sessionId: sessionIdOf(3), reason: 'admin' } },
      ]);
  });

  it('given no sessions, when a server revokes them, then success with no events', () => {
    singleSession.given([registered]).when({ type: 'revokeSessions', data: {} }, ctx(server)).then([]);
  });
});

describe('player: session options', () => {
  it('uses the configured timeouts', () => {
    const spec = deciderSpec(createPlayerDecider({ idleTimeoutMs: 5 * MINUTE, absoluteTimeoutMs: HOUR }));
    spec.given([registered]).when(login, ctx(self, 0, 3)).then([sessionStarted(3, 0, 5 * MINUTE, HOUR)]);
  });

  it('defaults to one session, 30 minutes idle and 24 hours absolute; undefined means default', () => {
    expect(parsePlayerOptions()).toEqual({ singleSession: true, idleTimeoutMs: IDLE, absoluteTimeoutMs: ABSOLUTE });
    expect(parsePlayerOptions({ idleTimeoutMs: undefined, singleSession: false })).toEqual({
      singleSession: false,
      idleTimeoutMs: IDLE,
      absoluteTimeoutMs: ABSOLUTE,
    });
  });

  it.each([
    [{ idleTimeoutMs: 0 }, /idleTimeoutMs must be/],
    [{ idleTimeoutMs: 1.5 }, /idleTimeoutMs must be/],
    [{ idleTimeoutMs: Number.NaN }, /idleTimeoutMs must be/],
    [{ absoluteTimeoutMs: Number.POSITIVE_INFINITY }, /absoluteTimeoutMs must be/],
    [{ absoluteTimeoutMs: -1 }, /absoluteTimeoutMs must be/],
    [{ idleTimeoutMs: 2 * HOUR, absoluteTimeoutMs: HOUR }, /must not exceed absoluteTimeoutMs/],
  ])('refuses %o at startup', (options, message) => {
    expect(() => createPlayerDecider(options)).toThrow(PlayerOptionsError);
    expect(() => parsePlayerOptions(options)).toThrow(message);
  });
});
