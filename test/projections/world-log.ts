import fc from 'fast-check';
import { createGuildDecider } from '../../actors/guild/decider.js';
import type { GuildCommand } from '../../actors/guild/commands.js';
import type { GuildState } from '../../actors/guild/state.js';
import { itemDecider } from '../../actors/item/decider.js';
import type { ItemCommand } from '../../actors/item/commands.js';
import type { ItemState } from '../../actors/item/state.js';
import { createPlayerDecider } from '../../actors/player/decider.js';
import type { PlayerCommand } from '../../actors/player/commands.js';
import type { PlayerState } from '../../actors/player/state.js';
import type { Command, Decider } from '../../actors/runtime/decider.js';
import type { Issuer } from '../../actors/runtime/protocol/issuer.js';
import type { RecordedEvent } from '../../events/catalog/index.js';
import { PRESENCES } from '../../events/player.js';
import type { WorldEvent } from '../../events/world.js';
import { LOG_START, recordedLog, type RecordedLog } from '../support/recorded-log.js';

/**
 * A random world's log, written by the real deciders: random steps become commands a
 * game server sends to players, items and guilds, and whatever the deciders accept is
 * recorded. The log is therefore one the actors could have written, with every event
 * kind the projections follow (and others they ignore).
 */
export type Step = readonly [number, number, number, number];

export const stepsArbitrary = (maxLength = 200): fc.Arbitrary<Step[]> =>
  fc.array(fc.tuple(fc.nat(999), fc.nat(999), fc.nat(999), fc.nat(999)), { maxLength, size: 'max' });

export const PLAYERS = ['p0', 'p1', 'p2', 'p3', 'p4'] as const;
const GUILDS = ['g0', 'g1'] as const;
const ZONES = ['harbor', 'forest', 'keep'] as const;
const SERVER: Issuer = { kind: 'server', id: 'gs1' };
const MINUTE = 60_000;

const pick = <T>(items: readonly T[], index: number): T | undefined => (items.length === 0 ? undefined : items[index % items.length]);
const playerAt = (index: number): string => PLAYERS[index % PLAYERS.length] ?? 'p0';

class World {
  readonly log: RecordedLog = recordedLog();
  clock = LOG_START;
  private commands = 0;

  context(actorId: string) {
    this.commands += 1;
    const entropy = new Uint8Array(32);
    new DataView(entropy.buffer).setUint32(0, this.commands);
    return { actorId, commandId: `cmd-${this.commands}`, issuer: SERVER, now: new Date(this.clock), entropy };
  }
}

/** One category's actors, folded as their events are recorded. */
class Actors<S, C extends Command, E extends WorldEvent> {
  private readonly states = new Map<string, S>();

  constructor(
    private readonly category: string,
    private readonly decider: Decider<S, C, E>,
    private readonly world: World,
  ) {}

  state(id: string): S {
    return this.states.get(id) ?? this.decider.initialState();
  }

  ids(): string[] {
    return [...this.states.keys()];
  }

  send(id: string, command: C): boolean {
    const decision = this.decider.decide(command, this.state(id), this.world.context(id));
    if (!decision.ok) return false;
    let state = this.state(id);
    for (const event of decision.events) {
      this.world.log.record(`${this.category}-${id}`, event, this.world.clock);
      state = this.decider.evolve(state, event);
    }
    this.states.set(id, state);
    return true;
  }
}

const sessionsOf = (state: PlayerState) => (state.status === 'registered' ? state.sessions : []);

const playerStep = (players: Actors<PlayerState, PlayerCommand, WorldEvent>, [kind, a, b]: Step): void => {
  const playerId = playerAt(a);
  const state = players.state(playerId);
  const session = pick(sessionsOf(state), b);
  switch (kind % 8) {
    case 0:
      players.send(playerId, { type: 'login', data: {} });
      return;
    case 1:
      if (session !== undefined) players.send(playerId, { type: 'touch', data: { sessionId: session.sessionId } });
      return;
    case 2:
      if (session !== undefined) players.send(playerId, { type: 'logout', data: { sessionId: session.sessionId } });
      return;
    case 3:
      players.send(playerId, { type: 'revokeSessions', data: {} });
      return;
    case 4:
      players.send(playerId, { type: 'changeZone', data: { zone: ZONES[b % ZONES.length] ?? 'keep' } });
      return;
    case 5:
      players.send(playerId, { type: 'setPresence', data: { status: PRESENCES[b % PRESENCES.length] ?? 'online' } });
      return;
    case 6: {
      const guildId = state.status === 'registered' ? state.guildId : null;
      if (guildId === null) players.send(playerId, { type: 'joinGuild', data: { guildId: GUILDS[b % GUILDS.length] ?? 'g0' } });
      else players.send(playerId, { type: 'leaveGuild', data: { guildId } });
      return;
    }
    default:
      players.send(playerId, { type: 'credit', data: { amount: 1 + b, cause: 'loot', reference: `loot-${a}-${b}` } });
  }
};

