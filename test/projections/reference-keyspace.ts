import { evolveGuild, initialGuildState, type GuildState } from '../../actors/guild/state.js';
import { foldInventories, inventoryChange, itemIdOfStream, type StreamedItemEvent } from '../../actors/item/inventory.js';
import { evolveItem, initialItemState, type ItemState } from '../../actors/item/state.js';
import { evolvePlayer, initialPlayerState, type PlayerState } from '../../actors/player/state.js';
import type { RecordedEvent } from '../../events/catalog/index.js';
import type { GuildEvent } from '../../events/guild.js';
import type { PlayerEvent } from '../../events/player.js';
import type { WorldEvent } from '../../events/world.js';
import type { ModelEntry } from '../support/cache-model.js';

/**
 * Each projection's keyspace computed straight from the log with the actors' own folds
 * (evolvePlayer, foldInventories and evolveItem, evolveGuild), with no batches and no
 * cache: what any batching of the log must end in, in CacheModel.keyspace() form.
 */

type Keyspace = Record<string, ModelEntry>;

const sorted = (entries: [string, ModelEntry][]): Keyspace => Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
const sortedFields = (fields: [string, unknown][]): Record<string, unknown> =>
  Object.fromEntries(fields.sort(([a], [b]) => a.localeCompare(b)));

const byStream = <E extends WorldEvent>(events: readonly RecordedEvent<WorldEvent>[], category: string, types: ReadonlySet<string>) => {
  const streams = new Map<string, RecordedEvent<E>[]>();
  for (const event of events) {
    if (!event.stream.startsWith(`${category}-`) || !types.has(event.type)) continue;
    const id = event.stream.slice(category.length + 1);
    streams.set(id, [...(streams.get(id) ?? []), event as RecordedEvent<E>]);
  }
  return streams;
};

const PLAYER_TYPES = new Set<string>(['PlayerRegistered', 'SessionStarted', 'SessionTouched', 'SessionEnded', 'SessionExpired', 'SessionRevoked', 'ZoneChanged', 'PresenceChanged', 'GoldCredited', 'GoldDebited', 'PlayerJoinedGuild', 'PlayerLeftGuild']);
const ITEM_TYPES = new Set<string>(['ItemMinted', 'ItemTransferred', 'ItemEscrowed', 'ItemReleased', 'ItemConsumed', 'ItemDestroyed']);
const GUILD_TYPES = new Set<string>(['GuildCreated', 'MemberInvited', 'InviteDeclined', 'JoinRequested', 'JoinRequestRejected', 'MemberJoined', 'MemberLeft', 'MemberKicked', 'MemberPromoted', 'MemberDemoted', 'LeadershipTransferred', 'MotdSet', 'GoldDeposited', 'GoldWithdrawn', 'GuildDisbanded']);

export const referenceSessions = (events: readonly RecordedEvent<WorldEvent>[], ttlMs: number): Keyspace => {
  const entries: [string, ModelEntry][] = [];
  for (const [playerId, stream] of byStream<PlayerEvent>(events, 'player', PLAYER_TYPES)) {
    let state: PlayerState = initialPlayerState();
    const lastActivity = new Map<string, number>();
    let profileWritten = false;
    for (const event of stream) {
      const before = state;
      state = evolvePlayer(state, event);
      const at = event.metadata.occurredAt.getTime();
      const newest = state.status === 'registered' ? state.sessions.at(-1) : undefined;
      if (event.type === 'SessionStarted') lastActivity.set(event.data.sessionId, event.data.startedAt);
      if (event.type === 'SessionTouched') lastActivity.set(event.data.sessionId, at);
      if ((event.type === 'ZoneChanged' || event.type === 'PresenceChanged') && newest !== undefined) lastActivity.set(newest.sessionId, at);
      if (event.type === 'ZoneChanged' || event.type === 'PresenceChanged' || event.type === 'PlayerJoinedGuild') profileWritten = true;
      if (event.type === 'PlayerLeftGuild' && before.status === 'registered' && before.guildId === event.data.guildId) profileWritten = true;
    }
    if (state.status !== 'registered') continue;
    const profile = { zone: state.zone, presence: state.presence, guildId: state.guildId };
    if (profileWritten) entries.push([`player:${playerId}`, { type: 'value', value: profile }]);
    const record = (session: (typeof state.sessions)[number]) => ({
      sessionId: session.sessionId,
      tokenHash: session.tokenHash,
      loginAt: session.startedAt,
      lastActivityAt: lastActivity.get(session.sessionId),
      idleExpiresAt: session.idleExpiresAt,
      absoluteExpiresAt: session.absoluteExpiresAt,
    });
    const newest = state.sessions.at(-1);
    if (newest === undefined) continue;
    const { sessionId, tokenHash, ...times } = record(newest);
    entries.push([
      `session:${playerId}`,
      { type: 'value', value: { playerId, sessionId, tokenHash, ...profile, ...times, otherSessions: state.sessions.slice(0, -1).map(record) }, ttlMs },
    ]);
  }
  return sorted(entries);
};

