import { z } from 'zod';
import type { GuildEvent } from '../../events/guild.js';
import type { SnapshotCodec } from '../runtime/actor-definition.js';
import { GUILD_ROLES, type GuildRole } from './roles.js';

/**
 * How many bank references a guild remembers. A deposit or withdrawal whose reference
 * is among them is refused, so a movement re-sent under a new commandId (a process
 * manager that crashed between its two sides) cannot count twice. A constant, not a
 * setting: it shapes what `evolve` produces, so changing it means a new snapshot
 * version. 1024 movements is far beyond any retry horizon.
 */
export const REFERENCE_WINDOW = 1024;

export interface ActiveGuild {
  readonly status: 'active';
  readonly name: string;
  /** Every member with its rank, in joining order; exactly one is the leader. */
  readonly members: ReadonlyMap<string, GuildRole>;
  /** Players invited and not yet answered; never members. */
  readonly invites: ReadonlySet<string>;
  /** Players who asked to join and were not yet answered; never members, never invited. */
  readonly requests: ReadonlySet<string>;
  /** Empty until an officer sets one (a set message is never empty). */
  readonly motd: string;
  /** Gold in the bank: 0 ≤ bank ≤ MAX_BALANCE. */
  readonly bank: number;
  /** The last REFERENCE_WINDOW bank references, oldest first. */
  readonly references: readonly string[];
}

/**
 * `unformed`: nothing was created under this id yet. `disbanded`: the last member left;
 * the id stays taken so a roster projection never mixes two guilds in one stream.
 */
export type GuildState =
  | { readonly status: 'unformed' }
  | ActiveGuild
  | { readonly status: 'disbanded'; readonly name: string };

export const initialGuildState = (): GuildState => ({ status: 'unformed' });

export const leaderOf = (guild: ActiveGuild): string | undefined => {
  for (const [playerId, role] of guild.members) if (role === 'leader') return playerId;
  return undefined;
};

const withRole = (guild: ActiveGuild, playerId: string, role: GuildRole): ActiveGuild =>
  ({ ...guild, members: new Map(guild.members).set(playerId, role) });

const without = <T>(items: ReadonlySet<T>, item: T): ReadonlySet<T> => {
  if (!items.has(item)) return items;
  const copy = new Set(items);
  copy.delete(item);
  return copy;
};

const withoutMember = (guild: ActiveGuild, playerId: string): ActiveGuild => {
  const members = new Map(guild.members);
  members.delete(playerId);
  return { ...guild, members };
};

const remember = (references: readonly string[], reference: string): readonly string[] =>
  [...references, reference].slice(-REFERENCE_WINDOW);

/**
 * Folds one event. Never throws: an event that does not fit the state (a join for a
 * guild never created, a promotion of a player who is not a member) leaves it as is.
 */
export const evolveGuild = (state: GuildState, event: GuildEvent): GuildState => {
  if (event.type === 'GuildCreated') {
    if (state.status !== 'unformed') return state;
    return {
      status: 'active',
      name: event.data.name,
      members: new Map([[event.data.leaderId, 'leader']]),
      invites: new Set(),
      requests: new Set(),
      motd: '',
      bank: 0,
      references: [],
    };
  }
  if (state.status !== 'active') return state;
  const guild = state;
  switch (event.type) {
    case 'MemberInvited':
      return guild.members.has(event.data.playerId) ? guild : { ...guild, invites: new Set(guild.invites).add(event.data.playerId) };
    case 'InviteDeclined':
      return { ...guild, invites: without(guild.invites, event.data.playerId) };
    case 'JoinRequested':
      return guild.members.has(event.data.playerId) ? guild : { ...guild, requests: new Set(guild.requests).add(event.data.playerId) };
    case 'JoinRequestRejected':
      return { ...guild, requests: without(guild.requests, event.data.playerId) };
    case 'MemberJoined': {
      const { playerId } = event.data;
      if (guild.members.has(playerId)) return guild;
      return {
        ...withRole(guild, playerId, 'member'),
        invites: without(guild.invites, playerId),
        requests: without(guild.requests, playerId),
      };
    }
    case 'MemberLeft':
    case 'MemberKicked':
      // The leader is only ever removed by GuildDisbanded: removing it here would leave none.
      return guild.members.get(event.data.playerId) === 'leader' ? guild : withoutMember(guild, event.data.playerId);
    case 'MemberPromoted':
      return guild.members.get(event.data.playerId) === 'member' ? withRole(guild, event.data.playerId, 'officer') : guild;
    case 'MemberDemoted':
      return guild.members.get(event.data.playerId) === 'officer' ? withRole(guild, event.data.playerId, 'member') : guild;
    case 'LeadershipTransferred': {
      const { from, to } = event.data;
      if (guild.members.get(from) !== 'leader' || !guild.members.has(to) || from === to) return guild;
      return withRole(withRole(guild, from, 'officer'), to, 'leader');
    }
    case 'MotdSet':
      return { ...guild, motd: event.data.text };
    case 'GoldDeposited':
      return { ...guild, bank: guild.bank + event.data.amount, references: remember(guild.references, event.data.reference) };
    case 'GoldWithdrawn':
      return { ...guild, bank: guild.bank - event.data.amount, references: remember(guild.references, event.data.reference) };
    case 'GuildDisbanded':
      return { status: 'disbanded', name: guild.name };
    default: {
      const _: never = event;
      return guild;
    }
  }
};

/**
 * Snapshots hold maps and sets as arrays (msgpack writes plain data) and are checked on
 * the way back: a snapshot that does not parse throws, and the host rebuilds from events.
 */
const SnapshotSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('unformed') }),
  z.object({
    status: z.literal('active'),
    name: z.string(),
    members: z.array(z.tuple([z.string(), z.enum(GUILD_ROLES)])),
    invites: z.array(z.string()),
    requests: z.array(z.string()),
    motd: z.string(),
    bank: z.number().int().nonnegative(),
    references: z.array(z.string()),
  }),
  z.object({ status: z.literal('disbanded'), name: z.string() }),
]);

export const guildSnapshotCodec: SnapshotCodec<GuildState> = {
  version: 1,
  encode: (state) =>
    state.status === 'active'
      ? { ...state, members: [...state.members], invites: [...state.invites], requests: [...state.requests] }
      : state,
  decode: (payload) => {
    const snapshot = SnapshotSchema.parse(payload);
    if (snapshot.status !== 'active') return snapshot;
    return { ...snapshot, members: new Map(snapshot.members), invites: new Set(snapshot.invites), requests: new Set(snapshot.requests) };
  },
};
