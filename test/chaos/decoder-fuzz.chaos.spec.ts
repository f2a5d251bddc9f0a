import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Packr } from 'msgpackr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import type { ActorType } from '../../actors/runtime/actor-definition.js';
import { createAppliedCommands } from '../../actors/runtime/applied-commands.js';
import type { RequestTransport } from '../../actors/runtime/bus.js';
import { checkMsgpack } from '../../actors/runtime/protocol/bounded-msgpack.js';
import { CommandEnvelopeSchema, decodeCommandEnvelope, encodeCommandEnvelope, protocolPackr } from '../../actors/runtime/protocol/envelope.js';
import { decodeReply, encodeReply, failure, success } from '../../actors/runtime/protocol/reply.js';
import { commandSubject, createCommandSubjectParser, isSubjectProblem, parseCommandSubject } from '../../actors/runtime/protocol/subjects.js';
import { createEventStoreSnapshots, decodeSnapshot, SNAPSHOT_STREAM_PREFIX } from '../../actors/runtime/snapshots.js';
import { createEventCodec, createEventRegistry, EventDecodingError, UnknownEventTypeError, type DomainEvent, type EventMetadata } from '../../events/catalog/index.js';
import { auctionEventDefinitions } from '../../events/auction.js';
import { guildEventDefinitions } from '../../events/guild.js';
import { itemEventDefinitions } from '../../events/item.js';
import { playerEventDefinitions } from '../../events/player.js';
import type { StoredEvent } from '../../events/store/index.js';
import { tradeEventDefinitions } from '../../events/trade.js';
import { worldCodec, type WorldEvent } from '../../events/world.js';
import { createEmbeddedBus } from '../../infra/bus/index.js';
import { readReply } from '../../infra/client/read-reply.js';
import { createRequestValidator, type RequestFields } from '../../infra/client/validate-request.js';
import { ConfigError, parseConfig, SETTING_NAMES } from '../../infra/config.js';
import { readConfigFile } from '../../infra/config-file.js';
import { createMemoryEventStore } from '../../infra/eventstore/memory/memory-event-store.js';
import { startWorldNode, worldActors } from '../../infra/world/world-node.js';
import {
  decodeEntry,
  decodeInventoryDiff,
  decodeInventorySnapshot,
  decodeItemRecord,
  decodeVersion,
  encodeEntry,
  encodeInventoryDiff,
  encodeInventorySnapshot,
  encodeItemRecord,
  encodeVersion,
  inventoryFromHash,
} from '../../projections/inventories/index.js';
import { activationNotification, decodeActivationNotice } from '../../projections/read-cache/activation-notice.js';
import {
  decodeRosterEntry,
  decodeRosterNotice,
  decodeText,
  encodeRosterEntry,
  encodeRosterNotice,
  encodeText,
  rosterFromHash,
} from '../../projections/rosters/index.js';
import { decodeBatch } from '../../projections/runner/decode-batch.js';
import { decodeProfile, decodeSession, encodeProfile, encodeSession, type CachedSession } from '../../projections/sessions/index.js';
import { chaosProfile, recordFigure, scaled } from '../support/chaos/figures.js';
import {
  hex,
  hostileValue,
  mutateBytes,
  mutateData,
  mutateString,
  OracleViolation,
  randomBytes,
  randomString,
  runFuzzTarget,
  type FuzzResult,
  type FuzzTarget,
} from '../support/chaos/fuzz.js';
import { seededRandom } from '../../scripts/simulation/random.js';
import { agreeTrade, asPlayer, command, seedWorld, tradeOutcome } from '../process/world-fixture.js';

/**
 * Figure 13 of RELIABILITY.md: a fuzz loop over every decoder and validator that reads
 * bytes or text from outside the process or from storage:
 *
 * - the structural msgpack walk (`checkMsgpack`) every request passes first;
 * - the request envelope (`decodeCommandEnvelope`) and, behind it, the data schema of every
 *   command of every actor (one target per actor category, all its commands in its corpus);
 * - the reply decoders a client uses (`readReply`, with `decodeReply` behind it; the two must agree);
 * - the event codec: stored events of every type of the world's catalog, data and metadata,
 *   and a catalog whose types are read through upcasters (v1 and v2 brought to v3);
 * - the projection runner's batch decoding (`decodeBatch`);
 * - the snapshot decoder (`decodeSnapshot`), then the applied-command window and each
 *   actor's snapshot codec as the host runs them on activation; and, asynchronously, the
 *   snapshot store's `load` over an event store holding the mutated snapshot;
 * - command subjects (`parseCommandSubject`, and the host's cached parser, which must agree);
 * - the client's request validator (`createRequestValidator`), which must accept only what
 *   the host's subject parser accepts;
 * - configuration (`parseConfig` on environments, `readConfigFile` on JSON files);
 * - the projections' values and notices: sessions and profiles, inventory entries, item
 *   records, versions, diffs, snapshots and hashes, roster entries, texts, hashes and
 *   notices, projection activation notices.
 *
 * Corpora come from the real encoders: an in-process world (players, items, a trade that
 * settles, a guild, an auction) writes events and snapshots and answers commands, and every
 * event type it did not write is encoded by the codec directly. Inputs are random, or
 * stacked mutations of corpus entries. A crash is an exception the decoder does not
 * document (the codec's EventDecodingError and UnknownEventTypeError, ConfigError, a
 * snapshot codec's ZodError are documented; everything else must answer with a value);
 * a hang is one case over HANG_MS (each case runs synchronously and is timed: every decoder
 * here is a single synchronous pass, so a case cannot outlive its own timing); unhandled
 * rejections are counted for the whole run. `FUZZ_SEED=<n>` replays a run.
 */

