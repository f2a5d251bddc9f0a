import type { GuildRole } from '../../actors/guild/roles.js';
import type { GuildEvent } from '../../events/guild.js';
import type { RecordedEvent } from '../../events/catalog/index.js';
import type { WorldEvent } from '../../events/world.js';
import type { CacheRead, CacheView, Notification, ProjectedBatch, Projection } from '../runner/projection.js';
import { eventKinds } from '../shared/event-kinds.js';
import { HashOverlay } from '../shared/hash-overlay.js';
import { idOfStream, isSubjectToken } from '../shared/streams.js';
import { encodeRosterNotice, type RosterNotice } from './roster-notice.js';
import {
  ROSTER_MOTD_FIELD,
  ROSTER_NAME_FIELD,
  decodeRosterEntry,
  encodeRosterEntry,
  encodeText,
  rosterKey,
  rosterSubject,
} from './roster-values.js';

export const ROSTERS_PROJECTION = 'rosters';
/** Guild streams are `guild-<guildId>`. */
export const GUILD_STREAM_CATEGORY = 'guild';

/** Whether each guild event reads the roster: rank changes keep the member's `joinedAt`. */
const READS_ROSTER = {
  GuildCreated: false,
  MemberInvited: false,
  InviteDeclined: false,
  JoinRequested: false,
  JoinRequestRejected: false,
  MemberJoined: false,
  MemberLeft: false,
  MemberKicked: false,
  MemberPromoted: true,
  MemberDemoted: true,
  LeadershipTransferred: true,
  MotdSet: false,
  GoldDeposited: false,
  GoldWithdrawn: false,
  GuildDisbanded: false,
} as const satisfies Record<GuildEvent['type'], boolean>;
const isGuildEvent = eventKinds<GuildEvent>(READS_ROSTER);

class RostersBatch {
  readonly rosters: HashOverlay;
  readonly notices: RosterNotice[] = [];

  constructor(view: CacheView) {
    this.rosters = new HashOverlay(view);
  }

  join(guildId: string, playerId: string, rank: GuildRole, joinedAt: number): void {
    this.rosters.set(rosterKey(guildId), playerId, encodeRosterEntry({ playerId, rank, joinedAt }));
  }

  /** Sets a member's rank; false when the player is not on the roster. */
  rank(guildId: string, playerId: string, rank: GuildRole): boolean {
    const bytes = this.rosters.get(rosterKey(guildId), playerId);
    const entry = bytes === undefined ? undefined : decodeRosterEntry(bytes);
    if (entry === undefined) return false;
    this.join(guildId, playerId, rank, entry.joinedAt);
    return true;
  }

  fold(guildId: string, event: RecordedEvent<GuildEvent>): void {
    const at = event.metadata.occurredAt.getTime();
    const key = rosterKey(guildId);
    switch (event.type) {
      case 'GuildCreated':
        this.rosters.set(key, ROSTER_NAME_FIELD, encodeText(event.data.name));
        this.join(guildId, event.data.leaderId, 'leader', at);
        this.notices.push({ guildId, change: 'created', playerId: event.data.leaderId, rank: 'leader' });
        return;
      case 'MemberJoined':
        this.join(guildId, event.data.playerId, 'member', at);
        this.notices.push({ guildId, change: 'joined', playerId: event.data.playerId, rank: 'member' });
        return;
      case 'MemberLeft':
      case 'MemberKicked':
        this.rosters.remove(key, event.data.playerId);
        this.notices.push({ guildId, change: event.type === 'MemberLeft' ? 'left' : 'kicked', playerId: event.data.playerId });
        return;
      case 'MemberPromoted':
        if (this.rank(guildId, event.data.playerId, 'officer')) this.notices.push({ guildId, change: 'promoted', playerId: event.data.playerId, rank: 'officer' });
        return;
      case 'MemberDemoted':
        if (this.rank(guildId, event.data.playerId, 'member')) this.notices.push({ guildId, change: 'demoted', playerId: event.data.playerId, rank: 'member' });
        return;
      case 'LeadershipTransferred':
        if (this.rank(guildId, event.data.to, 'leader')) this.notices.push({ guildId, change: 'promoted', playerId: event.data.to, rank: 'leader' });
        if (this.rank(guildId, event.data.from, 'officer')) this.notices.push({ guildId, change: 'demoted', playerId: event.data.from, rank: 'officer' });
        return;
      case 'MotdSet':
        this.rosters.set(key, ROSTER_MOTD_FIELD, encodeText(event.data.text));
        this.notices.push({ guildId, change: 'motd', motd: event.data.text });
        return;
      case 'GuildDisbanded':
        this.rosters.clear(key);
        this.notices.push({ guildId, change: 'disbanded', playerId: event.data.playerId });
        return;
      case 'MemberInvited':
      case 'InviteDeclined':
      case 'JoinRequested':
      case 'JoinRequestRejected':
      case 'GoldDeposited':
      case 'GoldWithdrawn':
        // Invitations, join requests and the bank are not part of the roster.
        return;
    }
  }
}

/**
 * `roster:<guildId>` for every guild not disbanded, and a notice on the guild's roster
 * subject for every change of membership, rank or message of the day.
 */
export const createRostersProjection = (): Projection => ({
  name: ROSTERS_PROJECTION,
  filter: { on: 'streamName', prefixes: [`${GUILD_STREAM_CATEGORY}-`] },
  reads(events: readonly RecordedEvent<WorldEvent>[]): readonly CacheRead[] {
    const reads: CacheRead[] = [];
    for (const event of events) {
      const guildId = idOfStream(GUILD_STREAM_CATEGORY, event.stream);
      if (guildId !== undefined && isGuildEvent(event) && READS_ROSTER[event.type]) reads.push({ kind: 'hash', key: rosterKey(guildId) });
    }
    return reads;
  },
  project(events: readonly RecordedEvent<WorldEvent>[], current: CacheView): ProjectedBatch {
    const batch = new RostersBatch(current);
    for (const event of events) {
      const guildId = idOfStream(GUILD_STREAM_CATEGORY, event.stream);
      if (guildId !== undefined && isGuildEvent(event)) batch.fold(guildId, event);
    }
    const notifications: Notification[] = batch.notices
      .filter((notice) => isSubjectToken(notice.guildId))
      .map((notice) => ({ subject: rosterSubject(notice.guildId), payload: encodeRosterNotice(notice) }));
    return { writes: batch.rosters.writes(), notifications };
  },
});
