import { createHash, randomUUID } from 'node:crypto';
import type { EventStore, ProposedEvent } from '../../events/store/index.js';
import { PRESENCES, type Presence } from '../../events/player.js';
import { worldCodec, type WorldEvent } from '../../events/world.js';
import { createDice, seededRandom, type Dice } from '../simulation/random.js';

/**
 * A world's log written fast, for the rebuild benchmark: the events the actors write
 * (sessions, zones, presence, gold; items minted, handed over, escrowed and released,
 * consumed; guilds founded, joined, left, promoted, with deposits and messages of the
 * day), encoded by the real codec and appended straight to the store, many appends in
 * flight so SQLite's group commit takes them in large transactions. The deciders are
 * not run, but every event fits the state the generator keeps (a transfer comes from
 * the owner, a release follows an escrow, a member leaves a guild it joined), so the
 * projections do the work a real log gives them.
 */
export interface WorldEventsOptions {
  readonly events: number;
  readonly players: number;
  readonly guilds: number;
  readonly seed: number;
  /** Appends in flight; default 256. */
  readonly inFlight?: number;
}

interface Player {
  readonly id: string;
  session: string | undefined;
  zone: string | null;
  presence: Presence;
  balance: number;
  guild: string | undefined;
}

interface Item {
  readonly id: string;
  owner: string;
  escrowedBy: string | undefined;
}

type Rank = 'leader' | 'officer' | 'member';

interface Append {
  readonly stream: string;
  readonly events: WorldEvent[];
}

const ZONES = ['harbor', 'forest', 'keep', 'mines', 'desert', 'marsh', 'peaks', 'ruins'];
const TEMPLATES = ['sword', 'shield', 'potion', 'helmet', 'bow', 'ring', 'cloak', 'boots', 'gem', 'scroll'];
const HOUR = 3_600_000;

class WorldLog {
  private readonly dice: Dice;
  private readonly players: Player[];
  private readonly items: Item[] = [];
  private readonly guilds = new Map<string, Map<string, Rank>>();
  /** The guilds not disbanded, to join one at random. */
  private readonly activeGuilds: string[] = [];
  private clock = Date.UTC(2026, 0, 1);
  private sequence = 0;

  constructor(private readonly options: WorldEventsOptions) {
    this.dice = createDice(seededRandom(options.seed));
    this.players = Array.from({ length: options.players }, (_, index) => ({
      id: `p${index}`,
      session: undefined,
      zone: null,
      presence: 'offline',
      balance: 0,
      guild: undefined,
    }));
  }

  /** The next action: each actor's events appended together, as the actor does. */
  next(): Append[] {
    this.clock += this.dice.int(40);
    const roll = this.dice.int(100);
    if (roll < 50) return [this.playerStep()];
    if (roll < 85) return [this.itemStep()];
    return this.guildStep();
  }

  private player(): Player {
    return this.players[this.dice.int(this.players.length)] ?? (this.players[0] as Player);
  }

  private id(prefix: string): string {
    this.sequence += 1;
    return `${prefix}${this.sequence.toString(36)}`;
  }

