import type { RecordedEvent } from '../../events/catalog/index.js';
import type { GuildEvent } from '../../events/guild.js';
import type { PlayerEvent } from '../../events/player.js';
import { parseStreamName } from '../../events/store/stream-name.js';
import type { Position } from '../../events/store/position.js';
import type { WorldEvent } from '../../events/world.js';
import { isGuildEvent, isItemEvent, isPlayerEvent } from './event-kinds.js';
import { custodyAfter, type Custody } from './item-custody.js';

/**
 * The world at one point of the log: every player (balance, live sessions, guild), every
 * item (its owner or its escrow) and every guild (members with their ranks, bank). The
 * facts are those the actors fold (actors/player, item, guild: the same events, the same
 * rules), without what the actors keep only to decide (ledger references, session
 * tokens, invitations), so a fold over a long log stays light: one record per actor.
 */

export type GuildRank = 'leader' | 'officer' | 'member';

export interface PlayerAtPoint {
  readonly playerId: string;
  readonly name: string;
  readonly balance: number;
  /** Sessions started and not yet ended, expired or revoked (an idle one counts until a command notices). */
  readonly sessions: number;
  readonly guildId: string | null;
}

export interface ItemAtPoint {
  readonly itemId: string;
  readonly templateId: string | undefined;
  /** As the log records it; an item whose history contradicts itself shows where the log took it. */
  readonly custody: Custody;
}

export interface GuildAtPoint {
  readonly guildId: string;
  readonly name: string;
  readonly status: 'active' | 'disbanded';
  /** Player id → rank, in joining order. */
  readonly members: ReadonlyMap<string, GuildRank>;
  readonly bank: number;
}

export interface WorldAtPoint {
  /** Events folded. */
  readonly events: number;
  /** The last event folded: its global position and the store's time; undefined before any. */
  readonly last: { readonly position: Position; readonly created: Date } | undefined;
  readonly players: ReadonlyMap<string, PlayerAtPoint>;
  readonly items: ReadonlyMap<string, ItemAtPoint>;
  readonly guilds: ReadonlyMap<string, GuildAtPoint>;
}

export interface WorldFold {
  apply(event: RecordedEvent<WorldEvent>): void;
  /** A copy of the world as it stands; further events do not change it. */
  snapshot(): WorldAtPoint;
}

interface MutablePlayer {
  readonly name: string;
  balance: number;
  readonly sessions: Set<string>;
  guildId: string | null;
}

interface MutableGuild {
  readonly name: string;
  status: 'active' | 'disbanded';
  members: Map<string, GuildRank>;
  bank: number;
}

const evolvePlayer = (players: Map<string, MutablePlayer>, playerId: string, event: PlayerEvent): void => {
  if (event.type === 'PlayerRegistered') {
    if (!players.has(playerId)) players.set(playerId, { name: event.data.name, balance: 0, sessions: new Set(), guildId: null });
    return;
  }
  // The actor ignores everything before registration; so does the fold.
  const player = players.get(playerId);
  if (player === undefined) return;
  switch (event.type) {
    case 'SessionStarted':
      player.sessions.add(event.data.sessionId);
      return;
    case 'SessionEnded':
    case 'SessionExpired':
    case 'SessionRevoked':
      player.sessions.delete(event.data.sessionId);
      return;
    case 'GoldCredited':
      player.balance += event.data.amount;
      return;
    case 'GoldDebited':
      player.balance -= event.data.amount;
      return;
    case 'PlayerJoinedGuild':
      player.guildId = event.data.guildId;
      return;
    case 'PlayerLeftGuild':
      if (player.guildId === event.data.guildId) player.guildId = null;
      return;
    case 'SessionTouched':
    case 'ZoneChanged':
    case 'PresenceChanged':
    case 'GoldDebitVoided':
      return;
  }
};

const setRank = (guild: MutableGuild, playerId: string, rank: GuildRank): void => {
  guild.members.set(playerId, rank);
};

/** The guild actor's rules for members and bank (actors/guild/state.ts). */
const evolveGuild = (guilds: Map<string, MutableGuild>, guildId: string, event: GuildEvent): void => {
  const known = guilds.get(guildId);
  if (event.type === 'GuildCreated') {
    if (known === undefined) guilds.set(guildId, { name: event.data.name, status: 'active', members: new Map([[event.data.leaderId, 'leader']]), bank: 0 });
    return;
  }
  if (known === undefined || known.status !== 'active') return;
  const guild = known;
  switch (event.type) {
    case 'MemberJoined':
      if (!guild.members.has(event.data.playerId)) setRank(guild, event.data.playerId, 'member');
      return;
    case 'MemberLeft':
    case 'MemberKicked':
      if (guild.members.get(event.data.playerId) !== 'leader') guild.members.delete(event.data.playerId);
      return;
    case 'MemberPromoted':
      if (guild.members.get(event.data.playerId) === 'member') setRank(guild, event.data.playerId, 'officer');
      return;
    case 'MemberDemoted':
      if (guild.members.get(event.data.playerId) === 'officer') setRank(guild, event.data.playerId, 'member');
      return;
    case 'LeadershipTransferred': {
      const { from, to } = event.data;
      if (guild.members.get(from) !== 'leader' || !guild.members.has(to) || from === to) return;
      setRank(guild, from, 'officer');
      setRank(guild, to, 'leader');
      return;
    }
    case 'GoldDeposited':
      guild.bank += event.data.amount;
      return;
    case 'GoldWithdrawn':
      guild.bank -= event.data.amount;
      return;
    case 'GuildDisbanded':
      guild.status = 'disbanded';
      guild.members = new Map();
      return;
    case 'MemberInvited':
    case 'InviteDeclined':
    case 'JoinRequested':
    case 'JoinRequestRejected':
    case 'MotdSet':
      return;
  }
};

export const createWorldFold = (): WorldFold => {
  const players = new Map<string, MutablePlayer>();
  const items = new Map<string, { templateId: string | undefined; custody: Custody }>();
  const guilds = new Map<string, MutableGuild>();
  let events = 0;
  let last: WorldAtPoint['last'];

  return {
    apply(event) {
      const parsed = parseStreamName(event.stream);
      events += 1;
      last = { position: event.position, created: event.created };
      if (parsed === undefined) return;
      const { category, id } = parsed;
      if (category === 'player' && isPlayerEvent(event)) {
        evolvePlayer(players, id, event);
      } else if (category === 'item' && isItemEvent(event)) {
        const item = items.get(id) ?? { templateId: undefined, custody: { kind: 'unminted' } };
        item.custody = custodyAfter(item.custody, event).next;
        if (event.type === 'ItemMinted') item.templateId ??= event.data.templateId;
        items.set(id, item);
      } else if (category === 'guild' && isGuildEvent(event)) {
        evolveGuild(guilds, id, event);
      }
    },

    snapshot() {
      const playerCopies = new Map<string, PlayerAtPoint>();
      for (const [playerId, { name, balance, sessions, guildId }] of players) {
        playerCopies.set(playerId, { playerId, name, balance, sessions: sessions.size, guildId });
      }
      const itemCopies = new Map<string, ItemAtPoint>();
      for (const [itemId, { templateId, custody }] of items) itemCopies.set(itemId, { itemId, templateId, custody });
      const guildCopies = new Map<string, GuildAtPoint>();
      for (const [guildId, { name, status, members, bank }] of guilds) {
        guildCopies.set(guildId, { guildId, name, status, members: new Map(members), bank });
      }
      return { events, last, players: playerCopies, items: itemCopies, guilds: guildCopies };
    },
  };
};
