import { describe, expect, it } from 'vitest';
import { createGuildDecider } from '../../../actors/guild/decider.js';
import { deciderSpec } from '../../support/decider-spec.js';
import { by, command, created, deposited, invited, joined, knights, player, requested, server, spec, withdrawn } from './fixtures.js';

describe('guild membership', () => {
  describe('create', () => {
    it('makes the creating player the leader', () => {
      spec.given([]).when(command('create', { name: 'Knights' }), by(player('lead'))).then([created('lead')]);
    });

    it('lets a server create a guild for a named leader', () => {
      spec.given([]).when(command('create', { name: 'Knights', leaderId: 'lead' }), by(server)).then([created('lead')]);
    });

    it('accepts a player naming itself as leader', () => {
      spec.given([]).when(command('create', { name: 'Knights', leaderId: 'lead' }), by(player('lead'))).then([created('lead')]);
    });

    it('refuses a player founding a guild for someone else', () => {
      spec
        .given([])
        .when(command('create', { name: 'Knights', leaderId: 'other' }), by(player('lead')))
        .thenRejects('UNAUTHORIZED', /act for other/);
    });

    it('asks a server to name the leader', () => {
      spec.given([]).when(command('create', { name: 'Knights' }), by(server)).thenRejects('VALIDATION', /leaderId/);
    });

    it('refuses to create a guild that exists', () => {
      spec
        .given([created()])
        .when(command('create', { name: 'Other' }), by(player('x')))
        .thenRejects('REJECTED', /already exists/);
    });

    it('refuses to re-create a disbanded guild, and answers NOT_FOUND to anything else there', () => {
      const history = [created('lead'), { type: 'GuildDisbanded', data: { playerId: 'lead' } } as const];
      spec.given(history).when(command('create', { name: 'Again' }), by(player('lead'))).thenRejects('REJECTED', /disbanded/);
      spec.given(history).when(command('requestJoin', {}), by(player('x'))).thenRejects('NOT_FOUND', /disbanded/);
    });

    it.each([
      command('invite', { playerId: 'a' }),
      command('acceptInvite', {}),
      command('declineInvite', {}),
      command('requestJoin', {}),
      command('acceptRequest', { playerId: 'a' }),
      command('rejectRequest', { playerId: 'a' }),
      command('leave', {}),
      command('kick', { playerId: 'a' }),
      command('promote', { playerId: 'a' }),
      command('demote', { playerId: 'a' }),
      command('transferLeadership', { playerId: 'a' }),
      command('setMotd', { text: 'hi' }),
      command('deposit', { amount: 1, reference: 'r1' }),
      command('withdraw', { amount: 1, reference: 'r1', to: 'a' }),
    ])('answers $type on a guild never created with NOT_FOUND', (cmd) => {
      spec.given([]).when(cmd, by(server)).thenRejects('NOT_FOUND', /no guild g1/);
      spec.given([]).when(cmd, by(player('a'))).thenRejects('NOT_FOUND', /no guild g1/);
    });
  });

  describe('invite', () => {
    it('records the invite', () => {
      spec.given(knights).when(command('invite', { playerId: 'new' }), by(player('off'))).then([invited('new')]);
    });

    it('refuses to invite a member, an invited player or one who asked to join', () => {
      spec
        .given(knights)
        .when(command('invite', { playerId: 'mem' }), by(player('lead')))
        .thenRejects('REJECTED', /already a member/);
      spec
        .given([...knights, invited('new')])
        .when(command('invite', { playerId: 'new' }), by(player('lead')))
        .thenRejects('REJECTED', /already invited/);
      spec
        .given([...knights, requested('new')])
        .when(command('invite', { playerId: 'new' }), by(player('lead')))
        .thenRejects('REJECTED', /accept the request/);
    });

    it('refuses when the roster is full or too many invites are pending', () => {
      const small = deciderSpec(createGuildDecider({ maxMembers: 5, maxPendingInvites: 1 }));
      small
        .given(knights)
        .when(command('invite', { playerId: 'new' }), by(player('lead')))
        .thenRejects('REJECTED', /full \(5 members\)/);
      const roomy = deciderSpec(createGuildDecider({ maxMembers: 50, maxPendingInvites: 1 }));
      roomy
        .given([...knights, invited('a')])
        .when(command('invite', { playerId: 'b' }), by(player('lead')))
        .thenRejects('REJECTED', /1 invites pending/);
    });
  });

  describe('acceptInvite and declineInvite', () => {
    const withInvite = [...knights, invited('new')];

    it('joins the invited player', () => {
      spec.given(withInvite).when(command('acceptInvite', {}), by(player('new'))).then([joined('new')]);
      spec.given(withInvite).when(command('acceptInvite', { playerId: 'new' }), by(server)).then([joined('new')]);
    });

    it('refuses a player with no invite, and one answering for another', () => {
      spec.given(withInvite).when(command('acceptInvite', {}), by(player('else'))).thenRejects('REJECTED', /no pending invite/);
      spec.given(withInvite).when(command('acceptInvite', { playerId: 'new' }), by(player('else'))).thenRejects('UNAUTHORIZED');
      spec.given(withInvite).when(command('acceptInvite', {}), by(server)).thenRejects('VALIDATION', /playerId/);
    });

    it('keeps the roster bound when the invite is accepted', () => {
      const small = deciderSpec(createGuildDecider({ maxMembers: 5 }));
      small.given(withInvite).when(command('acceptInvite', {}), by(player('new'))).thenRejects('REJECTED', /full/);
    });

    it('declines an invite', () => {
      spec
        .given(withInvite)
        .when(command('declineInvite', {}), by(player('new')))
        .then([{ type: 'InviteDeclined', data: { playerId: 'new' } }]);
      spec
        .given(withInvite)
        .when(command('declineInvite', { playerId: 'new' }), by(server))
        .then([{ type: 'InviteDeclined', data: { playerId: 'new' } }]);
    });

    it('refuses to decline an invite that does not exist, and for someone else', () => {
      spec.given(knights).when(command('declineInvite', {}), by(player('new'))).thenRejects('REJECTED', /no pending invite/);
      spec.given(withInvite).when(command('declineInvite', { playerId: 'new' }), by(player('mem'))).thenRejects('UNAUTHORIZED');
      spec.given(withInvite).when(command('declineInvite', {}), by(server)).thenRejects('VALIDATION');
    });

    it('forgets a declined invite and clears invites on joining', () => {
      const declined = spec.given([...withInvite, { type: 'InviteDeclined', data: { playerId: 'new' } }]).state;
      expect(declined.status === 'active' && declined.invites.has('new')).toBe(false);
      const state = spec.given([...withInvite, joined('new')]).state;
      expect(state.status === 'active' && [state.invites.has('new'), state.members.get('new')]).toEqual([false, 'member']);
    });
  });

  describe('requestJoin, acceptRequest, rejectRequest', () => {
    const withRequest = [...knights, requested('new')];

    it('records a request from any player outside the guild', () => {
      spec.given(knights).when(command('requestJoin', {}), by(player('new'))).then([requested('new')]);
      spec.given(knights).when(command('requestJoin', { playerId: 'new' }), by(server)).then([requested('new')]);
    });

    it('refuses a request from a member, a repeated request and one from an invited player', () => {
      spec.given(knights).when(command('requestJoin', {}), by(player('mem'))).thenRejects('REJECTED', /already a member/);
      spec.given(withRequest).when(command('requestJoin', {}), by(player('new'))).thenRejects('REJECTED', /already asked/);
      spec
        .given([...knights, invited('new')])
        .when(command('requestJoin', {}), by(player('new')))
        .thenRejects('REJECTED', /accept the invite/);
      spec.given(knights).when(command('requestJoin', { playerId: 'x' }), by(player('new'))).thenRejects('UNAUTHORIZED');
      spec.given(knights).when(command('requestJoin', {}), by(server)).thenRejects('VALIDATION');
    });

    it('refuses requests to a full guild and past the bound of pending requests', () => {
      deciderSpec(createGuildDecider({ maxMembers: 5 }))
        .given(knights)
        .when(command('requestJoin', {}), by(player('new')))
        .thenRejects('REJECTED', /full/);
      deciderSpec(createGuildDecider({ maxPendingRequests: 1 }))
        .given(withRequest)
        .when(command('requestJoin', {}), by(player('b')))
        .thenRejects('REJECTED', /1 join requests pending/);
    });

    it('joins an accepted requester', () => {
      spec
        .given(withRequest)
        .when(command('acceptRequest', { playerId: 'new' }), by(player('off')))
        .then([joined('new', 'request')]);
    });

    it('rejects a request', () => {
      spec
        .given(withRequest)
        .when(command('rejectRequest', { playerId: 'new' }), by(player('off')))
        .then([{ type: 'JoinRequestRejected', data: { playerId: 'new' } }]);
    });

    it('refuses to answer a request that does not exist', () => {
      spec
        .given(knights)
        .when(command('acceptRequest', { playerId: 'new' }), by(player('lead')))
        .thenRejects('REJECTED', /no pending join request/);
      spec
        .given(knights)
        .when(command('rejectRequest', { playerId: 'new' }), by(player('lead')))
        .thenRejects('REJECTED', /no pending join request/);
    });

    it('keeps the roster bound when a request is accepted', () => {
      deciderSpec(createGuildDecider({ maxMembers: 5 }))
        .given(withRequest)
        .when(command('acceptRequest', { playerId: 'new' }), by(player('lead')))
        .thenRejects('REJECTED', /full/);
    });

    it('holds 500 members by default and refuses the 501st', () => {
      const crowd = Array.from({ length: 499 }, (_, index) => joined(`p${index}`, 'request'));
      const full = [created('lead'), ...crowd];
      expect(spec.given(full).state).toMatchObject({ status: 'active' });
      const state = spec.given(full).state;
      expect(state.status === 'active' && state.members.size).toBe(500);
      spec.given(full).when(command('requestJoin', {}), by(player('late'))).thenRejects('REJECTED', /full \(500 members\)/);
      spec
        .given([created('lead'), ...crowd.slice(1), requested('late')])
        .when(command('acceptRequest', { playerId: 'late' }), by(player('lead')))
        .then([joined('late', 'request')]);
    });
  });

  describe('leave', () => {
    it('lets a member or an officer leave', () => {
      spec.given(knights).when(command('leave', {}), by(player('mem'))).then([{ type: 'MemberLeft', data: { playerId: 'mem' } }]);
      spec.given(knights).when(command('leave', {}), by(player('off'))).then([{ type: 'MemberLeft', data: { playerId: 'off' } }]);
      spec
        .given(knights)
        .when(command('leave', { playerId: 'mem' }), by(server))
        .then([{ type: 'MemberLeft', data: { playerId: 'mem' } }]);
    });

    it('answers NOT_FOUND for a player who is not a member, and refuses leaving for another', () => {
      spec.given(knights).when(command('leave', {}), by(player('out'))).thenRejects('NOT_FOUND', /not a member/);
      spec.given(knights).when(command('leave', { playerId: 'mem' }), by(player('off'))).thenRejects('UNAUTHORIZED');
      spec.given(knights).when(command('leave', {}), by(server)).thenRejects('VALIDATION');
    });

    it('keeps the leader while others remain', () => {
      spec.given(knights).when(command('leave', {}), by(player('lead'))).thenRejects('REJECTED', /transfer the leadership first/);
    });

    it('disbands the guild when its last member, the leader, leaves', () => {
      spec
        .given([created('lead')])
        .when(command('leave', {}), by(player('lead')))
        .then([{ type: 'GuildDisbanded', data: { playerId: 'lead' } }]);
      const disbanded = spec.given([created('lead', 'K'), { type: 'GuildDisbanded', data: { playerId: 'lead' } }]).state;
      expect(disbanded).toEqual({ status: 'disbanded', name: 'K' });
    });

    it('refuses to disband while the bank holds gold, and allows it once emptied', () => {
      const rich = [created('lead'), deposited('lead', 10, 'd1')];
      spec.given(rich).when(command('leave', {}), by(player('lead'))).thenRejects('REJECTED', /holds 10 gold/);
      spec
        .given([...rich, withdrawn('lead', 10, 'w1')])
        .when(command('leave', {}), by(player('lead')))
        .then([{ type: 'GuildDisbanded', data: { playerId: 'lead' } }]);
    });

    it('lets the old leader leave after handing over', () => {
      const handedOver = [...knights, { type: 'LeadershipTransferred', data: { from: 'lead', to: 'off' } } as const];
      spec
        .given(handedOver)
        .when(command('leave', {}), by(player('lead')))
        .then([{ type: 'MemberLeft', data: { playerId: 'lead' } }]);
    });
  });

  describe('kick', () => {
    it('removes the member', () => {
      spec
        .given(knights)
        .when(command('kick', { playerId: 'mem' }), by(player('off')))
        .then([{ type: 'MemberKicked', data: { playerId: 'mem' } }]);
      const state = spec.given([...knights, { type: 'MemberKicked', data: { playerId: 'mem' } }]).state;
      expect(state.status === 'active' && state.members.has('mem')).toBe(false);
    });

    it('answers NOT_FOUND for a player who is not a member', () => {
      spec
        .given(knights)
        .when(command('kick', { playerId: 'out' }), by(player('lead')))
        .thenRejects('NOT_FOUND', /out is not a member/);
    });

    it('refuses to kick oneself', () => {
      spec
        .given(knights)
        .when(command('kick', { playerId: 'lead' }), by(player('lead')))
        .thenRejects('REJECTED', /leave instead/);
      spec.given(knights).when(command('kick', { playerId: 'off' }), by(player('off'))).thenRejects('REJECTED', /leave instead/);
    });

    it('never removes the leader, not even for the system', () => {
      spec
        .given(knights)
        .when(command('kick', { playerId: 'lead' }), by(server))
        .thenRejects('REJECTED', /transfer the leadership/);
      spec
        .given(knights)
        .when(command('kick', { playerId: 'lead' }), by(player('off')))
        .thenRejects('UNAUTHORIZED', /an officer may not kick a leader/);
    });
  });
});
