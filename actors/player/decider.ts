import type { PlayerEvent } from '../../events/player.js';
import { accept, reject, type Command, type Decider, type Decision, type DecisionContext } from '../runtime/decider.js';
import { SERVER_ONLY_COMMANDS, type PlayerCommand, type PlayerCommandName, type RegisterCommand } from './commands.js';
import { parsePlayerOptions, type PlayerOptions } from './options.js';
import { decideLogin, decideLogout, decideRevokeSessions, decideTouch } from './sessions.js';
import { evolvePlayer, initialPlayerState, type PlayerState, type RegisteredPlayer } from './state.js';
import { decideCredit, decideDebit, decideVoidDebit } from './wallet.js';

/**
 * Who may do what. A player acts on itself only; a server acts for anyone and alone
 * sends the privileged commands. Checked before existence, so a player probing another
 * player's id learns nothing about whether it is registered.
 */
const authorize = (name: PlayerCommandName, context: DecisionContext): Decision<never> | undefined => {
  const { issuer, actorId } = context;
  if (SERVER_ONLY_COMMANDS.has(name)) {
    return issuer.kind === 'server' ? undefined : reject('UNAUTHORIZED', `${name} may only be issued by a server`);
  }
  if (issuer.kind === 'server' || issuer.id === actorId) return undefined;
  return reject('UNAUTHORIZED', `player ${issuer.id} may not ${name} for player ${actorId}`);
};

const register = (state: PlayerState, { name }: RegisterCommand['data'], context: DecisionContext, now: number): Decision<PlayerEvent> =>
  state.status === 'registered'
    ? reject('REJECTED', `player ${context.actorId} is already registered`)
    : accept({ type: 'PlayerRegistered', data: { playerId: context.actorId, name, registeredAt: now } });

const decideRegistered = (
  command: Exclude<PlayerCommand, RegisterCommand>,
  state: RegisteredPlayer,
  context: DecisionContext,
  now: number,
  options: PlayerOptions,
): Decision<PlayerEvent> => {
  switch (command.type) {
    case 'login':
      return decideLogin(state, now, context.entropy, options);
    case 'logout':
      return decideLogout(state, now, command.data.sessionId);
    case 'touch':
      return decideTouch(state, now, command.data.sessionId, options);
    case 'revokeSessions':
      return decideRevokeSessions(state, now);
    case 'changeZone':
      // Re-entering the zone one is in changes nothing: success, no event.
      if (state.zone === command.data.zone) return accept();
      return accept({ type: 'ZoneChanged', data: { from: state.zone, to: command.data.zone } });
    case 'setPresence':
      if (state.presence === command.data.status) return accept();
      return accept({ type: 'PresenceChanged', data: { from: state.presence, to: command.data.status } });
    case 'credit':
      return decideCredit(state, command.data);
    case 'debit':
      return decideDebit(state, command.data);
    case 'voidDebit':
      return decideVoidDebit(state, command.data);
    case 'joinGuild':
      // Strict even for the same guild: the guild flow must know a join did nothing.
      if (state.guildId !== null) return reject('REJECTED', `already a member of guild ${state.guildId}`);
      return accept({ type: 'PlayerJoinedGuild', data: { guildId: command.data.guildId } });
    case 'leaveGuild':
      if (state.guildId !== command.data.guildId) {
        return reject('REJECTED', `not a member of guild ${command.data.guildId}`);
      }
      return accept({ type: 'PlayerLeftGuild', data: { guildId: command.data.guildId } });
    default: {
      const _: never = command;
      return reject('NOT_FOUND', `player has no command ${(command as Command).type}`);
    }
  }
};

/** The player decider for the given options (defaults: single session, 30 min idle, 24 h absolute). */
export const createPlayerDecider = (options: Partial<PlayerOptions> = {}): Decider<PlayerState, PlayerCommand, PlayerEvent> => {
  const parsed = parsePlayerOptions(options);
  return {
    initialState: initialPlayerState,
    evolve: evolvePlayer,
    decide: (command, state, context) => {
      const refusal = authorize(command.type, context);
      if (refusal !== undefined) return refusal;
      const now = context.now.getTime();
      // Every instant in the log derives from this; an invalid clock is a host bug.
      if (!Number.isSafeInteger(now)) return reject('INTERNAL', 'the host clock gave an invalid time');
      if (command.type === 'register') return register(state, command.data, context, now);
      if (state.status === 'unregistered') return reject('NOT_FOUND', `player ${context.actorId} is not registered`);
      return decideRegistered(command, state, context, now, parsed);
    },
  };
};
