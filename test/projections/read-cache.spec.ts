import { afterEach, describe, expect, it } from 'vitest';
import type { Position } from '../../events/store/index.js';
import { createMemoryEventStore } from '../../infra/eventstore/memory/memory-event-store.js';
import { encodeInventoryDiff, encodeEntry, encodeVersion, INVENTORY_VERSION_FIELD, inventoryKey, type InventoryDiff } from '../../projections/inventories/index.js';
import { activationNotification, createReadThroughCache, type ReadThroughCache } from '../../projections/read-cache/index.js';
import { encodeRosterEntry, encodeRosterNotice, encodeText, ROSTER_NAME_FIELD, rosterKey } from '../../projections/rosters/index.js';
import { cachedSession, encodeSession, NO_PROFILE, sessionKey, type CachedSession } from '../../projections/sessions/index.js';
import { appendEvent, CountingLog, FakeL2, FakeSubscriber, fakeClock, type FakeClock } from '../support/read-cache/fakes.js';

const START: Position = { commit: 0n, prepare: 0n };
const opened: ReadThroughCache[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((reader) => reader.close()));
});

interface Fixture {
  readonly l2: FakeL2;
  readonly subscriber: FakeSubscriber;
  readonly log: CountingLog;
  readonly time: FakeClock;
  readonly reader: ReadThroughCache;
}

/** Every projection active at version 1 and caught up with an empty log, unless the test changes that. */
const fixture = (l1: { max: number; ttlMs: number; sessionTtlMs?: number } = { max: 100, ttlMs: 60_000 }): Fixture => {
  const l2 = new FakeL2();
  for (const projection of ['sessions', 'inventories', 'rosters']) l2.activate(projection, 1, START);
  const subscriber = new FakeSubscriber();
  const log = new CountingLog(createMemoryEventStore());
  const time = fakeClock();
  const reader = createReadThroughCache({ cache: l2, log, subscriber, l1, clock: time.clock, lagCheckMs: 100 });
  opened.push(reader);
  return { l2, subscriber, log, time, reader };
};

const session = (playerId: string, sessionId = 's1'): CachedSession =>
  cachedSession(playerId, { sessionId, tokenHash: 'ab', loginAt: 1, lastActivityAt: 1, idleExpiresAt: 2, absoluteExpiresAt: 3 }, NO_PROFILE, []);

const inventoryHash = (version: number, ...itemIds: string[]): Map<string, Uint8Array> =>
  new Map([[INVENTORY_VERSION_FIELD, encodeVersion(version)], ...itemIds.map((itemId): [string, Uint8Array] => [itemId, encodeEntry({ itemId, templateId: 'sword' })])]);

const rosterHash = (name: string, ...members: string[]): Map<string, Uint8Array> =>
  new Map([
    [ROSTER_NAME_FIELD, encodeText(name)],
    ...members.map((playerId): [string, Uint8Array] => [playerId, encodeRosterEntry({ playerId, rank: 'member', joinedAt: 1 })]),
  ]);

const diff = (playerId: string, fromVersion: number, toVersion: number, changes: Partial<Pick<InventoryDiff, 'added' | 'removed'>> = {}) => ({
  subject: `mmo.inventory.${playerId}.diff`,
  payload: encodeInventoryDiff({ playerId, fromVersion, toVersion, added: [], removed: [], updated: [], ...changes }),
});

const rosterNotice = (guildId: string, playerId: string) => ({
  subject: `mmo.guild.${guildId}.roster`,
  payload: encodeRosterNotice({ guildId, change: 'joined', playerId, rank: 'member' }),
});

const itemIds = (inventory: { items: ReadonlyMap<string, unknown> }): string[] => [...inventory.items.keys()].sort();

