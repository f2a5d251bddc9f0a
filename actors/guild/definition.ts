import { createEventCodec, createEventRegistry } from '../../events/catalog/index.js';
import { guildEventDefinitions, type GuildEvent } from '../../events/guild.js';
import { actorType, type ActorType } from '../runtime/actor-definition.js';
import { GuildCommandSchemas, type GuildCommand } from './commands.js';
import { createGuildDecider, type GuildLimits } from './decider.js';
import { guildSnapshotCodec, type GuildState } from './state.js';

export const guildEvents = createEventCodec(createEventRegistry<GuildEvent>(guildEventDefinitions));

export interface GuildActorOptions {
  /**
   * How long a guild collects commands before deciding them and appending once. Guild
   * actions come in bursts (a raid forming, a bank run after a boss kill); 100 ms is
   * below what a player notices and turns a burst into one append. 0 keeps only the
   * runtime's group commit.
   */
  readonly batchWindowMs?: number;
  readonly limits?: Partial<GuildLimits>;
}

/**
 * The guild category: `mmo.cmd.<issuerKind>.<issuerId>.guild.<guildId>.<command>`,
 * stream `guild-<guildId>`. Every command may come from a player or a game server:
 * ranks, not issuer kinds, decide who may do what (see roles.ts).
 */
export const guildActor = ({ batchWindowMs = 100, limits = {} }: GuildActorOptions = {}): ActorType =>
  actorType<GuildState, GuildCommand, GuildEvent>({
    category: 'guild',
    decider: createGuildDecider(limits),
    commands: {
      create: { schema: GuildCommandSchemas.create },
      invite: { schema: GuildCommandSchemas.invite },
      acceptInvite: { schema: GuildCommandSchemas.acceptInvite },
      declineInvite: { schema: GuildCommandSchemas.declineInvite },
      requestJoin: { schema: GuildCommandSchemas.requestJoin },
      acceptRequest: { schema: GuildCommandSchemas.acceptRequest },
      rejectRequest: { schema: GuildCommandSchemas.rejectRequest },
      leave: { schema: GuildCommandSchemas.leave },
      kick: { schema: GuildCommandSchemas.kick },
      promote: { schema: GuildCommandSchemas.promote },
      demote: { schema: GuildCommandSchemas.demote },
      transferLeadership: { schema: GuildCommandSchemas.transferLeadership },
      setMotd: { schema: GuildCommandSchemas.setMotd },
      deposit: { schema: GuildCommandSchemas.deposit },
      withdraw: { schema: GuildCommandSchemas.withdraw },
    },
    events: guildEvents,
    snapshot: guildSnapshotCodec,
    batchWindowMs,
  });
