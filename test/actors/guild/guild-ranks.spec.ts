import { describe, expect, it } from 'vitest';
import { leaderOf } from '../../../actors/guild/state.js';
import { by, command, knights, player, server, spec } from './fixtures.js';

describe('guild ranks and the message of the day', () => {
  describe('promote and demote', () => {
    it('promotes a member to officer and demotes an officer to member', () => {
      spec
        .given(knights)
        .when(command('promote', { playerId: 'mem' }), by(player('lead')))
        .then([{ type: 'MemberPromoted', data: { playerId: 'mem' } }]);
      spec
        .given(knights)
        .when(command('demote', { playerId: 'off' }), by(player('lead')))
        .then([{ type: 'MemberDemoted', data: { playerId: 'off' } }]);
      spec
        .given(knights)
        .when(command('promote', { playerId: 'mem' }), by(server))
        .then([{ type: 'MemberPromoted', data: { playerId: 'mem' } }]);
    });

    it('changes the rank in the state', () => {
      const state = spec.given([
        ...knights,
        { type: 'MemberPromoted', data: { playerId: 'mem' } },
        { type: 'MemberDemoted', data: { playerId: 'off' } },
      ]).state;
      expect(state.status === 'active' && [state.members.get('mem'), state.members.get('off')]).toEqual(['officer', 'member']);
    });

    it('refuses a rank the player already has', () => {
      spec
        .given(knights)
        .when(command('promote', { playerId: 'off' }), by(player('lead')))
        .thenRejects('REJECTED', /already an officer/);
      spec
        .given(knights)
        .when(command('demote', { playerId: 'mem' }), by(player('lead')))
        .thenRejects('REJECTED', /already a member/);
    });

    it('never changes the leader\'s rank that way', () => {
      spec
        .given(knights)
        .when(command('promote', { playerId: 'lead' }), by(server))
        .thenRejects('REJECTED', /transfer the leadership/);
      spec
        .given(knights)
        .when(command('demote', { playerId: 'lead' }), by(server))
        .thenRejects('REJECTED', /transfer the leadership/);
    });

    it('answers NOT_FOUND for a player who is not a member', () => {
      spec.given(knights).when(command('promote', { playerId: 'out' }), by(player('lead'))).thenRejects('NOT_FOUND');
      spec.given(knights).when(command('demote', { playerId: 'out' }), by(player('lead'))).thenRejects('NOT_FOUND');
    });
  });

  describe('transferLeadership', () => {
    it('hands the leadership to an officer or a member; the old leader becomes an officer', () => {
      spec
        .given(knights)
        .when(command('transferLeadership', { playerId: 'off' }), by(player('lead')))
        .then([{ type: 'LeadershipTransferred', data: { from: 'lead', to: 'off' } }]);
      spec
        .given(knights)
        .when(command('transferLeadership', { playerId: 'mem' }), by(player('lead')))
        .then([{ type: 'LeadershipTransferred', data: { from: 'lead', to: 'mem' } }]);
      const state = spec.given([...knights, { type: 'LeadershipTransferred', data: { from: 'lead', to: 'mem' } }]).state;
      expect(state.status === 'active' && [leaderOf(state), state.members.get('lead')]).toEqual(['mem', 'officer']);
    });

    it('lets the system appoint a leader (an abandoned guild)', () => {
      spec
        .given(knights)
        .when(command('transferLeadership', { playerId: 'mem2' }), by(server))
        .then([{ type: 'LeadershipTransferred', data: { from: 'lead', to: 'mem2' } }]);
    });

    it('refuses the current leader and a player who is not a member', () => {
      spec
        .given(knights)
        .when(command('transferLeadership', { playerId: 'lead' }), by(player('lead')))
        .thenRejects('REJECTED', /already leads/);
      spec.given(knights).when(command('transferLeadership', { playerId: 'out' }), by(player('lead'))).thenRejects('NOT_FOUND');
    });
  });

  describe('setMotd', () => {
    it('sets the message of the day', () => {
      spec
        .given(knights)
        .when(command('setMotd', { text: 'Raid at nine' }), by(player('off')))
        .then([{ type: 'MotdSet', data: { text: 'Raid at nine' } }]);
      expect(spec.given(knights).state).toMatchObject({ motd: '' });
      expect(spec.given([...knights, { type: 'MotdSet', data: { text: 'Raid at nine' } }]).state).toMatchObject({ motd: 'Raid at nine' });
    });

    it('appends nothing when the message is unchanged', () => {
      spec
        .given([...knights, { type: 'MotdSet', data: { text: 'Raid at nine' } }])
        .when(command('setMotd', { text: 'Raid at nine' }), by(player('lead')))
        .then([]);
    });
  });
});
