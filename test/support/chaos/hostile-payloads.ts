import { Packr } from 'msgpackr';
import type { ErrorCode } from '../../../actors/runtime/protocol/error-codes.js';
import { concatBytes } from './bytes.js';

/**
 * The hostile requests of figure 12, by class: what a client that is buggy, fuzzing or
 * malicious can put on a command subject. Each class names the answer the README promises
 * for it, and builds its n-th request from a seeded generator, so a run is replayable and
 * no two requests of a class are the same bytes. Every request aims at an actor id of its
 * own (`h<class>x<n>`), so anything a host wrongly accepted would show in the log.
 */

export interface HostileRequest {
  readonly subject: string;
  readonly payload: Uint8Array;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface HostileClass {
  readonly name: string;
  /** The answer the README promises; `OK` for requests whose hostile part is to be dropped, not refused. */
  readonly expected: ErrorCode | 'OK';
  make(actorId: string, n: number, random: () => number): HostileRequest;
}

const plain = new Packr({ useRecords: false });
const encoder = new TextEncoder();

const bytes = concatBytes;
const strHeader = (length: number): number[] =>
  length < 32 ? [0xa0 | length] : length < 256 ? [0xd9, length] : [0xda, length >> 8, length & 0xff];
const rawStr = (utf8: Uint8Array): Uint8Array => bytes(strHeader(utf8.length), utf8);
const str = (text: string): Uint8Array => rawStr(encoder.encode(text));
const mapHeader = (count: number): number[] => [0x80 | count];
const repeat = (part: readonly number[], times: number): Uint8Array => bytes(...Array.from({ length: times }, () => part));
const randomBytes = (random: () => number, length: number): Uint8Array => Uint8Array.from({ length }, () => Math.floor(random() * 256));
const pick = <T>(random: () => number, values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
const between = (random: () => number, low: number, high: number): number => low + Math.floor(random() * (high - low + 1));

/** A map of already-encoded values, in order. */
const rawMap = (entries: readonly (readonly [Uint8Array, Uint8Array])[]): Uint8Array =>
  bytes(mapHeader(entries.length), ...entries.flatMap(([key, value]) => [key, value]));
/** `{ commandId, data }` with `data` given as raw bytes. */
const rawEnvelope = (commandId: string, data: Uint8Array): Uint8Array => rawMap([[str('commandId'), str(commandId)], [str('data'), data]]);

/**
 * Commands every hostile request is dressed as: a subject the host serves, and data its
 * schema accepts, so that the hostile part alone is what is refused. The spec checks that
 * each `data` passes its command's schema.
 */
export interface Target {
  readonly category: string;
  readonly command: string;
  readonly issuer: string;
  data(actorId: string): Record<string, unknown>;
}

export const TARGETS: readonly Target[] = [
  { category: 'player', command: 'register', issuer: 'server.gs', data: () => ({ name: 'Hostile' }) },
  { category: 'player', command: 'changeZone', issuer: 'player.self', data: () => ({ zone: 'z1' }) },
  { category: 'item', command: 'mint', issuer: 'server.gs', data: () => ({ templateId: 'sword', owner: 'p1' }) },
  { category: 'guild', command: 'create', issuer: 'server.gs', data: () => ({ name: 'Guild', leaderId: 'p1' }) },
  { category: 'player', command: 'credit', issuer: 'server.gs', data: (id) => ({ amount: 100, cause: 'loot', reference: `r${id}` }) },
  { category: 'auction', command: 'list', issuer: 'server.gs', data: () => ({ seller: 'p1', itemId: 'i1', startingPrice: 10, endsAt: 2_000_000_000_000 }) },
];

const subjectOf = (target: Target, actorId: string): string =>
  `mmo.cmd.${target.issuer === 'player.self' ? `player.${actorId}` : target.issuer}.${target.category}.${actorId}.${target.command}`;

const targetOf = (n: number): Target => TARGETS[n % TARGETS.length] as Target;

/** A request on a valid subject with a valid envelope whose data was replaced by `data`. */
const withData = (actorId: string, n: number, data: Uint8Array): HostileRequest => ({
  subject: subjectOf(targetOf(n), actorId),
  payload: rawEnvelope(`c${actorId}`, data),
});
/** A request on a valid subject with `payload` as the whole body. */
const withPayload = (actorId: string, n: number, payload: Uint8Array): HostileRequest => ({ subject: subjectOf(targetOf(n), actorId), payload });
/** The target's valid envelope, as an object to spoil before packing. */
const validEnvelope = (actorId: string, n: number): Record<string, unknown> => ({ commandId: `c${actorId}`, data: targetOf(n).data(actorId) });
const packed = (actorId: string, n: number, envelope: unknown): HostileRequest => withPayload(actorId, n, plain.pack(envelope));

const nestedArrays = (depth: number): Uint8Array => bytes(repeat([0x91], depth), [0x01]);
const nestedMaps = (depth: number): Uint8Array => bytes(...Array.from({ length: depth }, () => bytes([0x81], str('a'))), [0x01]);
const FORBIDDEN_KEYS = ['__proto__', 'constructor', 'prototype'] as const;
const BAD_UTF8: readonly (readonly number[])[] = [
  [0xc0, 0x80], // overlong NUL
  [0xed, 0xa0, 0x80], // a lone surrogate
  [0xff],
  [0xf8, 0x88, 0x80, 0x80, 0x80], // a five-byte form
  [0xe2, 0x82], // truncated
  [0x61, 0x80, 0x62], // a stray continuation byte
];
const HUGE_HEADERS: readonly (readonly number[])[] = [
  [0xdb, 0xff, 0xff, 0xff, 0xff], // str32: 4 GiB
  [0xdb, 0x7f, 0xff, 0xff, 0xff],
  [0xc6, 0xff, 0xff, 0xff, 0xff], // bin32
  [0xc6, 0x40, 0x00, 0x00, 0x00], // bin32: 1 GiB
  [0xdd, 0xff, 0xff, 0xff, 0xff], // array32
  [0xdd, 0x10, 0x00, 0x00, 0x00],
  [0xdf, 0xff, 0xff, 0xff, 0xff], // map32
  [0xdf, 0x7f, 0xff, 0xff, 0xff],
  [0xc9, 0x7f, 0xff, 0xff, 0xff, 0xff], // ext32, timestamp type
  [0xda, 0xff, 0xff], // str16 past the payload
  [0xdc, 0xff, 0xff], // array16 past the payload
];

/** A string that makes a `{ commandId, data: { name } }` envelope exactly `size` bytes long. */
const envelopeOfSize = (actorId: string, size: number): Uint8Array => {
  const fixed = rawEnvelope(`c${actorId}`, rawMap([[str('name'), str('')]])).length - 1;
  const textLength = size - fixed - 3;
  return rawEnvelope(`c${actorId}`, rawMap([[str('name'), str('x'.repeat(textLength))]]));
};

export const HOSTILE_CLASSES: readonly HostileClass[] = [
  {
    name: 'arrays nested past the depth bound',
    expected: 'VALIDATION',
    make: (id, n, random) => withData(id, n, rawMap([[str('zone'), nestedArrays(between(random, 9, 5_000))]])),
  },
  {
    name: 'maps nested past the depth bound',
    expected: 'VALIDATION',
    make: (id, n, random) => withData(id, n, rawMap([[str('zone'), nestedMaps(between(random, 9, 2_000))]])),
  },
  {
    name: 'chains of array16 headers (msgpackr#200)',
    expected: 'VALIDATION',
    make: (id, n, random) => {
      const chain = repeat([0xdc, 0xff, 0xff], between(random, 2, 60));
      return n % 2 === 0 ? withPayload(id, n, chain) : withData(id, n, rawMap([[str('zone'), chain]]));
    },
  },
  {
    name: 'length headers claiming gigabytes',
    expected: 'VALIDATION',
    make: (id, n, random) => {
      const header = bytes(pick(random, HUGE_HEADERS), randomBytes(random, between(random, 0, 16)));
      return n % 2 === 0 ? withPayload(id, n, header) : withData(id, n, rawMap([[str('zone'), header]]));
    },
  },
  {
    name: 'just over the 16 KiB cap',
    expected: 'VALIDATION',
    make: (id, n, random) => withPayload(id, 0, envelopeOfSize(id, 16 * 1024 + between(random, 1, 64))),
  },
  {
    name: 'far over the cap (under max_payload)',
    expected: 'VALIDATION',
    make: (id, n, random) => withPayload(id, 0, envelopeOfSize(id, between(random, 20, 60) * 1024)),
  },
  {
    name: '__proto__, constructor, prototype as top-level keys',
    expected: 'VALIDATION',
    make: (id, n) =>
      withPayload(
        id,
        n,
        rawMap([
          [str('commandId'), str(`c${id}`)],
          [str('data'), plain.pack(targetOf(n).data(id))],
          [str(FORBIDDEN_KEYS[n % 3] as string), plain.pack({ isAdmin: true })],
        ]),
      ),
  },
  {
    name: '__proto__, constructor, prototype nested in data',
    expected: 'VALIDATION',
    make: (id, n, random) => {
      const key = str(FORBIDDEN_KEYS[n % 3] as string);
      const polluted = rawMap([[key, plain.pack({ isAdmin: true, balance: 1e15 })]]);
      const deep = between(random, 0, 3);
      let value = polluted;
      for (let level = 0; level < deep; level += 1) value = rawMap([[str(`l${level}`), value]]);
      return withData(id, n, deep === 0 ? rawMap([[str('zone'), str('z1')], [key, plain.pack(1)]]) : rawMap([[str('zone'), value]]));
    },
  },
  {
    name: 'malformed UTF-8 in strings',
    expected: 'VALIDATION',
    make: (id, n, random) => {
      const bad = rawStr(bytes([0x61], pick(random, BAD_UTF8), [0x62]));
      return n % 2 === 0
        ? withPayload(id, n, rawMap([[str('commandId'), bad], [str('data'), plain.pack(targetOf(n).data(id))]]))
        : withData(id, n, rawMap([[str('name'), bad]]));
    },
  },
  {
    name: 'malformed UTF-8 in keys',
    expected: 'VALIDATION',
    make: (id, n, random) => {
      const bad = rawStr(bytes(pick(random, BAD_UTF8), encoder.encode('name')));
      return n % 2 === 0 ? withData(id, n, rawMap([[bad, str('x')]])) : withPayload(id, n, rawMap([[str('commandId'), str(`c${id}`)], [bad, plain.pack({})]]));
    },
  },
  {
    name: 'unknown fields',
    expected: 'VALIDATION',
    make: (id, n) => {
      const envelope = validEnvelope(id, n);
      return n % 2 === 0
        ? packed(id, n, { ...envelope, issuer: 'server:evil' })
        : packed(id, n, { ...envelope, data: { ...(envelope['data'] as object), isAdmin: true } });
    },
  },
  {
    name: 'missing fields',
    expected: 'VALIDATION',
    make: (id, n) => {
      const { commandId, data } = validEnvelope(id, n);
      const variants: unknown[] = [{ data }, { commandId }, {}, { commandId, data: {} }];
      // `{}` is valid data for none of the targets: every one of them requires a field.
      return packed(id, n, variants[n % variants.length]);
    },
  },
  {
    name: 'wrong types',
    expected: 'VALIDATION',
    make: (id, n) => {
      const { commandId, data } = validEnvelope(id, n);
      const firstField = Object.keys(data as object)[0] as string;
      // Another type than the field's own: a number where a string goes, a string where a number goes.
      const wrong = typeof (data as Record<string, unknown>)[firstField] === 'number' ? 'seven' : 7;
      const variants: unknown[] = [
        { commandId: 12345, data },
        { commandId, data: [data] },
        { commandId, data: 'data' },
        { commandId, data: null },
        { commandId, data: { ...(data as object), [firstField]: wrong } },
        { commandId, data: { ...(data as object), [firstField]: [true] } },
        { commandId: [commandId], data },
        [commandId, data],
      ];
      return packed(id, n, variants[n % variants.length]);
    },
  },
  {
    name: 'integers at or past 2^53',
    expected: 'VALIDATION',
    make: (id, n, random) => {
      const amount = pick(random, [2n ** 53n, 2n ** 53n + 1n, 2n ** 63n - 1n, 2n ** 64n - 1n, -(2n ** 53n) - 1n, -(2n ** 63n)]);
      const reference = `r${id}`;
      return n % 2 === 0
        ? { subject: `mmo.cmd.server.gs.player.${id}.credit`, payload: plain.pack({ commandId: `c${id}`, data: { amount, cause: 'loot', reference } }) }
        : { subject: `mmo.cmd.server.gs.auction.${id}.list`, payload: plain.pack({ commandId: `c${id}`, data: { seller: 'p1', itemId: 'i1', startingPrice: 10, endsAt: amount } }) };
    },
  },
  {
    name: 'extension types',
    expected: 'VALIDATION',
    make: (id, n, random) => {
      const type = between(random, -128, 127);
      const ext = pick(random, [
        bytes([0xd4, type & 0xff], randomBytes(random, 1)),
        bytes([0xd6, type & 0xff], randomBytes(random, 4)),
        bytes([0xc7, 3, type & 0xff], randomBytes(random, 3)),
        // A well-formed timestamp passes the structural check; no command takes a date.
        bytes([0xd6, 0xff], [0, 0, 0, 1]),
      ]);
      return withData(id, n, rawMap([[str('zone'), ext]]));
    },
  },
  {
    name: 'bytes after the map',
    expected: 'VALIDATION',
    make: (id, n, random) => withPayload(id, n, bytes(plain.pack(validEnvelope(id, n)), randomBytes(random, between(random, 1, 32)))),
  },
  { name: 'empty payload', expected: 'VALIDATION', make: (id, n) => withPayload(id, n, new Uint8Array()) },
  {
    name: 'bytes that are not msgpack',
    expected: 'VALIDATION',
    make: (id, n, random) => {
      const variants = [
        () => randomBytes(random, between(random, 1, 2_048)),
        () => encoder.encode(JSON.stringify(validEnvelope(id, n))),
        () => encoder.encode('PUB x 5\r\nhello\r\n'),
        () => Uint8Array.of(0xc1),
      ];
      return withPayload(id, n, (variants[n % variants.length] as () => Uint8Array)());
    },
  },
  {
    name: 'commandId not subject-safe',
    expected: 'VALIDATION',
    make: (id, n) => {
      const commandIds = ['a.b', 'a b', '', 'x'.repeat(65), 'é', '../etc', '*', '>', 'a\u0000b', 'mmo.cmd.>'];
      return packed(id, n, { ...validEnvelope(id, n), commandId: commandIds[n % commandIds.length] });
    },
  },
  {
    name: 'actor id in the subject not subject-safe',
    expected: 'VALIDATION',
    make: (id, n) => {
      const ids = [`${id}é`, `${id}+1`, `${id}:1`, 'x'.repeat(65), `${id}%2e`, `${id}$`, `${id}~`];
      const actorId = ids[n % ids.length] as string;
      return { subject: `mmo.cmd.server.gs.player.${actorId}.register`, payload: plain.pack({ commandId: `c${id}`, data: { name: 'Hostile' } }) };
    },
  },
  {
    name: 'actor id with dots (NATS splits the token)',
    expected: 'VALIDATION',
    make: (id, n) => {
      const actorId = n % 2 === 0 ? `${id}.x` : `${id}.x.y.z`;
      return { subject: `mmo.cmd.server.gs.player.${actorId}.register`, payload: plain.pack({ commandId: `c${id}`, data: { name: 'Hostile' } }) };
    },
  },
  {
    name: 'subjects with too few tokens',
    expected: 'VALIDATION',
    make: (id, n) => {
      const subjects = [`mmo.cmd.server.gs.player.${id}`, 'mmo.cmd.server.gs.player', 'mmo.cmd.server', `mmo.cmd.${id}`];
      return { subject: subjects[n % subjects.length] as string, payload: plain.pack({ commandId: `c${id}`, data: { name: 'Hostile' } }) };
    },
  },
  {
    name: 'command or category names not subject-safe',
    expected: 'VALIDATION',
    make: (id, n) => {
      const subjects = [
        `mmo.cmd.server.gs.player.${id}.Register`,
        `mmo.cmd.server.gs.player.${id}.re-gister`,
        `mmo.cmd.server.gs.player.${id}.${'r'.repeat(33)}`,
        `mmo.cmd.server.gs.player.${id}.__proto__`,
        `mmo.cmd.server.gs.Player.${id}.register`,
        `mmo.cmd.server.gs.9lives.${id}.register`,
      ];
      return { subject: subjects[n % subjects.length] as string, payload: plain.pack({ commandId: `c${id}`, data: { name: 'Hostile' } }) };
    },
  },
  {
    name: 'issuers not subject-safe',
    expected: 'VALIDATION',
    make: (id, n) => {
      const issuers = ['admin.root', 'system.gs', 'server.é', `player.${'p'.repeat(65)}`, 'Server.gs'];
      return { subject: `mmo.cmd.${issuers[n % issuers.length] as string}.player.${id}.register`, payload: plain.pack({ commandId: `c${id}`, data: { name: 'Hostile' } }) };
    },
  },
  {
    name: 'unknown categories',
    expected: 'NOT_FOUND',
    make: (id, n) => {
      const categories = ['dragon', 'bank', 'admin', 'players', 'snapshot', 'constructor', 'toString'];
      return { subject: `mmo.cmd.server.gs.${categories[n % categories.length] as string}.${id}.register`, payload: plain.pack({ commandId: `c${id}`, data: {} }) };
    },
  },
  {
    name: 'unknown commands',
    expected: 'NOT_FOUND',
    make: (id, n) => {
      const names = ['explode', 'duplicate', 'setBalance', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];
      const target = targetOf(n);
      return { subject: `mmo.cmd.server.gs.${target.category}.${id}.${names[n % names.length] as string}`, payload: plain.pack({ commandId: `c${id}`, data: {} }) };
    },
  },
  {
    name: 'server-only commands from a player',
    expected: 'UNAUTHORIZED',
    make: (id, n) => {
      const commands = [
        ['player', 'credit', { amount: 1_000, cause: 'adminGrant', reference: `r${id}` }],
        ['item', 'mint', { templateId: 'sword', owner: id }],
        ['player', 'register', { name: 'Hostile' }],
      ] as const;
      const [category, command, data] = commands[n % commands.length] as (typeof commands)[number];
      return { subject: `mmo.cmd.player.${id}.${category}.${id}.${command}`, payload: plain.pack({ commandId: `c${id}`, data }) };
    },
  },
  {
    name: 'malformed trace headers on a valid command (dropped, not recorded)',
    expected: 'OK',
    make: (id, _n, random) => ({
      subject: `mmo.cmd.server.gs.player.${id}.register`,
      payload: plain.pack({ commandId: `c${id}`, data: { name: 'Traced' } }),
      headers: {
        traceparent: pick(random, ['x'.repeat(between(random, 1, 4_000)), '00-zz-zz-01', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01']),
        tracestate: pick(random, ['k=v'.repeat(400), 'a=é', 'a=\u0001']),
      },
    }),
  },
];
