import { describe, expect, it } from 'vitest';
import { SERVER_ONLY_COMMANDS } from '../../../actors/player/commands.js';
import { createPlayerDecider } from '../../../actors/player/decider.js';
import { playerCommands } from '../../../actors/player/definition.js';
import { NOW, ctx, exampleCommands, otherPlayer, registered, self, server, singleSession } from './fixtures.js';

describe('player: register', () => {
  it('given nothing, when a server registers the player, then PlayerRegistered names it', () => {
    singleSession
      .given([])
      .when({ type: 'register', data: { name: 'Aria' } }, ctx(server))
      .then([{ type: 'PlayerRegistered', data: { playerId: 'p1', name: 'Aria', registeredAt: NOW.getTime() } }]);
  });

  it('given a registered player, when registered again, then REJECTED', () => {
    singleSession
      .given([registered])
      .when({ type: 'register', data: { name: 'Other' } }, ctx(server))
      .thenRejects('REJECTED', /already registered/);
  });

  it('when a player registers itself, then UNAUTHORIZED (registration is server only)', () => {
    singleSession.given([]).when({ type: 'register', data: { name: 'Aria' } }, ctx(self)).thenRejects('UNAUTHORIZED', /only be issued by a server/);
  });

  it.each(exampleCommands.filter((command) => command.type !== 'register').map((command) => [command.type, command] as const))(
    'given an unregistered player, when a server sends %s, then NOT_FOUND',
    (_name, command) => {
      singleSession.given([]).when(command, ctx(server)).thenRejects('NOT_FOUND', /p1 is not registered/);
    },
  );
});

describe('player: authorization', () => {
  const serverOnly = exampleCommands.filter((command) => SERVER_ONLY_COMMANDS.has(command.type));
  const selfOrServer = exampleCommands.filter((command) => !SERVER_ONLY_COMMANDS.has(command.type));

  it('lists the same server-only commands in the host specs as in the decider', () => {
    const hostServerOnly = Object.entries(playerCommands)
      .filter(([, spec]) => spec.issuers?.includes('player') !== true)
      .map(([name]) => name)
      .sort();
    expect(hostServerOnly).toEqual([...SERVER_ONLY_COMMANDS].sort());
    expect(hostServerOnly).toEqual(['credit', 'joinGuild', 'leaveGuild', 'register', 'revokeSessions', 'voidDebit']);
  });

  it.each(serverOnly.map((command) => [command.type, command] as const))(
    'when the player itself sends server-only %s, then UNAUTHORIZED',
    (_name, command) => {
      singleSession.given([registered]).when(command, ctx(self)).thenRejects('UNAUTHORIZED', /only be issued by a server/);
    },
  );

  it.each(exampleCommands.map((command) => [command.type, command] as const))(
    'when another player sends %s, then UNAUTHORIZED',
    (_name, command) => {
      singleSession.given([registered]).when(command, ctx(otherPlayer)).thenRejects('UNAUTHORIZED');
    },
  );

  it.each(selfOrServer.map((command) => [command.type, command] as const))(
    'when another player sends %s to an unregistered player, then UNAUTHORIZED, not NOT_FOUND (no probing)',
    (_name, command) => {
      singleSession.given([]).when(command, ctx(otherPlayer)).thenRejects('UNAUTHORIZED', /p2 may not .* for player p1/);
    },
  );

  it('refuses a decision when the host clock is invalid', () => {
    const decider = createPlayerDecider();
    const decision = decider.decide({ type: 'login', data: {} }, decider.evolve(decider.initialState(), registered), {
      ...ctx(self),
      now: new Date(Number.NaN),
    });
    expect(decision).toEqual({ ok: false, rejection: { code: 'INTERNAL', message: 'the host clock gave an invalid time' } });
  });
});
