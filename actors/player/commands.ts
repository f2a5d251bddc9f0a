import { z } from 'zod';
import { CREDIT_CAUSES, DEBIT_CAUSES, PRESENCES } from '../../events/player.js';
import type { Command } from '../runtime/decider.js';
import { ActorId, DisplayText, GoldAmount } from '../shared/values.js';

/**
 * The data of each player command, validated by the host before the decider sees it.
 * Strict objects: an unknown field is a client bug or a probe, never something to ignore.
 */

export const PLAYER_NAME_MAX = 32;

export const RegisterData = z.strictObject({ name: DisplayText(PLAYER_NAME_MAX) });
export const NoData = z.strictObject({});
export const SessionData = z.strictObject({ sessionId: z.string().regex(/^[0-9a-f]{16}$/, 'must be 16 lowercase hex digits') });
export const ChangeZoneData = z.strictObject({ zone: ActorId });
export const SetPresenceData = z.strictObject({ status: z.enum(PRESENCES) });
export const CreditData = z.strictObject({ amount: GoldAmount, cause: z.enum(CREDIT_CAUSES), reference: ActorId });
export const DebitData = z.strictObject({ amount: GoldAmount, cause: z.enum(DEBIT_CAUSES), reference: ActorId });
/** Voids a hold (a debit with this cause and reference) that has not taken effect; see GoldDebitVoided. */
export const VoidDebitData = z.strictObject({ cause: z.enum(DEBIT_CAUSES), reference: ActorId });
export const GuildData = z.strictObject({ guildId: ActorId });

type DataOf<Schema extends z.ZodType> = Readonly<z.infer<Schema>>;

export type RegisterCommand = Command<'register', DataOf<typeof RegisterData>>;
export type LoginCommand = Command<'login', DataOf<typeof NoData>>;
export type LogoutCommand = Command<'logout', DataOf<typeof SessionData>>;
export type TouchCommand = Command<'touch', DataOf<typeof SessionData>>;
export type RevokeSessionsCommand = Command<'revokeSessions', DataOf<typeof NoData>>;
export type ChangeZoneCommand = Command<'changeZone', DataOf<typeof ChangeZoneData>>;
export type SetPresenceCommand = Command<'setPresence', DataOf<typeof SetPresenceData>>;
export type CreditCommand = Command<'credit', DataOf<typeof CreditData>>;
export type DebitCommand = Command<'debit', DataOf<typeof DebitData>>;
export type VoidDebitCommand = Command<'voidDebit', DataOf<typeof VoidDebitData>>;
export type JoinGuildCommand = Command<'joinGuild', DataOf<typeof GuildData>>;
export type LeaveGuildCommand = Command<'leaveGuild', DataOf<typeof GuildData>>;

export type PlayerCommand =
  | RegisterCommand
  | LoginCommand
  | LogoutCommand
  | TouchCommand
  | RevokeSessionsCommand
  | ChangeZoneCommand
  | SetPresenceCommand
  | CreditCommand
  | DebitCommand
  | VoidDebitCommand
  | JoinGuildCommand
  | LeaveGuildCommand;

export type PlayerCommandName = PlayerCommand['type'];

/**
 * Commands only a trusted server may send: registration and minting (a player can never
 * credit itself), membership (the guild flow orchestrates it) and mass revocation.
 * The host refuses them from players at the subject; the decider checks again.
 */
export const SERVER_ONLY_COMMANDS: ReadonlySet<PlayerCommandName> = new Set<PlayerCommandName>([
  'register',
  'revokeSessions',
  'credit',
  'voidDebit',
  'joinGuild',
  'leaveGuild',
]);