/** Lets the microtask that applies a batch of notifications run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('read-through cache: L1 over L2', () => {
  it('subscribes to the diff, roster and activation subjects', async () => {
    const { subscriber, reader } = fixture();
    await reader.ready();
    expect(subscriber.patterns.sort()).toEqual(['mmo.guild.*.roster', 'mmo.inventory.*.diff', 'mmo.projection.*.activated']);
  });

  it('hit: the first read goes to L2, the next ones are answered by L1 with the same decoded value', async () => {
    const { l2, reader } = fixture();
    l2.setHash('inventories', 1, inventoryKey('p1'), inventoryHash(2, 'i1', 'i2'));
    const first = await reader.inventory('p1');
    const second = await reader.inventory('p1');
    expect(first).toEqual({ playerId: 'p1', version: 2, items: new Map([['i1', { itemId: 'i1', templateId: 'sword' }], ['i2', { itemId: 'i2', templateId: 'sword' }]]) });
    expect(second).toBe(first);
    expect(l2.calls.read).toBe(1);
    expect(l2.calls.activeVersion).toBe(1); // resolved once
    const stats = reader.stats();
    expect(stats.l1).toMatchObject({ hits: 1, misses: 1, entries: 1 });
    expect(stats.l2).toMatchObject({ hits: 1, misses: 0 });
    expect(stats.l1.latency.count).toBe(1);
    expect(stats.l2.latency.p50Ms).toBeGreaterThanOrEqual(0);
  });

  it('miss: no key in L2 and the projection caught up is an answer, kept in L1 too; the log is not read', async () => {
    const { l2, log, reader } = fixture();
    expect(await reader.session('p1')).toBeUndefined();
    expect(await reader.roster('g1')).toBeUndefined();
    expect(await reader.inventory('p1')).toEqual({ playerId: 'p1', version: 0, items: new Map() });
    expect(await reader.session('p1')).toBeUndefined();
    expect(l2.calls.read).toBe(3);
    expect(log.calls).toMatchObject({ read: 0, scans: 0 });
    expect(reader.stats().l2).toMatchObject({ hits: 0, misses: 3 });
    expect(reader.stats().l3).toMatchObject({ hits: 0, misses: 0 });
  });

  it('concurrent misses of one key share one L2 read', async () => {
    const { l2, reader } = fixture();
    l2.setHash('rosters', 1, rosterKey('g1'), rosterHash('Wolves', 'p1'));
    const rosters = await Promise.all([reader.roster('g1'), reader.roster('g1'), reader.roster('g1')]);
    expect(l2.calls.read).toBe(1);
    expect(rosters.map((roster) => roster?.name)).toEqual(['Wolves', 'Wolves', 'Wolves']);
  });

  it('TTL: an entry is read from L2 again once l1.ttlMs has passed; a session after the shorter sessionTtlMs', async () => {
    const { l2, time, reader } = fixture({ max: 100, ttlMs: 5_000, sessionTtlMs: 500 });
    l2.setHash('rosters', 1, rosterKey('g1'), rosterHash('Wolves'));
    l2.setValue('sessions', 1, sessionKey('p1'), encodeSession(session('p1')));
    await reader.roster('g1');
    expect((await reader.session('p1'))?.sessionId).toBe('s1');
    l2.setValue('sessions', 1, sessionKey('p1'), encodeSession(session('p1', 's2')));
    l2.setHash('rosters', 1, rosterKey('g1'), rosterHash('Bears'));
    time.advance(499);
    expect((await reader.session('p1'))?.sessionId).toBe('s1');
    time.advance(2);
    expect((await reader.session('p1'))?.sessionId).toBe('s2');
    expect((await reader.roster('g1'))?.name).toBe('Wolves');
    time.advance(4_500);
    expect((await reader.roster('g1'))?.name).toBe('Bears');
    expect(l2.calls.read).toBe(4);
  });

  it('bounded: the least recently used entry goes when l1.max is reached', async () => {
    const { l2, reader } = fixture({ max: 2, ttlMs: 60_000 });
    await reader.inventory('p1');
    await reader.inventory('p2');
    await reader.inventory('p1');
    await reader.inventory('p3');
    expect(reader.stats().l1.entries).toBe(2);
    await reader.inventory('p1');
    expect(l2.calls.read).toBe(3);
    await reader.inventory('p2');
    expect(l2.calls.read).toBe(4);
  });

  it('l1.max 0 turns L1 off: every read goes to L2', async () => {
    const { l2, reader } = fixture({ max: 0, ttlMs: 60_000 });
    await reader.inventory('p1');
    await reader.inventory('p1');
    expect(l2.calls.read).toBe(2);
    expect(reader.stats().l1).toMatchObject({ hits: 0, misses: 0 });
  });

  it('ids that cannot be a subject token are never notified, so they are never kept in L1', async () => {
    const { l2, reader } = fixture();
    await reader.inventory('p.1');
    await reader.inventory('p.1');
    expect(l2.calls.read).toBe(2);
  });
});

describe('read-through cache: invalidation by notifications', () => {
  it('a diff that starts at the entry version is applied to it; one already included changes nothing', async () => {
    const { l2, subscriber, reader } = fixture();
    l2.setHash('inventories', 1, inventoryKey('p1'), inventoryHash(2, 'i1', 'i2'));
    await reader.inventory('p1');
    subscriber.deliver(diff('p1', 2, 4, { added: [{ itemId: 'i3', templateId: 'bow' }], removed: ['i1'] }), diff('p1', 1, 2, { removed: ['i2'] }));
    const inventory = await reader.inventory('p1');
    expect(inventory.version).toBe(4);
    expect(itemIds(inventory)).toEqual(['i2', 'i3']);
    expect(inventory.items.get('i3')).toEqual({ itemId: 'i3', templateId: 'bow' });
    expect(l2.calls.read).toBe(1);
    expect(reader.stats().l1).toMatchObject({ diffsApplied: 1, evictions: 0 });
    expect(reader.stats().notifications).toMatchObject({ received: 2, batches: 1 });
  });

  it('a gap evicts the entry and the next read fetches the inventory again', async () => {
    const { l2, subscriber, reader } = fixture();
    l2.setHash('inventories', 1, inventoryKey('p1'), inventoryHash(2, 'i1'));
    await reader.inventory('p1');
    l2.setHash('inventories', 1, inventoryKey('p1'), inventoryHash(7, 'i9'));
    subscriber.deliver(diff('p1', 5, 7, { added: [{ itemId: 'i9', templateId: 'sword' }] }));
    await settle();
    expect(reader.stats().l1).toMatchObject({ entries: 0, evictions: 1, diffsApplied: 0 });
    const inventory = await reader.inventory('p1');
    expect(inventory.version).toBe(7);
    expect(itemIds(inventory)).toEqual(['i9']);
    expect(l2.calls.read).toBe(2);
  });

  it('a payload that is not a diff evicts, and is counted', async () => {
    const { l2, subscriber, reader } = fixture();
    l2.setHash('inventories', 1, inventoryKey('p1'), inventoryHash(2, 'i1'));
    await reader.inventory('p1');
    subscriber.deliver({ subject: 'mmo.inventory.p1.diff', payload: new Uint8Array([0xc1]) });
    await reader.inventory('p1');
    expect(l2.calls.read).toBe(2);
    expect(reader.stats().notifications.undecodable).toBe(1);
  });

  it('a roster notice evicts the guild; other guilds stay', async () => {
    const { l2, subscriber, reader } = fixture();
    l2.setHash('rosters', 1, rosterKey('g1'), rosterHash('Wolves', 'p1'));
    l2.setHash('rosters', 1, rosterKey('g2'), rosterHash('Bears', 'p7'));
    await reader.roster('g1');
    await reader.roster('g2');
    l2.setHash('rosters', 1, rosterKey('g1'), rosterHash('Wolves', 'p1', 'p2'));
    subscriber.deliver(rosterNotice('g1', 'p2'));
    expect([...((await reader.roster('g1'))?.members.keys() ?? [])].sort()).toEqual(['p1', 'p2']);
    await reader.roster('g2');
    expect(l2.calls.read).toBe(3);
  });

  it('a diff that arrives while the inventory is being read is applied before it enters L1', async () => {
    const { l2, subscriber, reader } = fixture();
    l2.setHash('inventories', 1, inventoryKey('p1'), inventoryHash(2, 'i1'));
    let release = (): void => undefined;
    l2.hold = new Promise((resolve) => (release = resolve));
    const reading = reader.inventory('p1');
    await settle();
    subscriber.deliver(diff('p1', 2, 3, { added: [{ itemId: 'i2', templateId: 'sword' }] }));
    await settle();
    release();
    l2.hold = undefined;
    expect((await reading).version).toBe(3);
    expect(itemIds(await reader.inventory('p1'))).toEqual(['i1', 'i2']);
    expect(l2.calls.read).toBe(1);
  });

  it('a roster notice that arrives while the roster is being read keeps that read out of L1', async () => {
    const { l2, subscriber, reader } = fixture();
    l2.setHash('rosters', 1, rosterKey('g1'), rosterHash('Wolves', 'p1'));
    let release = (): void => undefined;
    l2.hold = new Promise((resolve) => (release = resolve));
    const reading = reader.roster('g1');
    await settle();
    subscriber.deliver(rosterNotice('g1', 'p2'));
    await settle();
    release();
    l2.hold = undefined;
    await reading;
    await reader.roster('g1');
    expect(l2.calls.read).toBe(2);
  });

  it('version switch: the activation notice moves reads to the new version and drops that kind from L1', async () => {
    const { l2, subscriber, reader } = fixture();
    l2.setHash('inventories', 1, inventoryKey('p1'), inventoryHash(2, 'i1'));
    l2.setHash('rosters', 1, rosterKey('g1'), rosterHash('Wolves'));
    await reader.inventory('p1');
    await reader.roster('g1');
    l2.setHash('inventories', 2, inventoryKey('p1'), inventoryHash(2, 'i1', 'rebuilt'));
    l2.activate('inventories', 2, START);
    subscriber.deliver(activationNotification({ projection: 'inventories', version: 2 }));
    expect(itemIds(await reader.inventory('p1'))).toEqual(['i1', 'rebuilt']);
    await reader.roster('g1');
    expect(l2.calls.read).toBe(3);
    expect(l2.calls.activeVersion).toBe(2); // once per projection: the switch named its version
    expect(reader.stats()).toMatchObject({ versionSwitches: 1 });
  });

  it('lost notifications (a reconnection) empty L1 and resolve the active versions again', async () => {
    const { l2, subscriber, reader } = fixture();
    await reader.inventory('p1');
    await reader.roster('g1');
    l2.activate('inventories', 3, START);
    l2.setHash('inventories', 3, inventoryKey('p1'), inventoryHash(1, 'i5'));
    subscriber.interrupt();
    expect(reader.stats().l1.entries).toBe(0);
    expect(itemIds(await reader.inventory('p1'))).toEqual(['i5']);
    expect(reader.stats().interruptions).toBe(1);
  });

  it('close unsubscribes', async () => {
    const { subscriber, reader } = fixture();
    await reader.ready();
    expect(subscriber.subscriptions).toBe(3);
    await reader.close();
    expect(subscriber.subscriptions).toBe(0);
    await expect(reader.inventory('p1')).rejects.toThrow(/closed/);
  });
});

describe('read-through cache: L3, the log, only when the projection is behind', () => {
  it('L2 misses and the checkpoint is behind the newest event: session, roster and inventory are folded from the log', async () => {
    const { log, reader } = fixture();
    const store = log.store;
    await appendEvent(store, 'player-p1', { type: 'SessionStarted', data: { sessionId: 's9', tokenHash: 'cd', startedAt: 10, idleExpiresAt: 20, absoluteExpiresAt: 30 } });
    await appendEvent(store, 'guild-g1', { type: 'GuildCreated', data: { name: 'Wolves', leaderId: 'p1' } });
    await appendEvent(store, 'item-i1', { type: 'ItemMinted', data: { templateId: 'axe', owner: 'p2' } });
    await appendEvent(store, 'item-i1', { type: 'ItemTransferred', data: { from: 'p2', to: 'p1' } });
    await appendEvent(store, 'item-i2', { type: 'ItemMinted', data: { templateId: 'bow', owner: 'p1' } });

    expect(await reader.session('p1')).toMatchObject({ playerId: 'p1', sessionId: 's9', loginAt: 10, idleExpiresAt: 20 });
    expect(await reader.roster('g1')).toMatchObject({ guildId: 'g1', name: 'Wolves', members: new Map([['p1', { playerId: 'p1', rank: 'leader', joinedAt: Date.UTC(2026, 10, 24, 21, 4) }]]) });
    const inventory = await reader.inventory('p1');
    expect(inventory.version).toBe(2);
    expect(inventory.items).toEqual(new Map([['i1', { itemId: 'i1', templateId: 'axe' }], ['i2', { itemId: 'i2', templateId: 'bow' }]]));
    expect(await reader.inventory('p2')).toMatchObject({ version: 2, items: new Map() });
    expect(reader.stats().l3).toMatchObject({ hits: 4, misses: 0 });
    expect(reader.stats().l2).toMatchObject({ hits: 0, misses: 4 });
  });

  it('caught up (checkpoint at the newest event of its streams): an L2 miss stands and the log is only asked for its head', async () => {
    const { l2, log, reader } = fixture();
    const store = log.store;
    const minted = await appendEvent(store, 'item-i1', { type: 'ItemMinted', data: { templateId: 'axe', owner: 'p2' } });
    // Events of other streams do not make the inventories projection behind.
    await appendEvent(store, 'player-p1', { type: 'PlayerRegistered', data: { playerId: 'p1', name: 'Ann', registeredAt: 1 } });
    l2.activate('inventories', 1, minted);
    expect(await reader.inventory('p1')).toMatchObject({ version: 0 });
    expect(log.calls).toMatchObject({ read: 0, scans: 0, heads: 1 });
  });

  it('behind, but no event past the checkpoint concerns the player: the miss stands without scanning the whole log', async () => {
    const { l2, log, reader } = fixture();
    const store = log.store;
    const minted = await appendEvent(store, 'item-i1', { type: 'ItemMinted', data: { templateId: 'axe', owner: 'p2' } });
    await appendEvent(store, 'item-i2', { type: 'ItemMinted', data: { templateId: 'axe', owner: 'p3' } });
    l2.activate('inventories', 1, minted);
    expect(await reader.inventory('p1')).toMatchObject({ version: 0 });
    expect(log.calls.scans).toBe(1);
    expect(reader.stats().l3).toMatchObject({ hits: 0, misses: 1 });
  });

  it('the head and the checkpoint are trusted for lagCheckMs, then measured again', async () => {
    const { l2, log, time, reader } = fixture();
    await reader.inventory('p1');
    await reader.inventory('p2');
    expect(log.calls.heads).toBe(1);
    expect(l2.calls.checkpoint).toBe(1);
    time.advance(100);
    await reader.inventory('p3');
    expect(log.calls.heads).toBe(2);
  });

  it('no active version yet: L2 is not read, the log answers; the version is resolved again after lagCheckMs', async () => {
    const { l2, log, time, reader } = fixture();
    l2.active.delete('rosters');
    await appendEvent(log.store, 'guild-g1', { type: 'GuildCreated', data: { name: 'Wolves', leaderId: 'p1' } });
    expect((await reader.roster('g1'))?.name).toBe('Wolves');
    expect(l2.calls.read).toBe(0);
    l2.activate('rosters', 1, START);
    l2.setHash('rosters', 1, rosterKey('g2'), rosterHash('Bears'));
    time.advance(100);
    expect((await reader.roster('g2'))?.name).toBe('Bears');
    expect(l2.calls.read).toBe(1);
  });
});
