import type { RecordedEvent } from '../../events/catalog/index.js';
import type { PlayerEvent } from '../../events/player.js';
import type { WorldEvent } from '../../events/world.js';
import type { CacheRead, CacheView, ProjectedBatch, Projection } from '../runner/projection.js';
import { eventKinds } from '../shared/event-kinds.js';
import { idOfStream } from '../shared/streams.js';
import { ValueOverlay } from '../shared/value-overlay.js';
import {
  NO_PROFILE,
  cachedSession,
  decodeProfile,
  decodeSession,
  encodeProfile,
  encodeSession,
  playerKey,
  sessionKey,
  type CachedSession,
  type PlayerProfile,
  type SessionRecord,
} from './session-value.js';

export const SESSIONS_PROJECTION = 'sessions';
/** Player streams are `player-<playerId>`. */
export const PLAYER_STREAM_CATEGORY = 'player';
export const DEFAULT_SESSION_TTL_MS = 24 * 60 * 60 * 1000;

export interface SessionsProjectionOptions {
  /** TTL of `session:<playerId>`, set again by every event that rewrites it. Default 24 h. */
  readonly ttlMs?: number;
}

type PlayerEventType = PlayerEvent['type'];

/** Which keys each player event needs before it can be folded. */
const READS: { readonly [Type in PlayerEventType]: { readonly session: boolean; readonly profile: boolean } } = {
  PlayerRegistered: { session: false, profile: false },
  SessionStarted: { session: true, profile: true },
  SessionTouched: { session: true, profile: false },
  SessionEnded: { session: true, profile: false },
  SessionExpired: { session: true, profile: false },
  SessionRevoked: { session: true, profile: false },
  ZoneChanged: { session: true, profile: true },
  PresenceChanged: { session: true, profile: true },
  GoldCredited: { session: false, profile: false },
  GoldDebited: { session: false, profile: false },
  GoldDebitVoided: { session: false, profile: false },
  PlayerJoinedGuild: { session: true, profile: true },
  PlayerLeftGuild: { session: true, profile: true },
};

const isPlayerEvent = eventKinds<PlayerEvent>(READS);

/** A batch's sessions and profiles, decoded once and folded event by event. */
class SessionsBatch {
  readonly sessions: ValueOverlay<CachedSession>;
  readonly profiles: ValueOverlay<PlayerProfile>;

  constructor(view: CacheView) {
    this.sessions = new ValueOverlay(view, { encode: encodeSession, decode: decodeSession });
    this.profiles = new ValueOverlay(view, { encode: encodeProfile, decode: decodeProfile });
  }

  profile(playerId: string): PlayerProfile {
    return this.profiles.get(playerKey(playerId)) ?? NO_PROFILE;
  }

  start(playerId: string, started: SessionRecord): void {
    const current = this.sessions.get(sessionKey(playerId));
    const others = current === undefined ? [] : [...current.otherSessions, current];
    this.sessions.set(sessionKey(playerId), cachedSession(playerId, started, this.profile(playerId), others));
  }

  /** Applies `change` to the session `sessionId`, the newest or an older one. */
  updateSession(playerId: string, sessionId: string, change: (session: SessionRecord) => SessionRecord): void {
    const current = this.sessions.get(sessionKey(playerId));
    if (current === undefined) return;
    const others = current.otherSessions.map((other) => (other.sessionId === sessionId ? change(other) : other));
    const newest = current.sessionId === sessionId ? change(current) : current;
    this.sessions.set(sessionKey(playerId), cachedSession(playerId, newest, current, others));
  }

  /** Retires a session; the newest remaining one, if any, takes its place. */
  retire(playerId: string, sessionId: string): void {
    const current = this.sessions.get(sessionKey(playerId));
    if (current === undefined) return;
    if (current.sessionId !== sessionId) {
      if (!current.otherSessions.some((other) => other.sessionId === sessionId)) return;
      const others = current.otherSessions.filter((other) => other.sessionId !== sessionId);
      this.sessions.set(sessionKey(playerId), cachedSession(playerId, current, current, others));
      return;
    }
    const newest = current.otherSessions.at(-1);
    if (newest === undefined) this.sessions.delete(sessionKey(playerId));
    else this.sessions.set(sessionKey(playerId), cachedSession(playerId, newest, current, current.otherSessions.slice(0, -1)));
  }

