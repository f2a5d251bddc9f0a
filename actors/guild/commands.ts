import { z } from 'zod';
import type { Command } from '../runtime/decider.js';
import { ActorId, DisplayText, GoldAmount } from '../shared/values.js';

/**
 * The data of every guild command, checked by the host before the decider sees it.
 *
 * Commands a player sends about itself (create, acceptInvite, declineInvite,
 * requestJoin, leave, deposit) name no player: the subject's issuer is the player. A
 * game server acting for a player names it (`leaderId`, `playerId`, `from`); a player
 * may repeat its own id there but never another's.
 */
const PlayerId = ActorId;
const OnBehalfOf = z.strictObject({ playerId: PlayerId.optional() });
const Target = z.strictObject({ playerId: PlayerId });
/** Unique per bank movement; the same reference travels on the wallet side of the movement. */
const Reference = ActorId;

export const GUILD_NAME_MAX = 32;
export const MOTD_MAX = 256;

export const GuildCommandSchemas = {
  create: z.strictObject({ name: DisplayText(GUILD_NAME_MAX), leaderId: PlayerId.optional() }),
  invite: Target,
  acceptInvite: OnBehalfOf,
  declineInvite: OnBehalfOf,
  requestJoin: OnBehalfOf,
  acceptRequest: Target,
  rejectRequest: Target,
  leave: OnBehalfOf,
  kick: Target,
  promote: Target,
  demote: Target,
  transferLeadership: Target,
  setMotd: z.strictObject({ text: DisplayText(MOTD_MAX) }),
  deposit: z.strictObject({ amount: GoldAmount, reference: Reference, from: PlayerId.optional() }),
  withdraw: z.strictObject({ amount: GoldAmount, reference: Reference, to: PlayerId }),
} as const;

type Schemas = typeof GuildCommandSchemas;

/** One command per schema: `{ type: 'kick', data: { playerId } }`, … */
export type GuildCommand = { [Name in keyof Schemas]: Command<Name, z.infer<Schemas[Name]>> }[keyof Schemas];

export type GuildCommandName = GuildCommand['type'];
