import { describe, expect, it } from 'vitest';
import type { GuildEvent } from '../../events/guild.js';
import { createRostersProjection, decodeRosterNotice, rosterFromHash } from '../../projections/rosters/index.js';
import { projectionSpec } from '../support/projection-spec.js';
import { LOG_START, recordedLog } from '../support/recorded-log.js';

const MINUTE = 60_000;
const rosters = createRostersProjection();
const spec = projectionSpec(rosters);

/** `at(minutes, event)` records on `guild-g1` that many minutes after LOG_START. */
const guildLog = (guildId = 'g1') => {
  const log = recordedLog();
  return (minutes: number, event: GuildEvent) => log.record(`guild-${guildId}`, event, LOG_START + minutes * MINUTE);
};

const minutes = (n: number): number => LOG_START + n * MINUTE;
const member = (playerId: string, rank: string, joinedAt: number) => ({ playerId, rank, joinedAt });
const notice = (payload: Record<string, unknown>) => ({ subject: 'mmo.guild.g1.roster', payload: { guildId: 'g1', ...payload } });

/** Owls, led by p1 since minute 0, with p2 a member since minute 1. */
const founded = () => {
  const at = guildLog();
  return {
    at,
    history: [
      at(0, { type: 'GuildCreated', data: { name: 'Owls', leaderId: 'p1' } }),
      at(1, { type: 'MemberInvited', data: { playerId: 'p2' } }),
      at(1, { type: 'MemberJoined', data: { playerId: 'p2', via: 'invite' } }),
    ],
  };
};