  /** A change of zone, presence or guild: kept in the profile, copied into the live session. */
  changeProfile(playerId: string, change: Partial<PlayerProfile>, activityAt?: number): void {
    const profile = { ...this.profile(playerId), ...change };
    this.profiles.set(playerKey(playerId), profile);
    const current = this.sessions.get(sessionKey(playerId));
    if (current === undefined) return;
    const newest = activityAt === undefined ? current : { ...current, lastActivityAt: activityAt };
    this.sessions.set(sessionKey(playerId), cachedSession(playerId, newest, profile, current.otherSessions));
  }

  fold(playerId: string, event: RecordedEvent<PlayerEvent>): void {
    const at = event.metadata.occurredAt.getTime();
    switch (event.type) {
      case 'SessionStarted': {
        const { sessionId, tokenHash, startedAt, idleExpiresAt, absoluteExpiresAt } = event.data;
        this.start(playerId, { sessionId, tokenHash, loginAt: startedAt, lastActivityAt: startedAt, idleExpiresAt, absoluteExpiresAt });
        return;
      }
      case 'SessionTouched':
        this.updateSession(playerId, event.data.sessionId, (session) => ({ ...session, idleExpiresAt: event.data.idleExpiresAt, lastActivityAt: at }));
        return;
      case 'SessionEnded':
      case 'SessionExpired':
      case 'SessionRevoked':
        this.retire(playerId, event.data.sessionId);
        return;
      case 'ZoneChanged':
        this.changeProfile(playerId, { zone: event.data.to }, at);
        return;
      case 'PresenceChanged':
        this.changeProfile(playerId, { presence: event.data.to }, at);
        return;
      case 'PlayerJoinedGuild':
        this.changeProfile(playerId, { guildId: event.data.guildId });
        return;
      case 'PlayerLeftGuild':
        // As the player actor folds it: leaving another guild than the current one changes nothing.
        if (this.profile(playerId).guildId === event.data.guildId) this.changeProfile(playerId, { guildId: null });
        return;
      case 'PlayerRegistered':
      case 'GoldCredited':
      case 'GoldDebited':
      case 'GoldDebitVoided':
        return;
    }
  }
}

/**
 * `session:<playerId>` (msgpack CachedSession, TTL refreshed by every rewrite) for each
 * player with a live session, deleted when its last session ends, is revoked or
 * expires; `player:<playerId>` (msgpack PlayerProfile, no TTL) for the zone, presence
 * and guild a later login starts from.
 */
export const createSessionsProjection = ({ ttlMs = DEFAULT_SESSION_TTL_MS }: SessionsProjectionOptions = {}): Projection => {
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) throw new RangeError(`ttlMs must be a positive whole number of milliseconds, got ${ttlMs}`);
  return {
    name: SESSIONS_PROJECTION,
    filter: { on: 'streamName', prefixes: [`${PLAYER_STREAM_CATEGORY}-`] },
    reads(events: readonly RecordedEvent<WorldEvent>[]): readonly CacheRead[] {
      const reads: CacheRead[] = [];
      for (const event of events) {
        const playerId = idOfStream(PLAYER_STREAM_CATEGORY, event.stream);
        if (playerId === undefined || !isPlayerEvent(event)) continue;
        const needs = READS[event.type];
        if (needs.session) reads.push({ kind: 'value', key: sessionKey(playerId) });
        if (needs.profile) reads.push({ kind: 'value', key: playerKey(playerId) });
      }
      return reads;
    },
    project(events: readonly RecordedEvent<WorldEvent>[], current: CacheView): ProjectedBatch {
      const batch = new SessionsBatch(current);
      for (const event of events) {
        const playerId = idOfStream(PLAYER_STREAM_CATEGORY, event.stream);
        if (playerId !== undefined && isPlayerEvent(event)) batch.fold(playerId, event);
      }
      return { writes: [...batch.sessions.writes(ttlMs), ...batch.profiles.writes()], notifications: [] };
    },
  };
};
