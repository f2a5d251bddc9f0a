import { describe, expect, it } from 'vitest';
import type { PlayerEvent, SessionStarted } from '../../events/player.js';
import { DEFAULT_SESSION_TTL_MS, createSessionsProjection } from '../../projections/sessions/index.js';
import { projectionSpec } from '../support/projection-spec.js';
import { LOG_START, recordedLog } from '../support/recorded-log.js';

const MINUTE = 60_000;
const IDLE = 30 * MINUTE;
const ABSOLUTE = 24 * 60 * MINUTE;
const sessions = createSessionsProjection();
const spec = projectionSpec(sessions);

const started = (sessionId: string, at: number): SessionStarted => ({
  type: 'SessionStarted',
  data: { sessionId, tokenHash: `hash-of-${sessionId}`, startedAt: at, idleExpiresAt: at + IDLE, absoluteExpiresAt: at + ABSOLUTE },
});

/** A player log: `p1.at(minutes, event)` records on `player-p1` that many minutes after LOG_START. */
const playerLog = (playerId = 'p1') => {
  const log = recordedLog();
  return { log, at: (minutes: number, event: PlayerEvent) => log.record(`player-${playerId}`, event, LOG_START + minutes * MINUTE) };
};

const session = (sessionId: string, at: number, overrides: Record<string, unknown> = {}) => ({
  playerId: 'p1',
  sessionId,
  tokenHash: `hash-of-${sessionId}`,
  zone: null,
  presence: 'offline',
  guildId: null,
  loginAt: at,
  lastActivityAt: at,
  idleExpiresAt: at + IDLE,
  absoluteExpiresAt: at + ABSOLUTE,
  otherSessions: [],
  ...overrides,
});

const record = (sessionId: string, at: number, overrides: Record<string, unknown> = {}) => ({
  sessionId,
  tokenHash: `hash-of-${sessionId}`,
  loginAt: at,
  lastActivityAt: at,
  idleExpiresAt: at + IDLE,
  absoluteExpiresAt: at + ABSOLUTE,
  ...overrides,
});

const T0 = LOG_START;
const minutes = (n: number): number => T0 + n * MINUTE;

