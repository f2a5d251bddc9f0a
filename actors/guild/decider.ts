import type { GuildEvent } from '../../events/guild.js';
import { accept, reject, type Decider, type Decision, type DecisionContext } from '../runtime/decider.js';
import type { ErrorCode } from '../runtime/protocol/error-codes.js';
import type { Issuer } from '../runtime/protocol/issuer.js';
import { MAX_BALANCE, fitsBalance } from '../shared/values.js';
import type { GuildCommand } from './commands.js';
import { ROLE_RIGHTS, SYSTEM_RIGHTS, type GuildRight, type GuildRights, type GuildRole } from './roles.js';
import { evolveGuild, initialGuildState, leaderOf, type ActiveGuild, type GuildState } from './state.js';

/**
 * Bounds the decider enforces. Unlike REFERENCE_WINDOW they only decide what is
 * accepted next, never how history folds, so they may change between deployments.
 */
export interface GuildLimits {
  readonly maxMembers: number;
  readonly maxPendingInvites: number;
  readonly maxPendingRequests: number;
}

export const DEFAULT_GUILD_LIMITS: GuildLimits = { maxMembers: 500, maxPendingInvites: 100, maxPendingRequests: 100 };

type GuildDecision = Decision<GuildEvent>;
/** A check that failed; returned to the caller as the decision. */
type Refusal = Extract<GuildDecision, { ok: false }>;

const refusal = (code: ErrorCode, message: string): Refusal => ({ ok: false, rejection: { code, message } });
const isRefusal = (value: unknown): value is Refusal => typeof value === 'object' && value !== null && 'rejection' in value;

/** Who acts on the guild: a game server as the system, or one of the guild's members. */
type Acting =
  | { readonly kind: 'system'; readonly rights: GuildRights }
  | { readonly kind: 'member'; readonly playerId: string; readonly role: GuildRole; readonly rights: GuildRights };

const actingOn = (guild: ActiveGuild, issuer: Issuer): Acting | Refusal => {
  if (issuer.kind === 'server') return { kind: 'system', rights: SYSTEM_RIGHTS };
  const role = guild.members.get(issuer.id);
  if (role === undefined) return refusal('UNAUTHORIZED', `${issuer.id} is not a member of ${guild.name}`);
  return { kind: 'member', playerId: issuer.id, role, rights: ROLE_RIGHTS[role] };
};

/** "an officer", "a member", "the system": for messages people read. */
const who = (acting: Acting): string =>
  acting.kind === 'system' ? 'the system' : acting.role === 'officer' ? 'an officer' : `a ${acting.role}`;
const aRole = (role: GuildRole): string => (role === 'officer' ? 'an officer' : `a ${role}`);

const RIGHT_NAMES: { readonly [R in GuildRight]: string } = {
  invite: 'invite players',
  answerJoinRequests: 'answer join requests',
  promoteAndDemote: 'promote or demote',
  transferLeadership: 'transfer the leadership',
  setMotd: 'set the message of the day',
  deposit: 'deposit gold',
  withdraw: 'withdraw gold',
};

/** The acting member or system, if its rank grants `right`. */
const authorize = (guild: ActiveGuild, issuer: Issuer, right: GuildRight): Acting | Refusal => {
  const acting = actingOn(guild, issuer);
  if (isRefusal(acting) || acting.rights[right]) return acting;
  return refusal('UNAUTHORIZED', `${who(acting)} may not ${RIGHT_NAMES[right]}`);
};

/**
 * The player a self-command is about: the issuing player, or the player a game server
 * names. A player naming someone else is refused: the subject proves who it is, and it
 * may act only for itself.
 */
const playerActing = (issuer: Issuer, named: string | undefined, field: string): string | Refusal => {
  if (issuer.kind === 'player') {
    if (named !== undefined && named !== issuer.id) return refusal('UNAUTHORIZED', `${issuer.id} may not act for ${named}`);
    return issuer.id;
  }
  return named ?? refusal('VALIDATION', `a server acting for a player must name it in ${field}`);
};

const memberRole = (guild: ActiveGuild, playerId: string): GuildRole | Refusal =>
  guild.members.get(playerId) ?? refusal('NOT_FOUND', `${playerId} is not a member of ${guild.name}`);

