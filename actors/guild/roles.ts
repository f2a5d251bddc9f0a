/**
 * Ranks inside a guild and what each may do, as data: the decider reads this table
 * and the README prints it, so the two cannot drift apart. Ranks only restrict what a
 * player may do; the guild's invariants (one leader, a bounded roster, a bank never
 * below zero) hold for everyone, the system included.
 */
export const GUILD_ROLES = ['leader', 'officer', 'member'] as const;
export type GuildRole = (typeof GUILD_ROLES)[number];

export interface GuildRights {
  /** Invite a player who is not a member. */
  readonly invite: boolean;
  /** Accept or reject a player's request to join. */
  readonly answerJoinRequests: boolean;
  /** The ranks this one may kick (never itself: a player leaves instead). */
  readonly kick: readonly GuildRole[];
  /** Promote a member to officer, demote an officer to member. */
  readonly promoteAndDemote: boolean;
  /** Hand the leadership to another member, becoming an officer. */
  readonly transferLeadership: boolean;
  readonly setMotd: boolean;
  readonly deposit: boolean;
  /** Pay gold out of the bank to a member. */
  readonly withdraw: boolean;
}

/** The rights that are a plain yes or no (everything but `kick`). */
export type GuildRight = { readonly [K in keyof GuildRights]: GuildRights[K] extends boolean ? K : never }[keyof GuildRights];

export const ROLE_RIGHTS: { readonly [Role in GuildRole]: GuildRights } = {
  leader: {
    invite: true,
    answerJoinRequests: true,
    kick: ['officer', 'member'],
    promoteAndDemote: true,
    transferLeadership: true,
    setMotd: true,
    deposit: true,
    withdraw: true,
  },
  officer: {
    invite: true,
    answerJoinRequests: true,
    // Officers never kick each other: only the leader removes an officer.
    kick: ['member'],
    promoteAndDemote: false,
    transferLeadership: false,
    setMotd: true,
    deposit: true,
    withdraw: true,
  },
  member: {
    invite: false,
    answerJoinRequests: false,
    kick: [],
    promoteAndDemote: false,
    transferLeadership: false,
    setMotd: false,
    deposit: true,
    withdraw: false,
  },
};

/**
 * A game server's admin tools act as the system: the leader's rights over every member.
 * The leader itself can still not be kicked; that would leave the guild without one.
 */
export const SYSTEM_RIGHTS: GuildRights = ROLE_RIGHTS.leader;
