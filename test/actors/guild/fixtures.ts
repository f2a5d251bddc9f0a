import type { DecisionContext } from '../../../actors/runtime/decider.js';
import type { Issuer } from '../../../actors/runtime/protocol/issuer.js';
import type { GuildCommand } from '../../../actors/guild/commands.js';
import { guildDecider } from '../../../actors/guild/decider.js';
import type { GuildEvent } from '../../../events/guild.js';
import { contextFor, deciderSpec } from '../../support/decider-spec.js';

export const GUILD_ID = 'g1';
export const player = (id: string): Issuer => ({ kind: 'player', id });
export const server: Issuer = { kind: 'server', id: 'gs1' };
export const by = (issuer: Issuer, commandId = 'cmd-1'): DecisionContext => contextFor(GUILD_ID, issuer, { commandId });

export const spec = deciderSpec(guildDecider);

/** Builds a command with its data typed by its name. */
export const command = <Name extends GuildCommand['type']>(
  type: Name,
  data: Extract<GuildCommand, { type: Name }>['data'],
): GuildCommand => ({ type, data }) as GuildCommand;

export const created = (leaderId = 'lead', name = 'Knights'): GuildEvent => ({ type: 'GuildCreated', data: { name, leaderId } });
export const invited = (playerId: string): GuildEvent => ({ type: 'MemberInvited', data: { playerId } });
export const requested = (playerId: string): GuildEvent => ({ type: 'JoinRequested', data: { playerId } });
export const joined = (playerId: string, via: 'invite' | 'request' = 'invite'): GuildEvent => ({
  type: 'MemberJoined',
  data: { playerId, via },
});
export const promoted = (playerId: string): GuildEvent => ({ type: 'MemberPromoted', data: { playerId } });
export const deposited = (from: string, amount: number, reference: string): GuildEvent => ({
  type: 'GoldDeposited',
  data: { from, amount, reference },
});
export const withdrawn = (to: string, amount: number, reference: string): GuildEvent => ({
  type: 'GoldWithdrawn',
  data: { to, amount, reference },
});

/**
 * The guild most specifications start from: `lead` leads, `off` and `off2` are
 * officers, `mem` and `mem2` are members; `out` is a player outside the guild.
 */
export const knights: readonly GuildEvent[] = [
  created('lead'),
  invited('off'),
  joined('off'),
  promoted('off'),
  invited('off2'),
  joined('off2'),
  promoted('off2'),
  requested('mem'),
  joined('mem', 'request'),
  invited('mem2'),
  joined('mem2'),
];