/** Whether another member can join now; the roster is bounded to keep the guild's state and replies bounded. */
const roomFor = (guild: ActiveGuild, limits: GuildLimits): Refusal | undefined =>
  guild.members.size >= limits.maxMembers ? refusal('REJECTED', `${guild.name} is full (${limits.maxMembers} members)`) : undefined;

const referenceUsed = (guild: ActiveGuild, reference: string): Refusal | undefined =>
  guild.references.includes(reference) ? refusal('REJECTED', `bank reference ${reference} was already used`) : undefined;

type Data<Name extends GuildCommand['type']> = Extract<GuildCommand, { type: Name }>['data'];

const create = (data: Data<'create'>, issuer: Issuer): GuildDecision => {
  const leaderId = playerActing(issuer, data.leaderId, 'leaderId');
  if (isRefusal(leaderId)) return leaderId;
  return accept<GuildEvent>({ type: 'GuildCreated', data: { name: data.name, leaderId } });
};

const invite = (guild: ActiveGuild, { playerId }: Data<'invite'>, issuer: Issuer, limits: GuildLimits): GuildDecision => {
  const acting = authorize(guild, issuer, 'invite');
  if (isRefusal(acting)) return acting;
  if (guild.members.has(playerId)) return reject('REJECTED', `${playerId} is already a member`);
  if (guild.invites.has(playerId)) return reject('REJECTED', `${playerId} is already invited`);
  if (guild.requests.has(playerId)) return reject('REJECTED', `${playerId} asked to join: accept the request instead`);
  const full = roomFor(guild, limits);
  if (full !== undefined) return full;
  if (guild.invites.size >= limits.maxPendingInvites) {
    return reject('REJECTED', `${guild.name} has ${limits.maxPendingInvites} invites pending`);
  }
  return accept<GuildEvent>({ type: 'MemberInvited', data: { playerId } });
};

const acceptInvite = (guild: ActiveGuild, data: Data<'acceptInvite'>, issuer: Issuer, limits: GuildLimits): GuildDecision => {
  const playerId = playerActing(issuer, data.playerId, 'playerId');
  if (isRefusal(playerId)) return playerId;
  if (!guild.invites.has(playerId)) return reject('REJECTED', `${playerId} has no pending invite to ${guild.name}`);
  return roomFor(guild, limits) ?? accept<GuildEvent>({ type: 'MemberJoined', data: { playerId, via: 'invite' } });
};

const declineInvite = (guild: ActiveGuild, data: Data<'declineInvite'>, issuer: Issuer): GuildDecision => {
  const playerId = playerActing(issuer, data.playerId, 'playerId');
  if (isRefusal(playerId)) return playerId;
  if (!guild.invites.has(playerId)) return reject('REJECTED', `${playerId} has no pending invite to ${guild.name}`);
  return accept<GuildEvent>({ type: 'InviteDeclined', data: { playerId } });
};

const requestJoin = (guild: ActiveGuild, data: Data<'requestJoin'>, issuer: Issuer, limits: GuildLimits): GuildDecision => {
  const playerId = playerActing(issuer, data.playerId, 'playerId');
  if (isRefusal(playerId)) return playerId;
  if (guild.members.has(playerId)) return reject('REJECTED', `${playerId} is already a member`);
  if (guild.requests.has(playerId)) return reject('REJECTED', `${playerId} already asked to join`);
  if (guild.invites.has(playerId)) return reject('REJECTED', `${playerId} is invited: accept the invite instead`);
  const full = roomFor(guild, limits);
  if (full !== undefined) return full;
  if (guild.requests.size >= limits.maxPendingRequests) {
    return reject('REJECTED', `${guild.name} has ${limits.maxPendingRequests} join requests pending`);
  }
  return accept<GuildEvent>({ type: 'JoinRequested', data: { playerId } });
};

const answerRequest = (
  guild: ActiveGuild,
  { playerId }: Data<'acceptRequest' | 'rejectRequest'>,
  issuer: Issuer,
  answer: 'accept' | 'reject',
  limits: GuildLimits,
): GuildDecision => {
  const acting = authorize(guild, issuer, 'answerJoinRequests');
  if (isRefusal(acting)) return acting;
  if (!guild.requests.has(playerId)) return reject('REJECTED', `${playerId} has no pending join request`);
  if (answer === 'reject') return accept<GuildEvent>({ type: 'JoinRequestRejected', data: { playerId } });
  return roomFor(guild, limits) ?? accept<GuildEvent>({ type: 'MemberJoined', data: { playerId, via: 'request' } });
};