const SEED = Number(process.env['FUZZ_SEED'] ?? 20261207);
const TOTAL_BUDGET_MS = scaled({ short: 15_000, full: 150_000 });
/** Far above any case's time, also under a loaded machine's GC pauses; a loop never comes back at all. */
const HANG_MS = 2_000;

const plain = new Packr({ useRecords: false });
const metadataPackr = new Packr({ useRecords: false, mapsAsObjects: true });

interface CommandInput {
  readonly command: string;
  readonly bytes: Uint8Array;
}

/** Valid data for every command of every actor: the corpus of the command targets. */
const COMMAND_SAMPLES: Readonly<Record<string, Readonly<Record<string, Record<string, unknown>>>>> = {
  player: {
    register: { name: 'Ann' },
    login: {},
    logout: { sessionId: '0123456789abcdef' },
    touch: { sessionId: 'fedcba9876543210' },
    revokeSessions: {},
    changeZone: { zone: 'z1' },
    setPresence: { status: 'away' },
    credit: { amount: 100, cause: 'loot', reference: 'r1' },
    debit: { amount: 5, cause: 'fee', reference: 'r2' },
    voidDebit: { cause: 'trade', reference: 't1-escrow' },
    joinGuild: { guildId: 'g1' },
    leaveGuild: { guildId: 'g1' },
  },
  item: {
    mint: { templateId: 'sword', owner: 'p1' },
    transfer: { from: 'p1', to: 'p2' },
    consume: { owner: 'p1' },
    destroy: { reason: 'exploit' },
    escrow: { holder: { kind: 'trade', id: 't1' }, from: 'p1' },
    release: { holder: { kind: 'auction', id: 'a1' }, to: 'p2' },
    voidEscrow: { holder: { kind: 'trade', id: 't1' } },
  },
  guild: {
    create: { name: 'Knights', leaderId: 'p1' },
    invite: { playerId: 'p2' },
    acceptInvite: { playerId: 'p2' },
    declineInvite: {},
    requestJoin: { playerId: 'p3' },
    acceptRequest: { playerId: 'p3' },
    rejectRequest: { playerId: 'p3' },
    leave: {},
    kick: { playerId: 'p2' },
    promote: { playerId: 'p2' },
    demote: { playerId: 'p2' },
    transferLeadership: { playerId: 'p2' },
    setMotd: { text: 'Raid at nine' },
    deposit: { amount: 10, reference: 'd1', from: 'p1' },
    withdraw: { amount: 5, reference: 'w1', to: 'p1' },
  },
  trade: {
    propose: { initiator: 'p1', counterparty: 'p2', expiresAt: 2_000_000_000_000 },
    offer: { items: ['i1', 'i2'], gold: 10, party: 'p1' },
    accept: { offerVersion: 1, party: 'p1' },
    cancel: { party: 'p1' },
    expire: {},
    abort: { reason: 'host lost' },
    escrowConfirmed: { step: { kind: 'item', itemId: 'i1', party: 'p1' } },
    escrowFailed: { step: { kind: 'gold', party: 'p2' }, reason: 'not enough gold' },
    settled: { step: { kind: 'item', itemId: 'i1', party: 'p1' } },
    released: { step: { kind: 'gold', party: 'p2' } },
  },
  auction: {
    list: { seller: 'p1', itemId: 'i1', startingPrice: 10, buyoutPrice: 100, endsAt: 2_000_000_000_000 },
    bid: { amount: 20, bidId: 'b1' },
    buyout: { bidId: 'b2' },
    cancel: {},
    close: {},
    itemEscrowed: {},
    itemEscrowFailed: {},
    bidFundsHeld: { bidId: 'b1' },
    bidFundsFailed: { bidId: 'b1' },
    refunded: { bidId: 'b1' },
    settled: {},
    returned: {},
  },
};

const byteTarget = (name: string, corpus: readonly Uint8Array[], run: (bytes: Uint8Array) => void, documented?: (error: unknown) => boolean): FuzzTarget<Uint8Array> => ({
  name,
  corpus,
  mutate: mutateBytes,
  generate: (random) => randomBytes(random, 512),
  run,
  ...(documented === undefined ? {} : { documented }),
  show: hex,
});

const expectUndefinedOr = (value: unknown, check: (value: unknown) => boolean, what: string): void => {
  if (value !== undefined && !check(value)) throw new OracleViolation(`${what}: ${JSON.stringify(value)}`);
};

interface Corpus {
  readonly requests: Map<string, CommandInput[]>;
  readonly replies: Uint8Array[];
  readonly events: StoredEvent[];
  readonly snapshots: { readonly category: string; readonly bytes: Uint8Array }[];
  readonly sessions: CachedSession[];
}

