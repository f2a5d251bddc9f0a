import { z } from 'zod';
import { GUILD_ROLES, type GuildRole } from '../../actors/guild/roles.js';
import { pack, unpack } from '../shared/msgpack.js';

/**
 * Published (msgpack) on `mmo.guild.<guildId>.roster` after the batch is committed.
 *
 * - `created`: the founder, `rank: 'leader'`;
 * - `joined`, `promoted`, `demoted`: the player and its rank now (a leadership transfer is
 *   `promoted` to `leader` for the new leader, then `demoted` to `officer` for the old);
 * - `left`, `kicked`: the player who is no longer a member;
 * - `disbanded`: the last member left (`playerId`); the roster is gone;
 * - `motd`: the new message of the day, no player.
 */
export type RosterNotice =
  | { readonly guildId: string; readonly change: 'created' | 'joined' | 'promoted' | 'demoted'; readonly playerId: string; readonly rank: GuildRole }
  | { readonly guildId: string; readonly change: 'left' | 'kicked' | 'disbanded'; readonly playerId: string }
  | { readonly guildId: string; readonly change: 'motd'; readonly motd: string };

export type RosterChange = RosterNotice['change'];

const RosterNoticeSchema = z.discriminatedUnion('change', [
  z.object({ guildId: z.string(), change: z.enum(['created', 'joined', 'promoted', 'demoted']), playerId: z.string(), rank: z.enum(GUILD_ROLES) }),
  z.object({ guildId: z.string(), change: z.enum(['left', 'kicked', 'disbanded']), playerId: z.string() }),
  z.object({ guildId: z.string(), change: z.literal('motd'), motd: z.string() }),
]);

export const encodeRosterNotice = (notice: RosterNotice): Uint8Array => {
  switch (notice.change) {
    case 'created':
    case 'joined':
    case 'promoted':
    case 'demoted':
      return pack({ guildId: notice.guildId, change: notice.change, playerId: notice.playerId, rank: notice.rank });
    case 'left':
    case 'kicked':
    case 'disbanded':
      return pack({ guildId: notice.guildId, change: notice.change, playerId: notice.playerId });
    case 'motd':
      return pack({ guildId: notice.guildId, change: notice.change, motd: notice.motd });
  }
};

/** The notice, or undefined for a payload that is not one. */
export const decodeRosterNotice = (payload: Uint8Array): RosterNotice | undefined => {
  const parsed = RosterNoticeSchema.safeParse(unpack(payload));
  return parsed.success ? parsed.data : undefined;
};
