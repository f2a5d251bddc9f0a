import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { itemActor, itemEventCodec } from '../../actors/item/definition.js';
import { itemDecider } from '../../actors/item/decider.js';
import { foldInventories, itemIdOfStream } from '../../actors/item/inventory.js';
import type { ItemState } from '../../actors/item/state.js';
import { createActorHost, type ActorHost } from '../../actors/runtime/host.js';
import type { CommandReply } from '../../actors/runtime/protocol/reply.js';
import { createEventStoreSnapshots } from '../../actors/runtime/snapshots.js';
import type { RecordedEvent } from '../../events/catalog/index.js';
import type { ItemEvent } from '../../events/item.js';
import type { EventStore } from '../../events/store/index.js';
import { createCommandClient, type CommandClient } from '../../infra/client/index.js';
import { createMemoryEventStore } from '../../infra/eventstore/memory/memory-event-store.js';
import { connectNats, createNatsRequestBus, createNatsRequestTransport, type NatsConnection } from '../../infra/nats/index.js';
import { seededRandom } from '../../scripts/simulation/random.js';
import { instrument, sleep } from '../runtime/harness.js';
import { startNatsServer, type NatsServerHandle } from '../support/servers/nats-server.js';

/**
 * Item transfers through the real runtime: two hosts in one queue group over a
 * harness-started nats-server, one shared store, a game server sending 1,000 concurrent
 * transfers of 10 items among 50 players. Both hosts keep their own copy of each item,
 * so every transfer one host appends makes the other's copy stale: its next append
 * conflicts, it reloads and decides again (or gives up with CONCURRENT_MODIFICATION).
 */
const SEED = 0x5eed_0004;
const PLAYERS = Array.from({ length: 50 }, (_, index) => `p${index}`);
const ITEMS = Array.from({ length: 10 }, (_, index) => `sword-${index}`);
const TRANSFERS = 1_000;

interface PlannedTransfer {
  readonly commandId: string;
  readonly itemId: string;
  readonly from: string;
  readonly to: string;
  /** Planned with a `from` that is not the owner the chain expects at that point. */
  readonly wrongOnPurpose: boolean;
}

/**
 * Half the transfers follow each item's chain of owners (right if they are decided in
 * the order they were planned, which concurrency does not promise); the other half name
 * a `from` that is not the chain's owner at that point.
 */
const plan = (random: () => number, initialOwners: ReadonlyMap<string, string>): PlannedTransfer[] => {
  const pick = <T,>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  const other = (than: string): string => {
    for (;;) {
      const candidate = pick(PLAYERS);
      if (candidate !== than) return candidate;
    }
  };
  const chain = new Map(initialOwners);
  return Array.from({ length: TRANSFERS }, (_, index) => {
    const itemId = pick(ITEMS);
    const owner = chain.get(itemId) ?? '';
    const wrongOnPurpose = index % 2 === 1;
    const from = wrongOnPurpose ? other(owner) : owner;
    const to = other(from);
    if (!wrongOnPurpose) chain.set(itemId, to);
    return { commandId: `transfer-${index}`, itemId, from, to, wrongOnPurpose };
  });
};

const readItemLog = async (store: EventStore): Promise<RecordedEvent<ItemEvent>[]> => {
  const log: RecordedEvent<ItemEvent>[] = [];
  for await (const stored of store.readAll({ filter: { on: 'streamName', prefixes: ['item-'] } })) {
    log.push(itemEventCodec.decode(stored));
  }
  return log;
};