describe('rosters projection', () => {
  it('GuildCreated: the name and the founder as leader; notice `created`', () => {
    const at = guildLog();
    spec
      .given([])
      .when([at(0, { type: 'GuildCreated', data: { name: 'Owls', leaderId: 'p1' } })])
      .then({
        keys: { 'roster:g1': { $name: 'Owls', p1: member('p1', 'leader', minutes(0)) } },
        notifications: [notice({ change: 'created', playerId: 'p1', rank: 'leader' })],
      });
  });

  it('MemberJoined (by invite or request): a member; notice `joined`', () => {
    const { at, history } = founded();
    spec
      .given(history)
      .when([at(2, { type: 'JoinRequested', data: { playerId: 'p3' } }), at(3, { type: 'MemberJoined', data: { playerId: 'p3', via: 'request' } })])
      .then({
        keys: { 'roster:g1': { $name: 'Owls', p1: member('p1', 'leader', minutes(0)), p2: member('p2', 'member', minutes(1)), p3: member('p3', 'member', minutes(3)) } },
        notifications: [notice({ change: 'joined', playerId: 'p3', rank: 'member' })],
      });
  });

  it.each([
    ['MemberLeft', 'left'],
    ['MemberKicked', 'kicked'],
  ] as const)('%s: off the roster; notice `%s`', (type, change) => {
    const { at, history } = founded();
    const result = spec.given(history).when([at(5, { type, data: { playerId: 'p2' } })]);
    result.then({
      keys: { 'roster:g1': { $name: 'Owls', p1: member('p1', 'leader', minutes(0)) } },
      notifications: [notice({ change, playerId: 'p2' })],
    });
    expect(result.batch.writes).toEqual([{ op: 'hashDelete', key: 'roster:g1', fields: ['p2'] }]);
  });

  it('MemberPromoted and MemberDemoted: the rank, joinedAt kept; notices `promoted` and `demoted`', () => {
    const { at, history } = founded();
    spec
      .given(history)
      .when([at(5, { type: 'MemberPromoted', data: { playerId: 'p2' } })])
      .then({
        keys: { 'roster:g1': { $name: 'Owls', p1: member('p1', 'leader', minutes(0)), p2: member('p2', 'officer', minutes(1)) } },
        notifications: [notice({ change: 'promoted', playerId: 'p2', rank: 'officer' })],
      });
    const again = founded();
    spec
      .given([...again.history, again.at(5, { type: 'MemberPromoted', data: { playerId: 'p2' } })])
      .when([again.at(6, { type: 'MemberDemoted', data: { playerId: 'p2' } })])
      .then({
        keys: { 'roster:g1': { $name: 'Owls', p1: member('p1', 'leader', minutes(0)), p2: member('p2', 'member', minutes(1)) } },
        notifications: [notice({ change: 'demoted', playerId: 'p2', rank: 'member' })],
      });
  });

  it('LeadershipTransferred: the new leader promoted, the old one demoted to officer', () => {
    const { at, history } = founded();
    spec
      .given(history)
      .when([at(5, { type: 'LeadershipTransferred', data: { from: 'p1', to: 'p2' } })])
      .then({
        keys: { 'roster:g1': { $name: 'Owls', p1: member('p1', 'officer', minutes(0)), p2: member('p2', 'leader', minutes(1)) } },
        notifications: [notice({ change: 'promoted', playerId: 'p2', rank: 'leader' }), notice({ change: 'demoted', playerId: 'p1', rank: 'officer' })],
      });
  });

  it('MotdSet: the message of the day; notice `motd`', () => {
    const { at, history } = founded();
    spec
      .given(history)
      .when([at(5, { type: 'MotdSet', data: { text: 'Raid at nine' } })])
      .then({
        keys: { 'roster:g1': { $name: 'Owls', $motd: 'Raid at nine', p1: member('p1', 'leader', minutes(0)), p2: member('p2', 'member', minutes(1)) } },
        notifications: [notice({ change: 'motd', motd: 'Raid at nine' })],
      });
  });

  it('GuildDisbanded: the roster is deleted; notice `disbanded`', () => {
    const { at, history } = founded();
    const result = spec
      .given([...history, at(2, { type: 'MemberLeft', data: { playerId: 'p2' } })])
      .when([at(3, { type: 'GuildDisbanded', data: { playerId: 'p1' } })]);
    result.then({ keys: { 'roster:g1': undefined }, notifications: [notice({ change: 'disbanded', playerId: 'p1' })] });
    expect(result.batch.writes).toEqual([{ op: 'delete', key: 'roster:g1' }]);
  });

  it('invitations, join requests and the bank: nothing read, written or published', () => {
    const { at, history } = founded();
    const events = [
      at(5, { type: 'MemberInvited', data: { playerId: 'p4' } }),
      at(5, { type: 'InviteDeclined', data: { playerId: 'p4' } }),
      at(5, { type: 'JoinRequested', data: { playerId: 'p5' } }),
      at(5, { type: 'JoinRequestRejected', data: { playerId: 'p5' } }),
      at(5, { type: 'GoldDeposited', data: { from: 'p2', amount: 10, reference: 'd1' } }),
      at(5, { type: 'GoldWithdrawn', data: { to: 'p1', amount: 10, reference: 'w1' } }),
    ];
    expect(rosters.reads(events)).toEqual([]);
    expect(spec.given(history).when(events).batch).toEqual({ writes: [], notifications: [] });
  });

  it('reads the roster only for rank changes', () => {
    const { at } = founded();
    expect(rosters.reads([at(5, { type: 'MemberJoined', data: { playerId: 'p3', via: 'invite' } })])).toEqual([]);
    expect(rosters.reads([at(5, { type: 'MemberPromoted', data: { playerId: 'p2' } })])).toEqual([{ kind: 'hash', key: 'roster:g1' }]);
  });

  it('ignores the events of other streams', () => {
    const log = recordedLog();
    const foreign = [log.record('player-p1', { type: 'PlayerJoinedGuild', data: { guildId: 'g1' } })];
    expect(spec.given([]).when(foreign).batch).toEqual({ writes: [], notifications: [] });
  });

  it('readers decode the roster hash and the notices', () => {
    const { at, history } = founded();
    const result = spec.given(history).when([at(5, { type: 'MotdSet', data: { text: 'hi' } })]);
    expect(rosterFromHash('g1', result.model.hash('roster:g1'))).toEqual({
      guildId: 'g1',
      name: 'Owls',
      motd: 'hi',
      members: new Map([
        ['p1', member('p1', 'leader', minutes(0))],
        ['p2', member('p2', 'member', minutes(1))],
      ]),
    });
    const payload = result.batch.notifications[0]?.payload;
    expect(payload && decodeRosterNotice(payload)).toEqual({ guildId: 'g1', change: 'motd', motd: 'hi' });
    expect(decodeRosterNotice(new Uint8Array([0x80]))).toBeUndefined();
  });
});