/** An in-process world plays a little, so the corpus holds what the real encoders write. */
const buildCorpus = async (): Promise<Corpus> => {
  const store = createMemoryEventStore();
  const bus = createEmbeddedBus();
  const node = await startWorldNode({
    bus,
    transport: bus,
    store,
    snapshots: createEventStoreSnapshots(store),
    limits: { snapshotEvery: 2 },
    world: { guildBatchWindowMs: 0 },
  });
  const replies: Uint8Array[] = [];
  const capturing: RequestTransport = {
    request: async (subject, payload, options) => {
      const reply = await bus.request(subject, payload, options);
      if (typeof reply !== 'string') replies.push(reply.slice());
      return reply;
    },
    close: () => bus.close(),
  };
  try {
    await seedWorld(capturing, ['p1', 'p2', 'p3'], { gold: 1_000, items: 2 });
    const login = await command(capturing, 'player', 'p1', 'login', {}, asPlayer('p1'));
    const sessionId = login.ok ? String(login.result?.['sessionId']) : '0123456789abcdef';
    await command(capturing, 'player', 'p1', 'touch', { sessionId }, asPlayer('p1'));
    await command(capturing, 'player', 'p1', 'changeZone', { zone: 'harbor' }, asPlayer('p1'));
    await command(capturing, 'player', 'p1', 'setPresence', { status: 'busy' }, asPlayer('p1'));
    await command(capturing, 'player', 'p1', 'logout', { sessionId }, asPlayer('p1'));
    await command(capturing, 'player', 'p2', 'debit', { amount: 5, cause: 'repair', reference: 'fix1' }, asPlayer('p2'));
    await command(capturing, 'item', 'p1-i0', 'transfer', { from: 'p1', to: 'p2' }, asPlayer('p1'));
    await command(capturing, 'item', 'p3-i1', 'consume', {}, asPlayer('p3'));
    await command(capturing, 'item', 'p3-i0', 'destroy', { reason: 'duplicate found' });
    await command(capturing, 'guild', 'g1', 'create', { name: 'Knights', leaderId: 'p1' });
    await command(capturing, 'guild', 'g1', 'invite', { playerId: 'p2' }, asPlayer('p1'));
    await command(capturing, 'guild', 'g1', 'acceptInvite', {}, asPlayer('p2'));
    await command(capturing, 'guild', 'g1', 'setMotd', { text: 'Raid at nine' }, asPlayer('p1'));
    await command(capturing, 'guild', 'g1', 'deposit', { amount: 10, reference: 'dep1' }, asPlayer('p1'));
    await command(capturing, 'guild', 'g1', 'promote', { playerId: 'p2' }, asPlayer('p1'));
    await agreeTrade(capturing, { tradeId: 't1', initiator: 'p1', counterparty: 'p2', initiatorItems: ['p1-i1'], counterpartyGold: 50 });
    await tradeOutcome(store, 't1');
    await command(capturing, 'auction', 'a1', 'list', { seller: 'p2', itemId: 'p2-i0', startingPrice: 10, endsAt: Date.now() + 600_000 }, asPlayer('p2'));
    await command(capturing, 'trade', 't2', 'propose', { initiator: 'p3', counterparty: 'p1', expiresAt: Date.now() + 600_000 }, asPlayer('p3'));
    await command(capturing, 'trade', 't2', 'cancel', {}, asPlayer('p3'));
    await new Promise((resolve) => setTimeout(resolve, 300));
  } finally {
    await node.stop();
    await bus.close();
  }

  const events: StoredEvent[] = [];
  const snapshots: { category: string; bytes: Uint8Array }[] = [];
  for await (const stored of store.readAll()) {
    if (stored.stream.startsWith(SNAPSHOT_STREAM_PREFIX)) {
      snapshots.push({ category: stored.stream.slice(SNAPSHOT_STREAM_PREFIX.length).split('-')[0] ?? '', bytes: stored.data });
    } else events.push(stored);
  }
  // Every type of the catalog, also those the little world did not write.
  const written = new Set(events.map((event) => event.type));
  const definitions = [...playerEventDefinitions, ...itemEventDefinitions, ...guildEventDefinitions, ...tradeEventDefinitions, ...auctionEventDefinitions];
  const metadata: EventMetadata = {
    eventId: '5f0b6a52-2b8e-4a53-9d3c-8d7e2b7f0a11',
    commandId: 'c-synthetic',
    correlationId: 'c-synthetic',
    occurredAt: new Date(Date.UTC(2026, 11, 7)),
    issuer: 'server:gs1',
    command: { name: 'synthetic', data: { amount: 1 } },
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  };
  for (const [index, definition] of definitions.entries()) {
    const proposed = worldCodec.encode({ type: definition.type, data: { playerId: 'p1', amount: 1, at: 1 } } as WorldEvent, metadata);
    if (written.has(proposed.type)) continue;
    events.push({ ...proposed, stream: `synthetic-${index}`, revision: 0n, position: { commit: BigInt(index), prepare: BigInt(index) }, created: new Date() });
  }

  const requests = new Map<string, CommandInput[]>();
  for (const [category, commands] of Object.entries(COMMAND_SAMPLES)) {
    requests.set(
      category,
      Object.entries(commands).map(([name, data]) => ({ command: name, bytes: encodeCommandEnvelope({ commandId: `c-${name}`, data, correlationId: 'corr-1' }) })),
    );
  }
  const session: CachedSession = {
    playerId: 'p1',
    sessionId: '0123456789abcdef',
    tokenHash: 'ab'.repeat(32),
    zone: 'harbor',
    presence: 'online',
    guildId: 'g1',
    loginAt: 1,
    lastActivityAt: 2,
    idleExpiresAt: 3,
    absoluteExpiresAt: 4,
    otherSessions: [{ sessionId: 'fedcba9876543210', tokenHash: 'cd'.repeat(32), loginAt: 1, lastActivityAt: 1, idleExpiresAt: 2, absoluteExpiresAt: 3 }],
  };
  return { requests, replies, events, snapshots, sessions: [session, { ...session, zone: null, guildId: null, otherSessions: [] }] };
};