describe('item transfers over NATS with two hosts', () => {
  let nats: NatsServerHandle;
  const connections: NatsConnection[] = [];
  const hosts: ActorHost[] = [];

  beforeAll(async () => {
    nats = await startNatsServer({ jetstream: false });
  });
  afterEach(async () => {
    await Promise.all(hosts.splice(0).map((host) => host.stop()));
    await Promise.all(connections.splice(0).map((connection) => connection.close()));
  });
  afterAll(async () => {
    await nats.stop();
  });

  const connect = async (name: string): Promise<NatsConnection> => {
    const connection = await connectNats({ servers: nats.url, name });
    connections.push(connection);
    return connection;
  };

  const startHost = async (store: EventStore, name: string): Promise<ActorHost> => {
    const host = createActorHost({
      bus: createNatsRequestBus(await connect(name)),
      store,
      actors: [itemActor()],
      snapshots: createEventStoreSnapshots(store),
    });
    await host.start();
    hosts.push(host);
    return host;
  };

  it(`keeps every item with exactly one owner through ${TRANSFERS} concurrent transfers (seed ${SEED})`, { timeout: 120_000 }, async () => {
    // A short pause before each append widens the window in which the other host's copy
    // goes stale, so conflicts happen on every run rather than by luck of scheduling.
    const store = instrument(createMemoryEventStore(), { beforeAppend: () => sleep(1) });
    const hostA = await startHost(store, 'item-host-a');
    const hostB = await startHost(store, 'item-host-b');
    const client: CommandClient = createCommandClient({
      transport: createNatsRequestTransport(await connect('game-server')),
      issuer: { kind: 'server', id: 'gs1' },
      timeoutMs: 10_000,
      deadlineMs: 60_000,
    });
    const random = seededRandom(SEED);

    // Mint 10 items, each to one of the 50 players.
    const initialOwners = new Map(ITEMS.map((itemId) => [itemId, PLAYERS[Math.floor(random() * PLAYERS.length)] ?? 'p0']));
    const minted = await Promise.all(
      [...initialOwners].map(([itemId, owner]) =>
        client.send({ category: 'item', actorId: itemId, command: 'mint', data: { templateId: 'longsword', owner } }),
      ),
    );
    expect(minted.every((reply) => reply.ok)).toBe(true);

    // 1,000 transfers at once.
    const transfers = plan(random, initialOwners);
    const replies: CommandReply[] = await Promise.all(
      transfers.map(({ commandId, itemId, from, to }) =>
        client.send({ category: 'item', actorId: itemId, command: 'transfer', data: { from, to }, commandId }),
      ),
    );

    // Every answer is a transfer, or a typed refusal the caller can act on.
    const codes = replies.map((reply) => (reply.ok ? 'OK' : reply.error.code));
    const tally = (code: string): number => codes.filter((each) => each === code).length;
    expect(codes.filter((code) => !['OK', 'NOT_OWNER', 'CONCURRENT_MODIFICATION'].includes(code))).toEqual([]);
    const rightFailed = transfers.filter((transfer, index) => !transfer.wrongOnPurpose && codes[index] !== 'OK').length;
    const wrongSucceeded = transfers.filter((transfer, index) => transfer.wrongOnPurpose && codes[index] === 'OK').length;
    const [statsA, statsB] = [hostA.stats(), hostB.stats()];
    console.log(
      `item transfers (seed ${SEED}): ok ${tally('OK')}, NOT_OWNER ${tally('NOT_OWNER')}, ` +
        `CONCURRENT_MODIFICATION ${tally('CONCURRENT_MODIFICATION')}; planned right but refused ${rightFailed}, ` +
        `planned wrong but applied ${wrongSucceeded}; commands A/B ${statsA.commands}/${statsB.commands}, ` +
        `conflicts A/B ${statsA.conflicts}/${statsB.conflicts}`,
    );
    expect(tally('OK')).toBeGreaterThan(0);
    expect(tally('NOT_OWNER')).toBeGreaterThan(0);
    // Both hosts served, and optimistic concurrency between them was exercised.
    expect(statsA.commands).toBeGreaterThan(0);
    expect(statsB.commands).toBeGreaterThan(0);
    expect(statsA.conflicts + statsB.conflicts).toBeGreaterThan(0);

    // The log: fold each item's stream; each item is owned by exactly one player.
    const log = await readItemLog(store);
    const states = new Map<string, ItemState>();
    for (const event of log) {
      const itemId = itemIdOfStream(event.stream) ?? '';
      states.set(itemId, itemDecider.evolve(states.get(itemId) ?? itemDecider.initialState(), event));
    }
    expect([...states.keys()].sort()).toEqual([...ITEMS].sort());
    const foldedOwners = new Map<string, string>();
    for (const [itemId, state] of states) {
      expect(state.status).toBe('owned');
      if (state.status === 'owned') foldedOwners.set(itemId, state.owner);
    }
    const inventories = foldInventories(log);
    const held = [...inventories.values()].flatMap((items) => [...items]);
    expect(held.sort()).toEqual([...ITEMS].sort());
    for (const [player, items] of inventories) {
      for (const itemId of items) expect(foldedOwners.get(itemId)).toBe(player);
    }

    // Exactly the acknowledged transfers are in the log, each at the revision its reply named.
    const byCommandId = new Map(transfers.map((transfer, index) => [transfer.commandId, { transfer, reply: replies[index] }]));
    const loggedTransfers = log.filter((event) => event.type === 'ItemTransferred');
    expect(loggedTransfers.length).toBe(tally('OK'));
    for (const event of loggedTransfers) {
      const sent = byCommandId.get(event.metadata.commandId ?? '');
      expect(sent?.reply).toMatchObject({ ok: true, revision: Number(event.revision), events: ['ItemTransferred'] });
      expect(event.data).toEqual({ from: sent?.transfer.from, to: sent?.transfer.to });
    }

    // A sequential replay of the successful transfers, in log order, from the minted
    // owners: each was legal when applied, and they end where the log ends.
    const replayed = new Map(initialOwners);
    for (const event of loggedTransfers) {
      const { transfer } = byCommandId.get(event.metadata.commandId ?? '') ?? {};
      const itemId = transfer?.itemId ?? '';
      expect(replayed.get(itemId)).toBe(transfer?.from);
      replayed.set(itemId, transfer?.to ?? '');
    }
    expect(replayed).toEqual(foldedOwners);
  });
});