  private playerStep(): Append {
    const player = this.player();
    const stream = `player-${player.id}`;
    if (player.session === undefined) {
      const sessionId = randomUUID();
      const events: WorldEvent[] = [
        {
          type: 'SessionStarted',
          data: {
            sessionId,
            tokenHash: createHash('sha256').update(sessionId).digest('hex'),
            startedAt: this.clock,
            idleExpiresAt: this.clock + HOUR / 2,
            absoluteExpiresAt: this.clock + 24 * HOUR,
          },
        },
      ];
      player.session = sessionId;
      if (player.presence !== 'online') {
        events.push({ type: 'PresenceChanged', data: { from: player.presence, to: 'online' } });
        player.presence = 'online';
      }
      return { stream, events };
    }
    const roll = this.dice.int(100);
    if (roll < 30) {
      const to = ZONES[this.dice.int(ZONES.length)] ?? 'keep';
      if (to !== player.zone) {
        const event: WorldEvent = { type: 'ZoneChanged', data: { from: player.zone, to } };
        player.zone = to;
        return { stream, events: [event] };
      }
      return { stream, events: [{ type: 'SessionTouched', data: { sessionId: player.session, idleExpiresAt: this.clock + HOUR / 2 } }] };
    }
    if (roll < 50) return { stream, events: [{ type: 'SessionTouched', data: { sessionId: player.session, idleExpiresAt: this.clock + HOUR / 2 } }] };
    if (roll < 60) {
      const to = PRESENCES[this.dice.int(PRESENCES.length)] ?? 'online';
      if (to === player.presence) return { stream, events: [{ type: 'SessionTouched', data: { sessionId: player.session, idleExpiresAt: this.clock + HOUR / 2 } }] };
      const event: WorldEvent = { type: 'PresenceChanged', data: { from: player.presence, to } };
      player.presence = to;
      return { stream, events: [event] };
    }
    if (roll < 85 || player.balance < 10) {
      const amount = 1 + this.dice.int(500);
      player.balance += amount;
      return { stream, events: [{ type: 'GoldCredited', data: { amount, cause: 'loot', reference: this.id('loot-'), balanceAfter: player.balance } }] };
    }
    if (roll < 95) {
      const amount = 1 + this.dice.int(player.balance);
      player.balance -= amount;
      return { stream, events: [{ type: 'GoldDebited', data: { amount, cause: 'purchase', reference: this.id('buy-'), balanceAfter: player.balance } }] };
    }
    const event: WorldEvent = { type: 'SessionEnded', data: { sessionId: player.session } };
    player.session = undefined;
    return { stream, events: [event] };
  }

  private itemStep(): Append {
    const index = this.dice.int(this.items.length);
    const item = this.items.length < 1_000 || this.dice.chance(0.3) ? undefined : this.items[index];
    if (item === undefined) {
      const minted: Item = { id: this.id('i'), owner: this.player().id, escrowedBy: undefined };
      this.items.push(minted);
      return { stream: `item-${minted.id}`, events: [{ type: 'ItemMinted', data: { templateId: TEMPLATES[this.dice.int(TEMPLATES.length)] ?? 'sword', owner: minted.owner } }] };
    }
    const stream = `item-${item.id}`;
    if (item.escrowedBy !== undefined) {
      const holder = { kind: 'trade', id: item.escrowedBy } as const;
      const to = this.dice.chance(0.7) ? this.player().id : item.owner;
      item.escrowedBy = undefined;
      item.owner = to;
      return { stream, events: [{ type: 'ItemReleased', data: { holder, to } }] };
    }
    const roll = this.dice.int(100);
    if (roll < 60) {
      const to = this.player().id;
      if (to === item.owner) return this.itemStep();
      const from = item.owner;
      item.owner = to;
      return { stream, events: [{ type: 'ItemTransferred', data: { from, to } }] };
    }
    if (roll < 90) {
      item.escrowedBy = this.id('t');
      return { stream, events: [{ type: 'ItemEscrowed', data: { owner: item.owner, holder: { kind: 'trade', id: item.escrowedBy } } }] };
    }
    // Consumed: gone for good; its stream ends here. The last item takes its slot (no shifting).
    const last = this.items.pop();
    if (last !== undefined && last !== item) this.items[index] = last;
    return { stream, events: [{ type: 'ItemConsumed', data: { owner: item.owner } }] };
  }

  /** A guild action, and the player's own record of a join or a departure (a command to each actor). */
  private guildStep(): Append[] {
    const player = this.player();
    const guild = player.guild === undefined ? undefined : this.guilds.get(player.guild);
    if (guild === undefined || player.guild === undefined) return this.join(player);
    const stream = `guild-${player.guild}`;
    const rank = guild.get(player.id);
    const roll = this.dice.int(100);
    if (roll < 40) return [{ stream, events: [{ type: 'GoldDeposited', data: { from: player.id, amount: 1 + this.dice.int(100), reference: this.id('dep-') } }] }];
    if (roll < 55 && rank !== 'member') return [{ stream, events: [{ type: 'MotdSet', data: { text: `Raid at ${this.dice.int(24)}:00, bring ${TEMPLATES[this.dice.int(TEMPLATES.length)]}s` } }] }];
    if (roll < 70 && rank === 'member') {
      guild.set(player.id, 'officer');
      return [{ stream, events: [{ type: 'MemberPromoted', data: { playerId: player.id } }] }];
    }
    return this.leave(player, player.guild, guild);
  }

