import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { GuildCommandSchemas } from '../../../actors/guild/commands.js';
import { guildActor, guildEvents } from '../../../actors/guild/definition.js';
import { evolveGuild, guildSnapshotCodec, initialGuildState, type GuildState } from '../../../actors/guild/state.js';
import type { GuildEvent } from '../../../events/guild.js';
import { guildEventDefinitions } from '../../../events/guild.js';
import { created, deposited, invited, joined, knights, promoted, requested, spec } from './fixtures.js';

const fold = (events: readonly GuildEvent[]): GuildState => events.reduce(evolveGuild, initialGuildState());

describe('guild state', () => {
  it('ignores events that do not fit, and never throws', () => {
    const before = fold(knights);
    const misfits: GuildEvent[] = [
      created('someone'),
      joined('mem'),
      invited('mem'),
      requested('off'),
      promoted('off'),
      promoted('out'),
      { type: 'MemberDemoted', data: { playerId: 'mem' } },
      { type: 'MemberLeft', data: { playerId: 'lead' } },
      { type: 'MemberKicked', data: { playerId: 'lead' } },
      { type: 'LeadershipTransferred', data: { from: 'off', to: 'mem' } },
      { type: 'LeadershipTransferred', data: { from: 'lead', to: 'out' } },
      { type: 'LeadershipTransferred', data: { from: 'lead', to: 'lead' } },
    ];
    for (const misfit of misfits) expect(evolveGuild(before, misfit)).toEqual(before);
    expect(fold([joined('a'), deposited('a', 5, 'r')])).toEqual({ status: 'unformed' });
    const ended: GuildEvent[] = [created('lead', 'K'), { type: 'GuildDisbanded', data: { playerId: 'lead' } }];
    expect(fold([...ended, created('x'), joined('y')])).toEqual(fold(ended));
  });

  it('writes snapshots as plain data and reads them back', () => {
    const packr = new Packr({ useRecords: false, mapsAsObjects: true });
    const states = [
      initialGuildState(),
      fold([...knights, requested('r'), invited('i'), deposited('mem', 9, 'd1'), { type: 'MotdSet', data: { text: 'hi' } }]),
      fold([created(), { type: 'GuildDisbanded', data: { playerId: 'lead' } }]),
    ];
    for (const state of states) {
      const written = packr.unpack(packr.pack(guildSnapshotCodec.encode(state))) as unknown;
      expect(guildSnapshotCodec.decode(written)).toEqual(state);
    }
  });

  it('refuses a snapshot of the wrong shape, so the host rebuilds from events', () => {
    expect(() => guildSnapshotCodec.decode({ status: 'active', name: 'K' })).toThrow();
    const active = { status: 'active', name: 'K', members: [['a', 'leader']], invites: [], requests: [], motd: '', bank: 0, references: [] };
    expect(guildSnapshotCodec.decode(active)).toMatchObject({ status: 'active' });
    expect(() => guildSnapshotCodec.decode({ ...active, members: [['a', 'king']] })).toThrow();
    expect(() => guildSnapshotCodec.decode({ ...active, bank: -1 })).toThrow();
    expect(() => guildSnapshotCodec.decode(null)).toThrow();
  });
});

describe('guild catalog and definition', () => {
  it('stores every guild event under a versioned name and reads it back', () => {
    expect(guildEventDefinitions.map((definition) => `${definition.type}.v${definition.version}`)).toContain('GuildCreated.v1');
    expect(guildEventDefinitions).toHaveLength(15);
    const metadata = { eventId: '00000000-0000-4000-8000-000000000000', correlationId: 'c', occurredAt: new Date(0) };
    const event: GuildEvent = { type: 'GoldWithdrawn', data: { to: 'mem', amount: 7, reference: 'w1' } };
    const proposed = guildEvents.encode(event, metadata);
    expect(proposed.type).toBe('GoldWithdrawn.v1');
    const stored = { ...proposed, stream: 'guild-g1', revision: 0n, position: { commit: 0n, prepare: 0n }, created: new Date(0) };
    const recorded = guildEvents.decode(stored);
    expect({ type: recorded.type, data: recorded.data }).toEqual(event);
  });

  it('batches in a 100 ms window by default, and takes another', () => {
    expect(guildActor().batchWindowMs).toBe(100);
    expect(guildActor({ batchWindowMs: 20 }).batchWindowMs).toBe(20);
    expect(guildActor().category).toBe('guild');
    expect(Object.keys(guildActor().commands).sort()).toEqual(Object.keys(GuildCommandSchemas).sort());
  });

  it('validates command data at the boundary', () => {
    const { commands } = guildActor();
    const valid = (name: string, data: unknown) => commands[name]!.schema.safeParse(data).success;
    expect(valid('create', { name: 'Knights' })).toBe(true);
    expect(valid('create', { name: '' })).toBe(false);
    expect(valid('create', { name: 'x'.repeat(33) })).toBe(false);
    expect(valid('invite', { playerId: 'a.b' })).toBe(false);
    expect(valid('invite', { playerId: 'p1', extra: 1 })).toBe(false);
    expect(valid('setMotd', { text: 'x'.repeat(256) })).toBe(true);
    expect(valid('setMotd', { text: 'x'.repeat(257) })).toBe(false);
    expect(valid('setMotd', { text: 'bell\u0007' })).toBe(false);
    expect(valid('deposit', { amount: 0, reference: 'r' })).toBe(false);
    expect(valid('deposit', { amount: 1.5, reference: 'r' })).toBe(false);
    expect(valid('withdraw', { amount: 1, reference: 'r' })).toBe(false);
    expect(valid('acceptInvite', {})).toBe(true);
  });

  it('lets the state rebuilt from events and from a snapshot agree', () => {
    const history = [...knights, deposited('mem', 3, 'd1')];
    const state = spec.given(history).state;
    expect(guildSnapshotCodec.decode(guildSnapshotCodec.encode(state))).toEqual(fold(history));
  });
});