const leave = (guild: ActiveGuild, data: Data<'leave'>, issuer: Issuer): GuildDecision => {
  const playerId = playerActing(issuer, data.playerId, 'playerId');
  if (isRefusal(playerId)) return playerId;
  const role = memberRole(guild, playerId);
  if (isRefusal(role)) return role;
  if (role !== 'leader') return accept<GuildEvent>({ type: 'MemberLeft', data: { playerId } });
  if (guild.members.size > 1) return reject('REJECTED', 'the leader may leave only as the last member: transfer the leadership first');
  // Disbanding with gold in the bank would destroy it; the leader withdraws it first.
  if (guild.bank > 0) return reject('REJECTED', `the bank still holds ${guild.bank} gold: withdraw it before disbanding`);
  return accept<GuildEvent>({ type: 'GuildDisbanded', data: { playerId } });
};

const kick = (guild: ActiveGuild, { playerId }: Data<'kick'>, issuer: Issuer): GuildDecision => {
  const acting = actingOn(guild, issuer);
  if (isRefusal(acting)) return acting;
  if (acting.rights.kick.length === 0) return reject('UNAUTHORIZED', `${who(acting)} may not kick`);
  const role = memberRole(guild, playerId);
  if (isRefusal(role)) return role;
  if (acting.kind === 'member' && acting.playerId === playerId) return reject('REJECTED', 'a player cannot kick itself: leave instead');
  if (!acting.rights.kick.includes(role)) {
    return acting.kind === 'system'
      ? reject('REJECTED', `${playerId} leads ${guild.name}: transfer the leadership before removing them`)
      : reject('UNAUTHORIZED', `${who(acting)} may not kick ${aRole(role)}`);
  }
  return accept<GuildEvent>({ type: 'MemberKicked', data: { playerId } });
};

const changeRank = (
  guild: ActiveGuild,
  { playerId }: Data<'promote' | 'demote'>,
  issuer: Issuer,
  to: 'officer' | 'member',
): GuildDecision => {
  const acting = authorize(guild, issuer, 'promoteAndDemote');
  if (isRefusal(acting)) return acting;
  const role = memberRole(guild, playerId);
  if (isRefusal(role)) return role;
  if (role === 'leader') return reject('REJECTED', `${playerId} is the leader: transfer the leadership instead`);
  if (role === to) return reject('REJECTED', `${playerId} is already ${aRole(to)}`);
  return to === 'officer'
    ? accept<GuildEvent>({ type: 'MemberPromoted', data: { playerId } })
    : accept<GuildEvent>({ type: 'MemberDemoted', data: { playerId } });
};

const transferLeadership = (
  guild: ActiveGuild,
  { playerId }: Data<'transferLeadership'>,
  issuer: Issuer,
  leader: string,
): GuildDecision => {
  const acting = authorize(guild, issuer, 'transferLeadership');
  if (isRefusal(acting)) return acting;
  const role = memberRole(guild, playerId);
  if (isRefusal(role)) return role;
  if (role === 'leader') return reject('REJECTED', `${playerId} already leads ${guild.name}`);
  return accept<GuildEvent>({ type: 'LeadershipTransferred', data: { from: leader, to: playerId } });
};

const setMotd = (guild: ActiveGuild, { text }: Data<'setMotd'>, issuer: Issuer): GuildDecision => {
  const acting = authorize(guild, issuer, 'setMotd');
  if (isRefusal(acting)) return acting;
  // Setting the message it already has changes nothing, so nothing is appended.
  return text === guild.motd ? accept<GuildEvent>() : accept<GuildEvent>({ type: 'MotdSet', data: { text } });
};

/**
 * Gold into the bank. The member's wallet is debited by a separate command on the
 * player actor, sent first by the game server or a process manager with the same
 * reference; this actor cannot see the wallet. Each side refuses a reference it has
 * already applied, so re-sending either side is harmless, but nothing here proves the
 * debit happened: pairing the two sides atomically is the trade machinery's job
 * (escrow and compensation, next issue). Until then only trusted servers should pair them.
 */