describe('sessions projection', () => {
  it('SessionStarted: session:<playerId> holds the session, with a 24 h TTL and no notification', () => {
    const { at } = playerLog();
    const result = spec.given([]).when([at(0, started('s1', T0))]);
    result.then({ keys: { 'session:p1': session('s1', T0), 'player:p1': undefined }, notifications: [] });
    expect(result.batch.writes).toEqual([{ op: 'set', key: 'session:p1', value: expect.any(Uint8Array), ttlMs: DEFAULT_SESSION_TTL_MS }]);
  });

  it('a login starts from the zone, presence and guild recorded while no session was live', () => {
    const { at } = playerLog();
    spec
      .given([
        at(0, { type: 'ZoneChanged', data: { from: null, to: 'harbor' } }),
        at(1, { type: 'PresenceChanged', data: { from: 'offline', to: 'busy' } }),
        at(2, { type: 'PlayerJoinedGuild', data: { guildId: 'g1' } }),
      ])
      .when([at(3, started('s1', minutes(3)))])
      .then({
        keys: {
          'session:p1': session('s1', minutes(3), { zone: 'harbor', presence: 'busy', guildId: 'g1' }),
          'player:p1': { zone: 'harbor', presence: 'busy', guildId: 'g1' },
        },
      });
  });

  it('SessionTouched: moves the idle expiry and the last activity, and sets the TTL again', () => {
    const { at } = playerLog();
    const result = spec
      .given([at(0, started('s1', T0))])
      .when([at(10, { type: 'SessionTouched', data: { sessionId: 's1', idleExpiresAt: minutes(40) } })]);
    result.then({ keys: { 'session:p1': session('s1', T0, { idleExpiresAt: minutes(40), lastActivityAt: minutes(10) }) } });
    expect(result.batch.writes).toEqual([expect.objectContaining({ op: 'set', key: 'session:p1', ttlMs: DEFAULT_SESSION_TTL_MS })]);
  });

  it('SessionTouched of a session it does not know changes nothing', () => {
    const { at } = playerLog();
    const result = spec.given([at(0, started('s1', T0))]).when([at(1, { type: 'SessionTouched', data: { sessionId: 'other', idleExpiresAt: minutes(31) } })]);
    result.then({ keys: { 'session:p1': session('s1', T0) } });
  });

  it.each([
    ['SessionEnded', { type: 'SessionEnded', data: { sessionId: 's1' } }],
    ['SessionExpired', { type: 'SessionExpired', data: { sessionId: 's1' } }],
    ['SessionRevoked', { type: 'SessionRevoked', data: { sessionId: 's1', reason: 'admin' } }],
  ] as const)('%s: deletes the key; the profile stays', (_name, event) => {
    const { at } = playerLog();
    const result = spec.given([at(0, { type: 'ZoneChanged', data: { from: null, to: 'harbor' } }), at(1, started('s1', minutes(1)))]).when([at(2, event)]);
    result.then({ keys: { 'session:p1': undefined, 'player:p1': { zone: 'harbor', presence: 'offline', guildId: null } } });
    expect(result.batch.writes).toEqual([{ op: 'delete', key: 'session:p1' }]);
  });

  it('a new login replaces the old session: revoked then started, in one batch, is one SET', () => {
    const { at } = playerLog();
    const result = spec
      .given([at(0, started('s1', T0))])
      .when([at(5, { type: 'SessionRevoked', data: { sessionId: 's1', reason: 'replaced' } }), at(5, started('s2', minutes(5)))]);
    result.then({ keys: { 'session:p1': session('s2', minutes(5)) } });
    expect(result.batch.writes).toEqual([expect.objectContaining({ op: 'set', key: 'session:p1' })]);
  });

  it('ZoneChanged and PresenceChanged: in the profile and the live session, as activity', () => {
    const { at } = playerLog();
    spec
      .given([at(0, started('s1', T0))])
      .when([at(3, { type: 'ZoneChanged', data: { from: null, to: 'forest' } }), at(4, { type: 'PresenceChanged', data: { from: 'offline', to: 'online' } })])
      .then({
        keys: {
          'session:p1': session('s1', T0, { zone: 'forest', presence: 'online', lastActivityAt: minutes(4) }),
          'player:p1': { zone: 'forest', presence: 'online', guildId: null },
        },
      });
  });

  it('ZoneChanged with no live session writes only the profile', () => {
    const { at } = playerLog();
    const result = spec.given([]).when([at(0, { type: 'ZoneChanged', data: { from: null, to: 'forest' } })]);
    expect(result.batch.writes).toEqual([{ op: 'set', key: 'player:p1', value: expect.any(Uint8Array) }]);
    result.then({ keys: { 'session:p1': undefined, 'player:p1': { zone: 'forest', presence: 'offline', guildId: null } } });
  });

  it('PlayerJoinedGuild and PlayerLeftGuild: the guild, not activity; leaving another guild changes nothing', () => {
    const { at } = playerLog();
    const joined = spec.given([at(0, started('s1', T0))]).when([at(1, { type: 'PlayerJoinedGuild', data: { guildId: 'g1' } })]);
    joined.then({ keys: { 'session:p1': session('s1', T0, { guildId: 'g1' }) } });
    const { at: at2 } = playerLog();
    const history = [at2(0, started('s1', T0)), at2(1, { type: 'PlayerJoinedGuild', data: { guildId: 'g1' } })];
    spec.given(history).when([at2(2, { type: 'PlayerLeftGuild', data: { guildId: 'g2' } })]).then({ keys: { 'session:p1': session('s1', T0, { guildId: 'g1' }) } });
    const { at: at3 } = playerLog();
    const again = [at3(0, started('s1', T0)), at3(1, { type: 'PlayerJoinedGuild', data: { guildId: 'g1' } })];
    spec
      .given(again)
      .when([at3(2, { type: 'PlayerLeftGuild', data: { guildId: 'g1' } })])
      .then({ keys: { 'session:p1': session('s1', T0), 'player:p1': { zone: null, presence: 'offline', guildId: null } } });
  });

  it('PlayerRegistered, GoldCredited and GoldDebited: nothing read, nothing written', () => {
    const { at } = playerLog();
    const events = [
      at(0, { type: 'PlayerRegistered', data: { playerId: 'p1', name: 'Aria', registeredAt: T0 } }),
      at(1, { type: 'GoldCredited', data: { amount: 5, cause: 'loot', reference: 'r1', balanceAfter: 5 } }),
      at(2, { type: 'GoldDebited', data: { amount: 5, cause: 'fee', reference: 'r2', balanceAfter: 0 } }),
    ];
    expect(sessions.reads(events)).toEqual([]);
    expect(spec.given([]).when(events).batch).toEqual({ writes: [], notifications: [] });
  });

  it('reads exactly the keys each event needs', () => {
    const { at } = playerLog();
    expect(sessions.reads([at(0, started('s1', T0))])).toEqual([
      { kind: 'value', key: 'session:p1' },
      { kind: 'value', key: 'player:p1' },
    ]);
    expect(sessions.reads([at(1, { type: 'SessionEnded', data: { sessionId: 's1' } })])).toEqual([{ kind: 'value', key: 'session:p1' }]);
  });

  it('ignores the events of other streams, and reads nothing for them', () => {
    const log = recordedLog();
    const foreign = [
      log.record('item-i1', { type: 'ItemMinted', data: { templateId: 'sword', owner: 'p1' } }),
      log.record('guild-g1', { type: 'GuildCreated', data: { name: 'Owls', leaderId: 'p1' } }),
    ];
    expect(sessions.reads(foreign)).toEqual([]);
    expect(spec.given([]).when(foreign).batch).toEqual({ writes: [], notifications: [] });
  });

  describe('several sessions per player (singleSession: false)', () => {
    const twoSessions = () => {
      const { at } = playerLog();
      return { at, history: [at(0, started('s1', T0)), at(1, started('s2', minutes(1)))] };
    };

    it('the newest is the session; older live ones are kept, oldest first', () => {
      const { at, history } = twoSessions();
      spec
        .given(history)
        .when([at(2, started('s3', minutes(2)))])
        .then({ keys: { 'session:p1': session('s3', minutes(2), { otherSessions: [record('s1', T0), record('s2', minutes(1))] }) } });
    });

    it('when the newest ends, the newest remaining takes its place', () => {
      const { at, history } = twoSessions();
      spec.given(history).when([at(2, { type: 'SessionEnded', data: { sessionId: 's2' } })]).then({ keys: { 'session:p1': session('s1', T0) } });
    });

    it('an older one ends, or is touched, in place', () => {
      const { at, history } = twoSessions();
      spec
        .given(history)
        .when([at(5, { type: 'SessionTouched', data: { sessionId: 's1', idleExpiresAt: minutes(35) } })])
        .then({ keys: { 'session:p1': session('s2', minutes(1), { otherSessions: [record('s1', T0, { idleExpiresAt: minutes(35), lastActivityAt: minutes(5) })] }) } });
      const again = twoSessions();
      spec
        .given(again.history)
        .when([again.at(5, { type: 'SessionRevoked', data: { sessionId: 's1', reason: 'sessionLimit' } })])
        .then({ keys: { 'session:p1': session('s2', minutes(1)) } });
    });
  });

  it('the TTL is configurable, and must be a positive whole number of milliseconds', () => {
    const { at } = playerLog();
    const hourly = projectionSpec(createSessionsProjection({ ttlMs: 3_600_000 })).given([]).when([at(0, started('s1', T0))]);
    expect(hourly.model.ttl('session:p1')).toBe(3_600_000);
    expect(() => createSessionsProjection({ ttlMs: 0 })).toThrow(RangeError);
    expect(() => createSessionsProjection({ ttlMs: 1.5 })).toThrow(RangeError);
  });

  it('a cached value that does not decode reads as absent', () => {
    const { at } = playerLog();
    const touched = at(1, { type: 'SessionTouched', data: { sessionId: 's1', idleExpiresAt: minutes(31) } });
    const batch = sessions.project([touched], { value: () => new Uint8Array([0xc1]), hash: () => new Map() });
    expect(batch).toEqual({ writes: [], notifications: [] });
  });
});
