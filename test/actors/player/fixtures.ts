import { createHash } from 'node:crypto';
import type { DecisionContext } from '../../../actors/runtime/decider.js';
import type { Issuer } from '../../../actors/runtime/protocol/issuer.js';
import { createPlayerDecider } from '../../../actors/player/decider.js';
import type { PlayerCommand } from '../../../actors/player/commands.js';
import { mintSession } from '../../../actors/player/sessions.js';
import type { CreditCause, DebitCause, PlayerEvent, SessionStarted } from '../../../events/player.js';
import { contextFor, deciderSpec, NOW } from '../../support/decider-spec.js';

export { NOW };

export const P1 = 'p1';
export const self: Issuer = { kind: 'player', id: P1 };
export const otherPlayer: Issuer = { kind: 'player', id: 'p2' };
export const server: Issuer = { kind: 'server', id: 'gs1' };

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const IDLE = 30 * MINUTE;
export const ABSOLUTE = 24 * HOUR;

export const singleSession = deciderSpec(createPlayerDecider());
export const multiSession = deciderSpec(createPlayerDecider({ singleSession: false }));

/** Distinct, recognisable entropy per login: the byte `seed` repeated 32 times. */
export const entropyOf = (seed: number): Uint8Array => new Uint8Array(32).fill(seed);

/** A context for player p1 at NOW + `atMs`, with entropy `seed`. */
export const ctx = (issuer: Issuer = self, atMs = 0, seed = 7): DecisionContext =>
  contextFor(P1, issuer, { now: new Date(NOW.getTime() + atMs), entropy: entropyOf(seed) });

export const registered: PlayerEvent = {
  type: 'PlayerRegistered',
  data: { playerId: P1, name: 'Aria', registeredAt: NOW.getTime() - HOUR },
};

/** The SessionStarted a login with entropy `seed` at NOW + `atMs` records. */
export const sessionStarted = (seed: number, atMs = 0, idle = IDLE, absolute = ABSOLUTE): SessionStarted => {
  const minted = mintSession(entropyOf(seed));
  if (minted === undefined) throw new Error('unreachable: 32 bytes');
  const startedAt = NOW.getTime() + atMs;
  return {
    type: 'SessionStarted',
    data: {
      sessionId: minted.sessionId,
      tokenHash: minted.tokenHash,
      startedAt,
      idleExpiresAt: startedAt + idle,
      absoluteExpiresAt: startedAt + absolute,
    },
  };
};

export const sessionIdOf = (seed: number): string => sessionStarted(seed).data.sessionId;

export const credited = (amount: number, balanceAfter: number, reference = 'loot-1', cause: CreditCause = 'loot'): PlayerEvent => ({
  type: 'GoldCredited',
  data: { amount, cause, reference, balanceAfter },
});

export const debited = (amount: number, balanceAfter: number, reference = 'shop-1', cause: DebitCause = 'purchase'): PlayerEvent => ({
  type: 'GoldDebited',
  data: { amount, cause, reference, balanceAfter },
});

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** One valid example of every command, for matrices over commands and issuers. */
export const exampleCommands: readonly PlayerCommand[] = [
  { type: 'register', data: { name: 'Aria' } },
  { type: 'login', data: {} },
  { type: 'logout', data: { sessionId: '0123456789abcdef' } },
  { type: 'touch', data: { sessionId: '0123456789abcdef' } },
  { type: 'revokeSessions', data: {} },
  { type: 'changeZone', data: { zone: 'elwynn' } },
  { type: 'setPresence', data: { status: 'away' } },
  { type: 'credit', data: { amount: 10, cause: 'loot', reference: 'mob-1' } },
  { type: 'debit', data: { amount: 10, cause: 'purchase', reference: 'shop-1' } },
  { type: 'voidDebit', data: { cause: 'trade', reference: 't1-escrow' } },
  { type: 'joinGuild', data: { guildId: 'g1' } },
  { type: 'leaveGuild', data: { guildId: 'g1' } },
];