const deposit = (guild: ActiveGuild, data: Data<'deposit'>, issuer: Issuer): GuildDecision => {
  const from = playerActing(issuer, data.from, 'from');
  if (isRefusal(from)) return from;
  if (issuer.kind === 'player') {
    const acting = authorize(guild, issuer, 'deposit');
    if (isRefusal(acting)) return acting;
  } else if (!guild.members.has(from)) {
    return reject('NOT_FOUND', `${from} is not a member of ${guild.name}`);
  }
  const used = referenceUsed(guild, data.reference);
  if (used !== undefined) return used;
  if (!fitsBalance(guild.bank, data.amount)) {
    return reject('REJECTED', `the bank would exceed ${MAX_BALANCE} gold (holds ${guild.bank})`);
  }
  return accept<GuildEvent>({ type: 'GoldDeposited', data: { from, amount: data.amount, reference: data.reference } });
};

/** Gold out of the bank to a member; crediting the wallet is, again, a command of its own. */
const withdraw = (guild: ActiveGuild, data: Data<'withdraw'>, issuer: Issuer): GuildDecision => {
  const acting = authorize(guild, issuer, 'withdraw');
  if (isRefusal(acting)) return acting;
  const role = memberRole(guild, data.to);
  if (isRefusal(role)) return role;
  const used = referenceUsed(guild, data.reference);
  if (used !== undefined) return used;
  if (data.amount > guild.bank) return reject('REJECTED', `the bank holds ${guild.bank} gold, ${data.amount} asked`);
  return accept<GuildEvent>({ type: 'GoldWithdrawn', data: { to: data.to, amount: data.amount, reference: data.reference } });
};

const decideActive = (command: GuildCommand, guild: ActiveGuild, context: DecisionContext, limits: GuildLimits): GuildDecision => {
  const { issuer } = context;
  switch (command.type) {
    case 'create':
      return reject('REJECTED', `guild ${context.actorId} already exists (${guild.name})`);
    case 'invite':
      return invite(guild, command.data, issuer, limits);
    case 'acceptInvite':
      return acceptInvite(guild, command.data, issuer, limits);
    case 'declineInvite':
      return declineInvite(guild, command.data, issuer);
    case 'requestJoin':
      return requestJoin(guild, command.data, issuer, limits);
    case 'acceptRequest':
      return answerRequest(guild, command.data, issuer, 'accept', limits);
    case 'rejectRequest':
      return answerRequest(guild, command.data, issuer, 'reject', limits);
    case 'leave':
      return leave(guild, command.data, issuer);
    case 'kick':
      return kick(guild, command.data, issuer);
    case 'promote':
      return changeRank(guild, command.data, issuer, 'officer');
    case 'demote':
      return changeRank(guild, command.data, issuer, 'member');
    case 'transferLeadership': {
      const leader = leaderOf(guild);
      // Unreachable while the one-leader invariant holds; refused rather than thrown.
      if (leader === undefined) return reject('REJECTED', `${guild.name} has no leader`);
      return transferLeadership(guild, command.data, issuer, leader);
    }
    case 'setMotd':
      return setMotd(guild, command.data, issuer);
    case 'deposit':
      return deposit(guild, command.data, issuer);
    case 'withdraw':
      return withdraw(guild, command.data, issuer);
    default: {
      const _: never = command;
      return reject('NOT_FOUND', 'unknown guild command');
    }
  }
};

export const createGuildDecider = (overrides: Partial<GuildLimits> = {}): Decider<GuildState, GuildCommand, GuildEvent> => {
  const limits: GuildLimits = { ...DEFAULT_GUILD_LIMITS, ...overrides };
  return {
    initialState: initialGuildState,
    evolve: evolveGuild,
    decide: (command, state, context) => {
      switch (state.status) {
        case 'unformed':
          return command.type === 'create' ? create(command.data, context.issuer) : reject('NOT_FOUND', `no guild ${context.actorId}`);
        case 'disbanded':
          return command.type === 'create'
            ? reject('REJECTED', `guild ${context.actorId} (${state.name}) was disbanded; its id is not reused`)
            : reject('NOT_FOUND', `guild ${context.actorId} was disbanded`);
        case 'active':
          return decideActive(command, state, context, limits);
        default: {
          const _: never = state;
          return reject('NOT_FOUND', 'unknown guild state');
        }
      }
    },
  };
};

export const guildDecider = createGuildDecider();