/** Stored events: a mutation of the data, the metadata or the stored type name. */
const mutateStored = (input: StoredEvent, random: () => number, corpus: readonly StoredEvent[]): StoredEvent => {
  const choice = random();
  if (choice < 0.3) {
    // Value-level: a field of the data or the metadata changed, then packed as a writer would.
    const field = random() < 0.5 ? 'data' : 'metadata';
    let value: unknown;
    try {
      value = metadataPackr.unpack(input[field]);
    } catch {
      value = {};
    }
    const map = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
    return { ...input, [field]: plain.pack(mutateData(map, random)) };
  }
  if (choice < 0.6) return { ...input, data: mutateBytes(input.data, random, corpus.map((event) => event.data)) };
  if (choice < 0.9) return { ...input, metadata: mutateBytes(input.metadata, random, corpus.map((event) => event.metadata)) };
  return { ...input, type: mutateString(input.type, random, corpus.map((event) => event.type)) };
};
const randomStored = (random: () => number, types: readonly string[]): StoredEvent => ({
  stream: 'fuzz-1',
  revision: 0n,
  position: { commit: 0n, prepare: 0n },
  id: 'e',
  type: random() < 0.7 ? (types[Math.floor(random() * types.length)] as string) : randomString(random, 24),
  data: randomBytes(random),
  metadata: random() < 0.5 ? randomBytes(random) : metadataPackr.pack(Object.fromEntries([['eventId', hostileValue(random)], ['correlationId', 'c'], ['occurredAt', hostileValue(random)]])),
  created: new Date(0),
});
const showStored = (event: StoredEvent): string => `${event.type} data=${hex(event.data)} metadata=${hex(event.metadata)}`;
const isCodecError = (error: unknown): boolean => error instanceof EventDecodingError || error instanceof UnknownEventTypeError;

/**
 * A catalog with upcasters, written as upcasters are: v1 `{ amount }` became v2 `{ amount,
 * currency }`, then v3 `{ gold: { amount, currency } }`. They trust their input's shape, as
 * real upcasters do; the codec must turn whatever they throw into its typed error.
 */
type Upcasted = DomainEvent<'Paid', { readonly gold: { readonly amount: number; readonly currency: string } }>;
const upcastingCodec = createEventCodec(
  createEventRegistry<Upcasted>([
    {
      type: 'Paid',
      version: 3,
      upcasters: {
        1: (data) => ({ ...(data as { amount: number }), currency: 'gold' }),
        2: (data) => {
          const { amount, currency } = data as { amount: number; currency: string };
          if (typeof amount !== 'number') throw new TypeError('amount is not a number');
          return { gold: { amount, currency } };
        },
      },
    },
  ]),
);

