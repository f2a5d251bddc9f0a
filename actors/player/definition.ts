import { createEventCodec, createEventRegistry } from '../../events/catalog/index.js';
import { playerEventDefinitions, type PlayerEvent } from '../../events/player.js';
import { actorType, type ActorType, type CommandSpec } from '../runtime/actor-definition.js';
import {
  ChangeZoneData,
  CreditData,
  DebitData,
  VoidDebitData,
  GuildData,
  NoData,
  RegisterData,
  SessionData,
  SetPresenceData,
  type PlayerCommand,
  type PlayerCommandName,
} from './commands.js';
import { createPlayerDecider } from './decider.js';
import type { PlayerOptions } from './options.js';
import { playerSnapshotCodec } from './snapshot.js';
import type { PlayerState } from './state.js';

export const PLAYER_CATEGORY = 'player';

/** The player's own codec; events/world.ts merges `playerEventDefinitions` with the others. */
export const playerEvents = createEventCodec(createEventRegistry<PlayerEvent>(playerEventDefinitions));

const SERVER = ['server'] as const;
const PLAYER_OR_SERVER = ['player', 'server'] as const;

/**
 * The host refuses a server-only command from a player at the subject, before decoding
 * its payload; the decider checks every issuer again (a player may act on itself only).
 */
export const playerCommands: { readonly [Name in PlayerCommandName]: CommandSpec } = {
  register: { schema: RegisterData, issuers: SERVER },
  login: { schema: NoData, issuers: PLAYER_OR_SERVER },
  logout: { schema: SessionData, issuers: PLAYER_OR_SERVER },
  touch: { schema: SessionData, issuers: PLAYER_OR_SERVER },
  revokeSessions: { schema: NoData, issuers: SERVER },
  changeZone: { schema: ChangeZoneData, issuers: PLAYER_OR_SERVER },
  setPresence: { schema: SetPresenceData, issuers: PLAYER_OR_SERVER },
  credit: { schema: CreditData, issuers: SERVER },
  debit: { schema: DebitData, issuers: PLAYER_OR_SERVER },
  voidDebit: { schema: VoidDebitData, issuers: SERVER },
  joinGuild: { schema: GuildData, issuers: SERVER },
  leaveGuild: { schema: GuildData, issuers: SERVER },
};

/** The player actor for a host; options default to one session, 30 min idle, 24 h absolute. */
export const playerActor = (options: Partial<PlayerOptions> = {}): ActorType =>
  actorType<PlayerState, PlayerCommand, PlayerEvent>({
    category: PLAYER_CATEGORY,
    decider: createPlayerDecider(options),
    commands: playerCommands,
    events: playerEvents,
    snapshot: playerSnapshotCodec,
  });
