import { z } from 'zod';
import { GUILD_ROLES, type GuildRole } from '../../actors/guild/roles.js';
import { pack, unpack } from '../shared/msgpack.js';

/**
 * `roster:<guildId>` (relative to the projection's namespace) is a hash: one field per
 * member (field = player id, value = msgpack RosterEntry), plus `$name` and, once set,
 * `$motd` (msgpack strings). Player ids are `[A-Za-z0-9_-]`, so the `$` fields never
 * collide with a member. One HGETALL reads the whole roster; a disbanded guild has no key.
 */
export const rosterKey = (guildId: string): string => `roster:${guildId}`;
export const ROSTER_NAME_FIELD = '$name';
export const ROSTER_MOTD_FIELD = '$motd';

/** Where the guild's members hear of changes to the roster. */
export const rosterSubject = (guildId: string): string => `mmo.guild.${guildId}.roster`;

export interface RosterEntry {
  readonly playerId: string;
  readonly rank: GuildRole;
  /** Epoch ms (game time) of the event that brought the player in. */
  readonly joinedAt: number;
}

const RosterEntrySchema = z.object({ playerId: z.string(), rank: z.enum(GUILD_ROLES), joinedAt: z.number().int().nonnegative() });

export const encodeRosterEntry = (entry: RosterEntry): Uint8Array =>
  pack({ playerId: entry.playerId, rank: entry.rank, joinedAt: entry.joinedAt });

export const decodeRosterEntry = (bytes: Uint8Array): RosterEntry | undefined => {
  const parsed = RosterEntrySchema.safeParse(unpack(bytes));
  return parsed.success ? parsed.data : undefined;
};

export const encodeText = (text: string): Uint8Array => pack(text);
export const decodeText = (bytes: Uint8Array | undefined): string | undefined => {
  const value = bytes === undefined ? undefined : unpack(bytes);
  return typeof value === 'string' ? value : undefined;
};

export interface Roster {
  readonly guildId: string;
  readonly name: string;
  /** Empty until an officer sets one. */
  readonly motd: string;
  readonly members: ReadonlyMap<string, RosterEntry>;
}

/** The roster from the fields of `roster:<guildId>` (one HGETALL); fields that do not decode are skipped. */
export const rosterFromHash = (guildId: string, fields: ReadonlyMap<string, Uint8Array>): Roster => {
  const members = new Map<string, RosterEntry>();
  for (const [field, bytes] of fields) {
    if (field.startsWith('$')) continue;
    const entry = decodeRosterEntry(bytes);
    if (entry !== undefined) members.set(field, entry);
  }
  return {
    guildId,
    name: decodeText(fields.get(ROSTER_NAME_FIELD)) ?? '',
    motd: decodeText(fields.get(ROSTER_MOTD_FIELD)) ?? '',
    members,
  };
};
