import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../../actors/runtime/protocol/error-codes.js';
import type { Issuer } from '../../../actors/runtime/protocol/issuer.js';
import type { GuildCommand } from '../../../actors/guild/commands.js';
import { GUILD_ROLES, ROLE_RIGHTS, type GuildRights } from '../../../actors/guild/roles.js';
import { by, command, knights, player, requested, server, spec, deposited } from './fixtures.js';

/**
 * Every rank × every action, written out by hand rather than derived from roles.ts, so
 * a change to the rights table has to change this one too. The guild: `lead` leads,
 * `off`/`off2` are officers, `mem`/`mem2` members, `out` is outside, `req` asked to
 * join, the bank holds 50 gold. Each cell: 'ok' or the code of the refusal.
 */
type Outcome = 'ok' | ErrorCode;
const ROWS = ['leader', 'officer', 'member', 'outsider', 'server'] as const;
type Row = (typeof ROWS)[number];

const issuerOf: { readonly [R in Row]: Issuer } = {
  leader: player('lead'),
  officer: player('off'),
  member: player('mem'),
  outsider: player('out'),
  server,
};

/** Commands about oneself name the player (`mem`) when a server sends them. */
const self = (row: Row): string | undefined => (row === 'server' ? 'mem' : undefined);

const COMMANDS: { readonly [action: string]: (row: Row) => GuildCommand } = {
  'invite': () => command('invite', { playerId: 'new' }),
  'accept a join request': () => command('acceptRequest', { playerId: 'req' }),
  'reject a join request': () => command('rejectRequest', { playerId: 'req' }),
  'kick a member': () => command('kick', { playerId: 'mem2' }),
  'kick an officer': () => command('kick', { playerId: 'off2' }),
  'kick the leader': () => command('kick', { playerId: 'lead' }),
  'promote': () => command('promote', { playerId: 'mem2' }),
  'demote': () => command('demote', { playerId: 'off2' }),
  'transfer the leadership': () => command('transferLeadership', { playerId: 'off2' }),
  'set the message of the day': () => command('setMotd', { text: 'hello' }),
  'deposit': (row) => {
    const from = self(row);
    return command('deposit', { amount: 5, reference: 'd9', ...(from === undefined ? {} : { from }) });
  },
  'withdraw to a member': () => command('withdraw', { amount: 5, reference: 'w9', to: 'mem2' }),
  'leave': (row) => {
    const playerId = self(row);
    return command('leave', playerId === undefined ? {} : { playerId });
  },
  'ask to join': (row) => command('requestJoin', row === 'server' ? { playerId: 'new' } : {}),
};

const U = 'UNAUTHORIZED';
const R = 'REJECTED';
const N = 'NOT_FOUND';
type RowOutcomes = readonly [leader: Outcome, officer: Outcome, member: Outcome, outsider: Outcome, server: Outcome];
const EXPECTED: { readonly [action: string]: RowOutcomes } = {
  //                             leader  officer  member  outsider  server
  'invite':                     ['ok',   'ok',    U,      U,        'ok'],
  'accept a join request':      ['ok',   'ok',    U,      U,        'ok'],
  'reject a join request':      ['ok',   'ok',    U,      U,        'ok'],
  'kick a member':              ['ok',   'ok',    U,      U,        'ok'],
  'kick an officer':            ['ok',   U,       U,      U,        'ok'],
  'kick the leader':            [R,      U,       U,      U,        R],
  'promote':                    ['ok',   U,       U,      U,        'ok'],
  'demote':                     ['ok',   U,       U,      U,        'ok'],
  'transfer the leadership':    ['ok',   U,       U,      U,        'ok'],
  'set the message of the day': ['ok',   'ok',    U,      U,        'ok'],
  'deposit':                    ['ok',   'ok',    'ok',   U,        'ok'],
  'withdraw to a member':       ['ok',   'ok',    U,      U,        'ok'],
  'leave':                      [R,      'ok',    'ok',   N,        'ok'],
  'ask to join':                [R,      R,       R,      'ok',     'ok'],
};

const guild = [...knights, requested('req'), deposited('lead', 50, 'd0')];

describe('guild rights: every rank × every action', () => {
  const cells = Object.entries(EXPECTED).flatMap(([action, outcomes]) =>
    ROWS.map((row, column) => ({ action, row, outcome: outcomes[column] })),
  );

  it('covers every action it lists', () => {
    expect(Object.keys(COMMANDS).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(cells)('$row → $action: $outcome', ({ action, row, outcome }) => {
    const { decision } = spec.given(guild).when(COMMANDS[action]!(row), by(issuerOf[row]));
    expect(decision.ok ? 'ok' : decision.rejection.code).toBe(outcome);
  });

  it('grants a higher rank every right of a lower one', () => {
    const flags = (rights: GuildRights) => Object.entries(rights).filter(([, value]) => value === true).map(([key]) => key);
    const [leader, officer, member] = GUILD_ROLES.map((role) => ROLE_RIGHTS[role]);
    expect(flags(leader!)).toEqual(expect.arrayContaining(flags(officer!)));
    expect(flags(officer!)).toEqual(expect.arrayContaining(flags(member!)));
    expect(leader!.kick).toEqual(expect.arrayContaining([...officer!.kick]));
    // Nobody kicks its own rank or a higher one.
    for (const [rank, role] of GUILD_ROLES.entries()) {
      for (const target of ROLE_RIGHTS[role].kick) expect(GUILD_ROLES.indexOf(target)).toBeGreaterThan(rank);
    }
  });
});