describe('decoder fuzzing (figure 13)', () => {
  let corpus: Corpus;
  let unhandled = 0;
  const onUnhandled = (): void => {
    unhandled += 1;
  };
  const folder = mkdtempSync(join(tmpdir(), 'shardkeep-fuzz-'));

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    corpus = await buildCorpus();
  });
  afterAll(() => {
    process.off('unhandledRejection', onUnhandled);
    rmSync(folder, { recursive: true, force: true });
  });

  it('finds no crash, no hang and no unhandled rejection in any decoder', async () => {
    const actors = new Map<string, ActorType>(worldActors().map((type) => [type.category, type]));
    // Every command of every actor has a sample, and the sample is valid.
    for (const [category, type] of actors) {
      for (const name of Object.keys(type.commands)) {
        const sample = COMMAND_SAMPLES[category]?.[name];
        expect(sample, `${category}.${name} has a sample`).toBeDefined();
        expect(type.commands[name]?.schema.safeParse(sample).success, `${category}.${name} sample is valid`).toBe(true);
      }
    }
    const eventTypes = corpus.events.map((event) => event.type);
    expect(new Set(eventTypes).size).toBe(
      [...playerEventDefinitions, ...itemEventDefinitions, ...guildEventDefinitions, ...tradeEventDefinitions, ...auctionEventDefinitions].length,
    );
    expect(corpus.snapshots.length).toBeGreaterThan(0);
    const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

    const commandTargets = [...actors.values()].map((type): FuzzTarget<CommandInput> => {
      const requests = corpus.requests.get(type.category) ?? [];
      const names = Object.keys(type.commands);
      return {
        name: `request envelope + ${type.category} command data (${names.length} commands)`,
        corpus: requests,
        mutate: (input, random, all) => {
          if (random() < 0.6) return { command: input.command, bytes: mutateBytes(input.bytes, random, all.map((entry) => entry.bytes)) };
          // Value-level: the data map changed, then packed as a client would.
          const envelope = decodeCommandEnvelope(input.bytes);
          const data = envelope.ok ? envelope.value.data : {};
          return { command: input.command, bytes: plain.pack({ commandId: 'c-1', data: mutateData(data, random) }) };
        },
        generate: (random) => ({ command: names[Math.floor(random() * names.length)] as string, bytes: randomBytes(random, 512) }),
        run: ({ command: name, bytes }) => {
          const envelope = decodeCommandEnvelope(bytes);
          if (!envelope.ok) {
            if (typeof envelope.problem !== 'string' || envelope.problem === '') throw new OracleViolation('a refusal without a problem');
            return;
          }
          if (!CommandEnvelopeSchema.safeParse(envelope.value).success) throw new OracleViolation('accepted an envelope its schema refuses');
          const spec = type.commands[name];
          if (spec === undefined) throw new OracleViolation(`no command ${name}`);
          spec.schema.safeParse(envelope.value.data);
        },
        show: ({ command: name, bytes }) => `${type.category}.${name} ${hex(bytes)}`,
      };
    });

    const allBytes = [
      ...[...corpus.requests.values()].flat().map((entry) => entry.bytes),
      ...corpus.replies,
      ...corpus.events.map((event) => event.data),
      ...corpus.snapshots.map((snapshot) => snapshot.bytes),
    ];
    const replyCorpus = [
      ...corpus.replies,
      encodeReply(success(3, ['ItemTransferred'])),
      encodeReply(success(0n, [], true)),
      encodeReply(success(7, ['SessionStarted'], false, { sessionId: 'ab', token: 'cd', expiresAt: 1 })),
      encodeReply(failure('NOT_OWNER', 'not yours')),
      encodeReply(failure('VALIDATION', 'data.amount: must be a whole number')),
    ];

    const stringTarget = (name: string, strings: readonly string[], run: (input: string) => void, documented?: (error: unknown) => boolean): FuzzTarget<string> => ({
      name,
      corpus: strings,
      mutate: mutateString,
      generate: (random) => randomString(random),
      run,
      ...(documented === undefined ? {} : { documented }),
      show: (input) => JSON.stringify(input),
    });

    const cachedParser = createCommandSubjectParser(64);
    const requestValidator = createRequestValidator({ kind: 'server', id: 'gs1' });
    const validEnvironments: Record<string, string>[] = [
      {},
      { NATS_URL: 'nats://127.0.0.1:4222,nats://10.0.0.2:4222', NATS_USER: 'host', NATS_PASSWORD: 'secret', REDIS_URL: 'redis://127.0.0.1:6379/0' },
      { ESDB_URL: 'esdb://127.0.0.1:2113?tls=false', SHARDKEEP_SIM_PLAYERS: '500', SHARDKEEP_SIM_RATE: '1000', SHARDKEEP_HTTP_PORT: 'off', SHARDKEEP_LOG_LEVEL: 'debug' },
      { SHARDKEEP_DATA_DIR: '/var/lib/shardkeep', SHARDKEEP_SQLITE_SYNC: 'normal', SHARDKEEP_SIMULATE: 'on', SHARDKEEP_HTTP_HOST: '0.0.0.0', SHARDKEEP_HTTP_PORT: '0' },
    ];
    const settingNames = [...SETTING_NAMES];
    const configFile = join(folder, 'shardkeep.json');
    const session = corpus.sessions;
    const inventory = { playerId: 'p1', version: 4, items: new Map([['i1', { itemId: 'i1', templateId: 'sword' }], ['i2', { itemId: 'i2', templateId: 'shield' }]]) };
    const diff = { playerId: 'p1', fromVersion: 3, toVersion: 4, added: [{ itemId: 'i2', templateId: 'shield' }], removed: ['i0'], updated: [] };
    const rosterEntry = { playerId: 'p2', rank: 'officer' as const, joinedAt: 1_765_000_000_000 };
    const hashTarget = (name: string, entries: readonly (readonly [string, Uint8Array])[], run: (fields: ReadonlyMap<string, Uint8Array>) => void): FuzzTarget<Map<string, Uint8Array>> => ({
      name,
      corpus: [new Map(entries)],
      mutate: (input, random) => {
        const fields = new Map(input);
        const keys = [...fields.keys()];
        const key = keys[Math.floor(random() * keys.length)] ?? '$version';
        if (random() < 0.7) fields.set(key, mutateBytes(fields.get(key) ?? new Uint8Array(), random, [...input.values()]));
        else fields.set(mutateString(key, random, keys), randomBytes(random, 32));
        return fields;
      },
      generate: (random) => new Map(Array.from({ length: Math.floor(random() * 6) }, () => [randomString(random, 12), randomBytes(random, 64)] as const)),
      run,
      show: (fields) => [...fields].map(([key, value]) => `${JSON.stringify(key)}=${hex(value)}`).join(' '),
    });
    const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null;

    const targets: FuzzTarget<never>[] = [
      byteTarget('structural msgpack walk (checkMsgpack)', allBytes, (bytes) => {
        const problem = checkMsgpack(bytes);
        if (problem !== undefined && typeof problem !== 'string') throw new OracleViolation('a problem that is not a string');
        if (problem !== undefined) return;
        // What the walk lets through, the decoder behind it must read.
        try {
          protocolPackr.unpack(bytes);
        } catch (error) {
          throw new OracleViolation(`the walk accepted bytes msgpackr cannot decode: ${error instanceof Error ? error.message : String(error)}`);
        }
      }),
      ...commandTargets,
      byteTarget('reply decoders (readReply, decodeReply)', replyCorpus, (bytes) => {
        const fast = readReply(bytes);
        const schema = decodeReply(bytes);
        if (typeof fast.ok !== 'boolean') throw new OracleViolation('a reply without ok');
        if (!isDeepStrictEqual(fast, schema)) throw new OracleViolation(`readReply ${JSON.stringify(fast)} but decodeReply ${JSON.stringify(schema)}`);
      }),
      {
        name: `event codec, world catalog (${new Set(eventTypes).size} types, data and metadata)`,
        corpus: corpus.events,
        mutate: mutateStored,
        generate: (random) => randomStored(random, eventTypes),
        run: (stored) => {
          const decoded = worldCodec.decode(stored);
          const { occurredAt, eventId } = decoded.metadata;
          if (!(occurredAt instanceof Date) || Number.isNaN(occurredAt.getTime()) || typeof eventId !== 'string') {
            throw new OracleViolation(`metadata of the wrong shape: occurredAt ${String(occurredAt)}`);
          }
        },
        documented: isCodecError,
        show: showStored,
      } satisfies FuzzTarget<StoredEvent>,
      {
        name: 'event codec through upcasters (v1, v2 to v3)',
        corpus: [1, 2, 3].map((version) => ({
          ...upcastingCodec.encode({ type: 'Paid', data: { gold: { amount: 5, currency: 'gold' } } }, { eventId: 'e', correlationId: 'c', occurredAt: new Date(0) }),
          type: `Paid.v${version}`,
          data: plain.pack(version === 3 ? { gold: { amount: 5, currency: 'gold' } } : version === 2 ? { amount: 5, currency: 'gold' } : { amount: 5 }),
          stream: 'pay-1',
          revision: 0n,
          position: { commit: 0n, prepare: 0n },
          created: new Date(0),
        })),
        mutate: mutateStored,
        generate: (random) => randomStored(random, ['Paid.v1', 'Paid.v2', 'Paid.v3', 'Paid.v4']),
        run: (stored) => void upcastingCodec.decode(stored),
        documented: isCodecError,
        show: showStored,
      } satisfies FuzzTarget<StoredEvent>,
      {
        name: 'projection batch decoding (decodeBatch)',
        corpus: [corpus.events.slice(0, 50), corpus.events.slice(50)],
        mutate: (input, random) => {
          const events = [...input];
          const index = Math.floor(random() * events.length);
          const event = events[index];
          if (event !== undefined) events[index] = mutateStored(event, random, input);
          return events;
        },
        generate: (random) => Array.from({ length: 1 + Math.floor(random() * 8) }, () => randomStored(random, eventTypes)),
        run: (events) => {
          const batch = decodeBatch(events, () => undefined);
          if (batch.events.length + batch.skipped !== events.length) throw new OracleViolation('events lost in a batch');
        },
        show: (events) => events.map(showStored).join(' | '),
      } satisfies FuzzTarget<StoredEvent[]>,
      {
        name: 'snapshot decoder, applied commands and actor snapshot codecs',
        corpus: corpus.snapshots,
        mutate: (input, random, all) => {
          if (random() < 0.7) return { category: input.category, bytes: mutateBytes(input.bytes, random, all.map((entry) => entry.bytes)) };
          const snapshot = decodeSnapshot(input.bytes);
          const payload = { version: 1, revision: '3', state: mutateData((snapshot?.state ?? {}) as Record<string, unknown>, random), applied: [['c', '1', ['E']]] };
          return { category: input.category, bytes: plain.pack(random() < 0.5 ? payload : mutateData(payload, random)) };
        },
        generate: (random) => ({ category: ['player', 'item', 'guild', 'auction'][Math.floor(random() * 4)] as string, bytes: randomBytes(random) }),
        run: ({ category, bytes }) => {
          const snapshot = decodeSnapshot(bytes);
          if (snapshot === undefined) return;
          const applied = createAppliedCommands(256, snapshot.applied);
          for (const [id] of snapshot.applied) {
            const entry = applied.get(id);
            if (entry !== undefined && (!Array.isArray(entry.events) || entry.events.some((type) => typeof type !== 'string'))) {
              throw new OracleViolation('an applied command whose events are not event types');
            }
          }
          actors.get(category)?.snapshot?.decode(snapshot.state);
        },
        documented: (error) => error instanceof ZodError,
        show: ({ category, bytes }) => `${category} ${hex(bytes)}`,
      } satisfies FuzzTarget<{ category: string; bytes: Uint8Array }>,
      stringTarget(
        'command subjects (parseCommandSubject, cached parser)',
        ['mmo.cmd.player.p42.item.sword-7.transfer', 'mmo.cmd.server.gs1.player.p1.register', 'mmo.cmd.server.trade-queue.auction.a_1.bidFundsHeld'],
        (subject) => {
          const parsed = parseCommandSubject(subject);
          const cached = cachedParser(subject);
          if (!isDeepStrictEqual(parsed, cached)) throw new OracleViolation('the cached parser disagrees');
          if (!isSubjectProblem(parsed) && subject.split('.').length !== 7) throw new OracleViolation('accepted a subject of another token count');
        },
      ),
      {
        name: 'client request validator (createRequestValidator)',
        corpus: [
          { category: 'item', actorId: 'sword-7', command: 'transfer', data: { from: 'p42', to: 'p7' }, commandId: 'c-1' },
          { category: 'player', actorId: 'p42', command: 'login', data: {}, correlationId: 'corr_9', causationId: 'c-0' },
          { category: 'auction', actorId: 'a1', command: 'bid', data: { amount: 5, bidId: 'b1' }, traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', tracestate: 'k=v' },
        ],
        mutate: (input, random, all) => {
          const fields = ['category', 'actorId', 'command', 'commandId', 'correlationId', 'causationId', 'traceparent', 'tracestate'] as const;
          const field = fields[Math.floor(random() * fields.length)] as (typeof fields)[number];
          if (random() < 0.15) return { ...input, data: hostileValue(random) };
          const others = all.map((entry) => entry[field] ?? '');
          return { ...input, [field]: mutateString(input[field] ?? '', random, others) };
        },
        generate: (random) => ({ category: randomString(random, 10), actorId: randomString(random, 10), command: randomString(random, 10), data: hostileValue(random) }),
        run: (request) => {
          const problem = requestValidator(request);
          if (problem !== undefined) return;
          const subject = commandSubject({ issuer: { kind: 'server', id: 'gs1' }, category: request.category, actorId: request.actorId, command: request.command });
          if (isSubjectProblem(parseCommandSubject(subject))) throw new OracleViolation(`the client accepted ${subject}, which the host refuses`);
        },
        show: (request) => JSON.stringify(request),
      } satisfies FuzzTarget<RequestFields>,
      {
        name: 'configuration from the environment (parseConfig)',
        corpus: validEnvironments,
        mutate: (input, random) => {
          const environment = { ...input };
          const keys = Object.keys(environment);
          const key = random() < 0.6 || keys.length === 0 ? (settingNames[Math.floor(random() * settingNames.length)] as string) : (keys[Math.floor(random() * keys.length)] as string);
          if (random() < 0.15) delete environment[key];
          else environment[key] = random() < 0.6 ? mutateString(environment[key] ?? '', random, Object.values(input)) : randomString(random);
          return environment;
        },
        generate: (random) => Object.fromEntries(settingNames.filter(() => random() < 0.3).map((key) => [key, randomString(random)])),
        run: (environment) => void parseConfig(environment),
        documented: (error) => error instanceof ConfigError,
        show: (environment) => JSON.stringify(environment),
      } satisfies FuzzTarget<Record<string, string>>,
      stringTarget(
        'configuration files (readConfigFile)',
        validEnvironments.map((environment) => JSON.stringify({ ...environment, SHARDKEEP_SIM_PLAYERS: 300, SHARDKEEP_SIMULATE: 'off' })),
        (text) => {
          writeFileSync(configFile, text);
          const settings = readConfigFile(configFile, SETTING_NAMES);
          for (const value of Object.values(settings)) if (typeof value !== 'string') throw new OracleViolation('a setting that is not a string');
        },
        (error) => error instanceof ConfigError,
      ),
      byteTarget('sessions: decodeSession', session.map(encodeSession), (bytes) => expectUndefinedOr(decodeSession(bytes), isObject, 'session')),
      byteTarget('sessions: decodeProfile', session.map(encodeProfile), (bytes) => expectUndefinedOr(decodeProfile(bytes), isObject, 'profile')),
      byteTarget('inventories: decodeEntry', [encodeEntry({ itemId: 'i1', templateId: 'sword' })], (bytes) => expectUndefinedOr(decodeEntry(bytes), isObject, 'entry')),
      byteTarget('inventories: decodeItemRecord', [encodeItemRecord({ templateId: 'sword', owner: 'p1' }), encodeItemRecord({ templateId: 'bow', owner: null })], (bytes) =>
        expectUndefinedOr(decodeItemRecord(bytes), isObject, 'item record'),
      ),
      byteTarget('inventories: decodeVersion', [encodeVersion(0), encodeVersion(41), encodeVersion(2 ** 40)], (bytes) => {
        const version = decodeVersion(bytes);
        if (!Number.isSafeInteger(version) || version < 0) throw new OracleViolation(`version ${version}`);
      }),
      byteTarget('inventories: decodeInventoryDiff', [encodeInventoryDiff(diff)], (bytes) => expectUndefinedOr(decodeInventoryDiff(bytes), isObject, 'diff')),
      byteTarget('inventories: decodeInventorySnapshot', [encodeInventorySnapshot(inventory)], (bytes) => expectUndefinedOr(decodeInventorySnapshot(bytes), isObject, 'inventory')),
      hashTarget('inventories: inventoryFromHash', [['i1', encodeEntry({ itemId: 'i1', templateId: 'sword' })], ['$version', encodeVersion(4)]], (fields) => {
        const decoded = inventoryFromHash('p1', fields);
        if (!Number.isSafeInteger(decoded.version)) throw new OracleViolation('version not an integer');
      }),
      byteTarget('rosters: decodeRosterEntry', [encodeRosterEntry(rosterEntry)], (bytes) => expectUndefinedOr(decodeRosterEntry(bytes), isObject, 'roster entry')),
      byteTarget('rosters: decodeText', [encodeText('Knights'), encodeText('Raid at nine ⚔')], (bytes) =>
        expectUndefinedOr(decodeText(bytes), (value) => typeof value === 'string', 'text'),
      ),
      hashTarget('rosters: rosterFromHash', [['p2', encodeRosterEntry(rosterEntry)], ['$name', encodeText('Knights')], ['$motd', encodeText('hi')]], (fields) => {
        const roster = rosterFromHash('g1', fields);
        if (typeof roster.name !== 'string' || typeof roster.motd !== 'string') throw new OracleViolation('name or motd not a string');
      }),
      byteTarget(
        'rosters: decodeRosterNotice',
        [
          encodeRosterNotice({ guildId: 'g1', change: 'joined', playerId: 'p2', rank: 'member' }),
          encodeRosterNotice({ guildId: 'g1', change: 'kicked', playerId: 'p2' }),
          encodeRosterNotice({ guildId: 'g1', change: 'motd', motd: 'hi' }),
        ],
        (bytes) => expectUndefinedOr(decodeRosterNotice(bytes), isObject, 'roster notice'),
      ),
      byteTarget('read cache: decodeActivationNotice', [activationNotification({ projection: 'inventories', version: 3 }).payload], (bytes) =>
        expectUndefinedOr(decodeActivationNotice(bytes), isObject, 'activation notice'),
      ),
    ] as unknown as FuzzTarget<never>[];

    // One share per target, and one for the asynchronous snapshot store below.
    const budgetMs = Math.floor(TOTAL_BUDGET_MS / (targets.length + 1));
    const random = seededRandom(SEED);
    const results: FuzzResult[] = [];
    // Most cases end in an exception the decoder catches (msgpackr's, zod's): without stack
    // traces, which cost more than the decoding itself, four times as many cases run.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      for (const target of targets) {
        results.push(runFuzzTarget(target, random, budgetMs, HANG_MS));
        // Let timers and promises the decoders might have left run, so their rejections count.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
    // The one asynchronous reader: the snapshot store, loading what a store holds. It must
    // resolve (a snapshot or undefined) for every stored payload, never reject.
    const snapshotStore = createMemoryEventStore();
    const snapshotReader = createEventStoreSnapshots(snapshotStore);
    const asyncResult = { name: 'snapshot store load (async)', cases: 0, typedErrors: 0, crashes: 0, hangs: 0, slowestMs: 0, examples: [] as string[] };
    const asyncDeadline = performance.now() + budgetMs;
    const snapshotBytes = corpus.snapshots.map((entry) => entry.bytes);
    while (performance.now() < asyncDeadline) {
      let bytes = snapshotBytes[Math.floor(random() * snapshotBytes.length)] ?? new Uint8Array();
      for (let step = 0, steps = 1 + Math.floor(random() * 3); step < steps; step += 1) bytes = mutateBytes(bytes, random, snapshotBytes);
      const stream = `item-s${asyncResult.cases % 64}`;
      await snapshotStore.append(`${SNAPSHOT_STREAM_PREFIX}${stream}`, [{ id: randomUUID(), type: 'Snapshot.v1', data: bytes, metadata: new Uint8Array() }], { expectedRevision: 'any' });
      const started = performance.now();
      try {
        const loaded = await snapshotReader.load(stream);
        if (loaded !== undefined && typeof loaded.revision !== 'bigint') throw new OracleViolation('a snapshot without a revision');
      } catch (error) {
        asyncResult.crashes += 1;
        if (asyncResult.examples.length < 5) asyncResult.examples.push(`crash: ${error instanceof Error ? error.message : JSON.stringify(error)} on ${hex(bytes)}`);
      }
      const elapsed = performance.now() - started;
      asyncResult.slowestMs = Math.max(asyncResult.slowestMs, elapsed);
      if (elapsed > HANG_MS) asyncResult.hangs += 1;
      asyncResult.cases += 1;
    }
    results.push(asyncResult);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const polluted = Object.getOwnPropertyNames(Object.prototype).sort().join() !== prototypeKeys.join() || ({} as Record<string, unknown>)['isAdmin'] !== undefined;

    for (const result of results) {
      console.log(
        `${result.name}: ${result.cases} cases, ${result.typedErrors} typed errors, ${result.crashes} crashes, ${result.hangs} hangs, slowest ${result.slowestMs.toFixed(1)} ms`,
      );
      for (const example of result.examples) console.log(`  ${example}`);
    }
    const total = (key: 'cases' | 'crashes' | 'hangs'): number => results.reduce((sum, result) => sum + result[key], 0);
    const measurements: Record<string, number | string> = {};
    for (const result of results) measurements[result.name] = `${result.cases} cases, ${result.crashes} crashes, ${result.hangs} hangs`;
    Object.assign(measurements, {
      decoders: results.length,
      cases: total('cases'),
      crashes: total('crashes'),
      hangs: total('hangs'),
      'unhandled rejections': unhandled,
      'prototype polluted': polluted ? 1 : 0,
      'slowest case (ms)': Number(Math.max(...results.map((result) => result.slowestMs)).toFixed(1)),
    });
    const verdict = total('crashes') === 0 && total('hangs') === 0 && unhandled === 0 && !polluted;
    recordFigure({
      figure: 13,
      scenario: 'fuzz loop over every decoder and validator',
      verdict: verdict ? 'pass' : 'fail',
      measurements,
      seeds: [SEED],
      method:
        `${results.length} decoders, ${(TOTAL_BUDGET_MS / 1000).toFixed(0)} s in all (${chaosProfile()} profile): random inputs and stacked mutations ` +
        '(bit flips, byte changes, truncations, insertions, deletions, splices, repeated ranges, tampered length headers, hostile field values) ' +
        `of valid encodings from the real encoders, each case timed against a ${HANG_MS} ms budget; any exception but the decoder's documented typed error is a crash.`,
    });

    for (const result of results) expect({ name: result.name, crashes: result.crashes, hangs: result.hangs, examples: result.examples }).toEqual({ name: result.name, crashes: 0, hangs: 0, examples: [] });
    expect(unhandled).toBe(0);
    expect(polluted).toBe(false);
  });
});