const itemStep = (items: Actors<ItemState, ItemCommand, WorldEvent>, [kind, a, b, c]: Step, nextId: () => string): void => {
  const states = items.ids().map((id) => ({ id, state: items.state(id) }));
  const owned = states.filter((item) => item.state.status === 'owned');
  const escrowed = states.filter((item) => item.state.status === 'escrowed');
  const item = pick(owned, b);
  switch (kind % 6) {
    case 0:
    case 1:
      items.send(nextId(), { type: 'mint', data: { templateId: `t${b % 3}`, owner: playerAt(a) } });
      return;
    case 2:
      if (item?.state.status === 'owned') {
        const to = playerAt(PLAYERS.indexOf(item.state.owner as (typeof PLAYERS)[number]) + 1 + (c % (PLAYERS.length - 1)));
        items.send(item.id, { type: 'transfer', data: { from: item.state.owner, to } });
      }
      return;
    case 3:
      if (item?.state.status === 'owned') {
        items.send(item.id, { type: 'escrow', data: { holder: { kind: c % 2 === 0 ? 'trade' : 'auction', id: `h${nextId()}` }, from: item.state.owner } });
      }
      return;
    case 4: {
      const held = pick(escrowed, b);
      if (held?.state.status === 'escrowed') {
        const to = c % 2 === 0 ? held.state.owner : playerAt(c);
        items.send(held.id, { type: 'release', data: { holder: held.state.holder, to } });
      }
      return;
    }
    default:
      if (item?.state.status === 'owned') {
        if (c % 2 === 0) items.send(item.id, { type: 'consume', data: { owner: item.state.owner } });
        else items.send(item.id, { type: 'destroy', data: { reason: 'worn out' } });
      }
  }
};

const guildStep = (guilds: Actors<GuildState, GuildCommand, WorldEvent>, [kind, a, b, c]: Step): void => {
  const guildId = GUILDS[a % GUILDS.length] ?? 'g0';
  const playerId = playerAt(b);
  switch (kind % 9) {
    case 0:
      guilds.send(guildId, { type: 'create', data: { name: `Guild ${guildId}`, leaderId: playerId } });
      return;
    case 1:
      if (guilds.send(guildId, { type: 'invite', data: { playerId } })) {
        guilds.send(guildId, c % 3 === 0 ? { type: 'declineInvite', data: { playerId } } : { type: 'acceptInvite', data: { playerId } });
      }
      return;
    case 2:
      if (guilds.send(guildId, { type: 'requestJoin', data: { playerId } })) {
        guilds.send(guildId, c % 3 === 0 ? { type: 'rejectRequest', data: { playerId } } : { type: 'acceptRequest', data: { playerId } });
      }
      return;
    case 3:
      guilds.send(guildId, { type: 'leave', data: { playerId } });
      return;
    case 4:
      guilds.send(guildId, { type: 'kick', data: { playerId } });
      return;
    case 5: {
      const guild = guilds.state(guildId);
      const officer = guild.status === 'active' && guild.members.get(playerId) === 'officer';
      guilds.send(guildId, { type: officer ? 'demote' : 'promote', data: { playerId } });
      return;
    }
    case 6:
      guilds.send(guildId, { type: 'transferLeadership', data: { playerId } });
      return;
    case 7:
      guilds.send(guildId, { type: 'setMotd', data: { text: `motd ${c % 4}` } });
      return;
    default:
      guilds.send(guildId, { type: 'deposit', data: { amount: 1 + c, reference: `dep-${a}-${b}-${c}`, from: playerId } });
  }
};

export interface WorldOptions {
  /** The players' session mode (the actor's option). */
  readonly singleSession?: boolean;
}

export const worldLog = (steps: readonly Step[], { singleSession = true }: WorldOptions = {}): RecordedEvent<WorldEvent>[] => {
  const world = new World();
  const players = new Actors<PlayerState, PlayerCommand, WorldEvent>('player', createPlayerDecider({ singleSession }), world);
  const items = new Actors<ItemState, ItemCommand, WorldEvent>('item', itemDecider, world);
  const guilds = new Actors<GuildState, GuildCommand, WorldEvent>('guild', createGuildDecider(), world);
  let minted = 0;
  const nextId = (): string => `i${(minted += 1)}`;
  for (const playerId of PLAYERS) players.send(playerId, { type: 'register', data: { name: `Player ${playerId}` } });
  for (const step of steps) {
    const [kind, , , wait] = step;
    // Mostly seconds apart; now and then past the 30-minute idle expiry, so logins retire lapsed sessions.
    world.clock += wait % 23 === 0 ? 31 * MINUTE : (wait % 5) * 1_000;
    const actor = kind % 3;
    const local: Step = [Math.floor(kind / 3), step[1], step[2], step[3]];
    if (actor === 0) playerStep(players, local);
    else if (actor === 1) itemStep(items, local, nextId);
    else guildStep(guilds, local);
  }
  return world.log.events;
};