  private join(player: Player): Append[] {
    const existing = this.activeGuilds.length >= this.options.guilds || (this.activeGuilds.length > 0 && this.dice.chance(0.9));
    const guildId = existing ? (this.activeGuilds[this.dice.int(this.activeGuilds.length)] ?? 'g0') : this.id('g');
    const guild = this.guilds.get(guildId);
    player.guild = guildId;
    const joined: Append = { stream: `player-${player.id}`, events: [{ type: 'PlayerJoinedGuild', data: { guildId } }] };
    if (guild === undefined) {
      this.guilds.set(guildId, new Map([[player.id, 'leader']]));
      this.activeGuilds.push(guildId);
      return [{ stream: `guild-${guildId}`, events: [{ type: 'GuildCreated', data: { name: `Guild ${guildId}`, leaderId: player.id } }] }, joined];
    }
    guild.set(player.id, 'member');
    return [{ stream: `guild-${guildId}`, events: [{ type: 'MemberJoined', data: { playerId: player.id, via: 'request' } }] }, joined];
  }

  /** A leader hands over first; the last member disbands the guild, whose id is never used again. */
  private leave(player: Player, guildId: string, guild: Map<string, Rank>): Append[] {
    const stream = `guild-${guildId}`;
    const events: WorldEvent[] = [];
    const wasLeader = guild.get(player.id) === 'leader';
    guild.delete(player.id);
    const successor = guild.keys().next();
    if (successor.done === true) {
      events.push({ type: 'GuildDisbanded', data: { playerId: player.id } });
      this.guilds.delete(guildId);
      this.activeGuilds.splice(this.activeGuilds.indexOf(guildId), 1);
    } else {
      if (wasLeader) {
        events.push({ type: 'LeadershipTransferred', data: { from: player.id, to: successor.value } });
        guild.set(successor.value, 'leader');
      }
      events.push({ type: 'MemberLeft', data: { playerId: player.id } });
    }
    player.guild = undefined;
    return [{ stream, events }, { stream: `player-${player.id}`, events: [{ type: 'PlayerLeftGuild', data: { guildId } }] }];
  }

  encode(events: readonly WorldEvent[]): ProposedEvent[] {
    const commandId = randomUUID();
    return events.map((event) =>
      worldCodec.encode(event, { eventId: randomUUID(), commandId, correlationId: commandId, occurredAt: new Date(this.clock), issuer: 'server:bench' }),
    );
  }
}

/** Appends `options.events` events (a few more: an action's events stay together); returns how many. */
export const fillWorldLog = async (store: EventStore, options: WorldEventsOptions, onProgress?: (written: number) => void): Promise<number> => {
  const log = new WorldLog(options);
  let written = 0;
  let reported = 0;
  // A stream's appends are chained, so its events land in the order they were made.
  const tails = new Map<string, Promise<unknown>>();
  const appendInOrder = (append: Append): Promise<unknown> => {
    const events = log.encode(append.events);
    const tail = (tails.get(append.stream) ?? Promise.resolve()).then(() => store.append(append.stream, events, { expectedRevision: 'any' }));
    tails.set(append.stream, tail);
    return tail.finally(() => {
      if (tails.get(append.stream) === tail) tails.delete(append.stream);
    });
  };
  const writer = async (): Promise<void> => {
    while (written < options.events) {
      const appends = log.next();
      for (const append of appends) written += append.events.length;
      await Promise.all(appends.map(appendInOrder));
      if (written - reported >= 100_000) {
        reported = written;
        onProgress?.(written);
      }
    }
  };
  await Promise.all(Array.from({ length: options.inFlight ?? 256 }, writer));
  return written;
};