export const referenceInventories = (events: readonly RecordedEvent<WorldEvent>[]): Keyspace => {
  const itemEvents = events.filter((event): event is RecordedEvent<WorldEvent> & StreamedItemEvent => ITEM_TYPES.has(event.type) && itemIdOfStream(event.stream) !== undefined);
  const inventories = foldInventories(itemEvents);
  const versions = new Map<string, number>();
  const items = new Map<string, ItemState>();
  for (const event of itemEvents) {
    const { removedFrom, addedTo } = inventoryChange(event);
    for (const player of [removedFrom, addedTo]) if (player !== undefined) versions.set(player, (versions.get(player) ?? 0) + 1);
    const itemId = itemIdOfStream(event.stream) ?? '';
    items.set(itemId, evolveItem(items.get(itemId) ?? initialItemState(), event));
  }
  const templateOf = (itemId: string): string => {
    const item = items.get(itemId);
    return item === undefined || item.status === 'unminted' ? '' : item.templateId;
  };
  const entries: [string, ModelEntry][] = [];
  for (const [playerId, version] of versions) {
    const held = [...(inventories.get(playerId) ?? [])].map((itemId): [string, unknown] => [itemId, { itemId, templateId: templateOf(itemId) }]);
    entries.push([`inventory:${playerId}`, { type: 'hash', fields: sortedFields([['$version', version], ...held]) }]);
  }
  for (const [itemId, item] of items) {
    if (item.status === 'owned') entries.push([`item:${itemId}`, { type: 'value', value: { templateId: item.templateId, owner: item.owner } }]);
    if (item.status === 'escrowed') entries.push([`item:${itemId}`, { type: 'value', value: { templateId: item.templateId, owner: null } }]);
  }
  return sorted(entries);
};

/** Every player's inventory: item id → template, from the same folds. */
export const referenceHoldings = (events: readonly RecordedEvent<WorldEvent>[]): Map<string, Map<string, string>> => {
  const keyspace = referenceInventories(events);
  const holdings = new Map<string, Map<string, string>>();
  for (const [key, entry] of Object.entries(keyspace)) {
    if (!key.startsWith('inventory:') || entry.type !== 'hash') continue;
    const held = new Map<string, string>();
    for (const [field, value] of Object.entries(entry.fields)) if (field !== '$version') held.set(field, (value as { templateId: string }).templateId);
    holdings.set(key.slice('inventory:'.length), held);
  }
  return holdings;
};

export const referenceRosters = (events: readonly RecordedEvent<WorldEvent>[]): Keyspace => {
  const entries: [string, ModelEntry][] = [];
  for (const [guildId, stream] of byStream<GuildEvent>(events, 'guild', GUILD_TYPES)) {
    let state: GuildState = initialGuildState();
    const joinedAt = new Map<string, number>();
    for (const event of stream) {
      const at = event.metadata.occurredAt.getTime();
      if (event.type === 'GuildCreated' && state.status === 'unformed') joinedAt.set(event.data.leaderId, at);
      if (event.type === 'MemberJoined' && state.status === 'active' && !state.members.has(event.data.playerId)) joinedAt.set(event.data.playerId, at);
      state = evolveGuild(state, event);
    }
    if (state.status !== 'active') continue;
    const fields: [string, unknown][] = [['$name', state.name]];
    if (state.motd !== '') fields.push(['$motd', state.motd]);
    for (const [playerId, rank] of state.members) fields.push([playerId, { playerId, rank, joinedAt: joinedAt.get(playerId) }]);
    entries.push([`roster:${guildId}`, { type: 'hash', fields: sortedFields(fields) }]);
  }
  return sorted(entries);
};
