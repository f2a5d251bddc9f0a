import { z } from 'zod';
import { PRESENCES } from '../../events/player.js';
import type { SnapshotCodec } from '../runtime/actor-definition.js';
import { RECENT_LEDGER_ENTRIES, type PlayerState } from './state.js';

const Instant = z.number().int();

const SessionSchema = z.strictObject({
  sessionId: z.string(),
  tokenHash: z.string(),
  startedAt: Instant,
  idleExpiresAt: Instant,
  absoluteExpiresAt: Instant,
});

const StateSchema = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('unregistered') }),
  z.strictObject({
    status: z.literal('registered'),
    playerId: z.string(),
    name: z.string(),
    registeredAt: Instant,
    sessions: z.array(SessionSchema),
    zone: z.string().nullable(),
    presence: z.enum(PRESENCES),
    balance: z.number().int().nonnegative(),
    recentLedgerKeys: z.array(z.string()).max(RECENT_LEDGER_ENTRIES),
    guildId: z.string().nullable(),
  }),
]);

/**
 * The state is plain data, so a snapshot is the state itself. Reading validates it: a
 * snapshot that does not match this version's shape throws, and the host rebuilds the
 * actor from its events instead. Bump `version` whenever PlayerState changes shape.
 */
export const playerSnapshotCodec: SnapshotCodec<PlayerState> = {
  version: 1,
  encode: (state) => state,
  decode: (payload) => StateSchema.parse(payload),
};
