import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { PLAYER_CATEGORY, playerActor, playerEvents } from '../../../actors/player/definition.js';
import { playerSnapshotCodec } from '../../../actors/player/snapshot.js';
import { evolvePlayer, initialPlayerState, type PlayerState } from '../../../actors/player/state.js';
import type { EventMetadata } from '../../../events/catalog/index.js';
import { playerEventDefinitions, type PlayerEvent } from '../../../events/player.js';
import { MAX_BALANCE } from '../../../actors/shared/values.js';
import { NOW, credited, debited, registered, sessionIdOf, sessionStarted } from './fixtures.js';

/** One example of every event type, with values near the bounds. */
const everyEvent: readonly PlayerEvent[] = [
  registered,
  sessionStarted(1),
  { type: 'SessionTouched', data: { sessionId: sessionIdOf(1), idleExpiresAt: NOW.getTime() + 1 } },
  { type: 'SessionEnded', data: { sessionId: sessionIdOf(1) } },
  { type: 'SessionExpired', data: { sessionId: sessionIdOf(2) } },
  { type: 'SessionRevoked', data: { sessionId: sessionIdOf(3), reason: 'replaced' } },
  { type: 'ZoneChanged', data: { from: null, to: 'elwynn' } },
  { type: 'PresenceChanged', data: { from: 'offline', to: 'online' } },
  credited(2 ** 32 + 1, MAX_BALANCE, 'edge', 'adminGrant'),
  debited(2 ** 31 - 1, 2 ** 53 - 1, 'edge', 'fee'),
  { type: 'GoldDebitVoided', data: { cause: 'trade', reference: 't1-escrow' } },
  { type: 'PlayerJoinedGuild', data: { guildId: 'g1' } },
  { type: 'PlayerLeftGuild', data: { guildId: 'g1' } },
];

const metadata: EventMetadata = {
  eventId: '8d3c8c61-5a8e-4f5e-9d5b-0e2f5a3c1b7a',
  commandId: 'cmd-1',
  correlationId: 'cmd-1',
  occurredAt: NOW,
  issuer: 'server:gs1',
};

describe('player events', () => {
  it('stores every type under <Type>.v1 and has an example of each here', () => {
    expect(playerEventDefinitions.map((definition) => `${definition.type}.v${definition.version}`)).toEqual(
      everyEvent.map((event) => `${event.type}.v1`),
    );
  });

  it.each(everyEvent.map((event) => [event.type, event] as const))('round-trips %s through the codec unchanged', (_type, event) => {
    const proposed = playerEvents.encode(event, metadata);
    const recorded = playerEvents.decode({
      stream: 'player-p1',
      revision: 0n,
      position: { commit: 0n, prepare: 0n },
      id: proposed.id,
      type: proposed.type,
      data: proposed.data,
      metadata: proposed.metadata,
      created: NOW,
    });
    expect(recorded.storedType).toBe(`${event.type}.v1`);
    expect({ type: recorded.type, data: recorded.data }).toEqual(event);
  });
});

describe('player snapshots', () => {
  // The settings createEventStoreSnapshots writes and reads with.
  const packr = new Packr({ useRecords: false, mapsAsObjects: true });
  const states: [string, PlayerState][] = [
    ['unregistered', initialPlayerState()],
    // Every event but the last (leaving the guild), then a live, touched session.
    [
      'a full player',
      [...everyEvent.slice(0, 12), sessionStarted(4), { type: 'SessionTouched', data: { sessionId: sessionIdOf(4), idleExpiresAt: NOW.getTime() + 99 } } as const].reduce(
        evolvePlayer,
        initialPlayerState(),
      ),
    ],
  ];

  it.each(states)('reads back %s exactly after msgpack', (_label, state) => {
    const bytes = packr.pack(playerSnapshotCodec.encode(state));
    expect(playerSnapshotCodec.decode(packr.unpack(bytes))).toEqual(state);
  });

  it('snapshots a player with a zone, a guild, a touched session, ledger keys and a balance', () => {
    const state = states[1]![1];
    expect(state).toMatchObject({
      status: 'registered',
      zone: 'elwynn',
      guildId: 'g1',
      presence: 'online',
      balance: 2 ** 32 + 1 - (2 ** 31 - 1),
      recentLedgerKeys: ['credit:adminGrant:edge', 'debit:fee:edge', 'void:trade:t1-escrow'],
      sessions: [{ ...sessionStarted(4).data, idleExpiresAt: NOW.getTime() + 99 }],
    });
  });

  it.each<[string, unknown]>([
    ['not an object', 'player'],
    ['an unknown status', { status: 'banned' }],
    ['a negative balance', { ...states[1]![1], balance: -1 }],
    ['a missing field', { status: 'registered', playerId: 'p1' }],
    ['an extra field', { status: 'unregistered', balance: 5 }],
  ])('refuses a snapshot that is %s, so the host rebuilds from events', (_label, payload) => {
    expect(() => playerSnapshotCodec.decode(payload)).toThrow();
  });
});

describe('player actor definition', () => {
  it('runs under the player category with snapshots and every command', () => {
    const actor = playerActor();
    expect(actor.category).toBe(PLAYER_CATEGORY);
    expect(actor.snapshot?.version).toBe(1);
    expect(actor.batchWindowMs).toBe(0);
    expect(Object.keys(actor.commands).sort()).toEqual(
      ['changeZone', 'credit', 'debit', 'joinGuild', 'leaveGuild', 'login', 'logout', 'register', 'revokeSessions', 'setPresence', 'touch', 'voidDebit'],
    );
  });

  it('refuses conflicting options when the actor is built, not at the first login', () => {
    expect(() => playerActor({ idleTimeoutMs: 10, absoluteTimeoutMs: 5 })).toThrow(/must not exceed/);
  });
});
