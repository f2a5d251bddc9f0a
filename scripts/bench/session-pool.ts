import { PerformanceObserver, performance } from 'node:perf_hooks';
import { PRESENCES, type Presence } from '../../events/player.js';
import { cachedSession, decodeSession, encodeSession, type CachedSession, type SessionRecord } from '../../projections/sessions/index.js';
import { unpack } from '../../projections/shared/msgpack.js';
import { median, percentile } from './measure.js';
import { seededRandom } from '../simulation/random.js';

/**
 * Session pooling (the seed reuses decoded session objects from a pool): the session read
 * path's decoding step, bytes as L2 returns them to a session a caller uses, with and
 * without reuse of the decoded objects, in one run. Both sides validate by hand the same
 * way, so the only difference is where the decoded session goes: a fresh object, or one
 * taken from a pool and given back after use. The cache's own decoder (zod) runs beside
 * them for reference. Rounds alternate the order; medians are reported.
 */
export interface SessionPoolBenchOptions {
  readonly sessions: number;
  readonly decodesPerRound: number;
  readonly rounds: number;
  /** Decodes timed together; their mean is one sample of the latency distribution. */
  readonly batch: number;
}

export const DEFAULT_SESSION_POOL_OPTIONS: SessionPoolBenchOptions = { sessions: 1_000, decodesPerRound: 1_000_000, rounds: 5, batch: 1_000 };

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
interface PooledSession extends Mutable<Omit<CachedSession, 'otherSessions'>> {
  otherSessions: Mutable<SessionRecord>[];
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isInstant = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;
const isPresence = (value: unknown): value is Presence => typeof value === 'string' && (PRESENCES as readonly string[]).includes(value);
const isNullableString = (value: unknown): value is string | null => value === null || typeof value === 'string';

const validRecord = (raw: Record<string, unknown>): boolean =>
  typeof raw['sessionId'] === 'string' &&
  typeof raw['tokenHash'] === 'string' &&
  isInstant(raw['loginAt']) &&
  isInstant(raw['lastActivityAt']) &&
  isInstant(raw['idleExpiresAt']) &&
  isInstant(raw['absoluteExpiresAt']);

/** The same checks as the cache's schema, by hand; `into` receives the fields. */
const readSession = <T extends PooledSession>(raw: unknown, into: () => T, record: (target: T, index: number) => Mutable<SessionRecord>): T | undefined => {
  if (!isRecord(raw) || !validRecord(raw) || typeof raw['playerId'] !== 'string') return undefined;
  if (!isNullableString(raw['zone']) || !isPresence(raw['presence']) || !isNullableString(raw['guildId'])) return undefined;
  const others = raw['otherSessions'];
  if (!Array.isArray(others) || !others.every((other) => isRecord(other) && validRecord(other))) return undefined;
  const session = into();
  session.playerId = raw['playerId'];
  session.sessionId = raw['sessionId'] as string;
  session.tokenHash = raw['tokenHash'] as string;
  session.zone = raw['zone'];
  session.presence = raw['presence'];
  session.guildId = raw['guildId'];
  session.loginAt = raw['loginAt'] as number;
  session.lastActivityAt = raw['lastActivityAt'] as number;
  session.idleExpiresAt = raw['idleExpiresAt'] as number;
  session.absoluteExpiresAt = raw['absoluteExpiresAt'] as number;
  session.otherSessions.length = others.length;
  others.forEach((other: Record<string, unknown>, index) => {
    const target = record(session, index);
    target.sessionId = other['sessionId'] as string;
    target.tokenHash = other['tokenHash'] as string;
    target.loginAt = other['loginAt'] as number;
    target.lastActivityAt = other['lastActivityAt'] as number;
    target.idleExpiresAt = other['idleExpiresAt'] as number;
    target.absoluteExpiresAt = other['absoluteExpiresAt'] as number;
    session.otherSessions[index] = target;
  });
  return session;
};

const emptyRecord = (): Mutable<SessionRecord> => ({ sessionId: '', tokenHash: '', loginAt: 0, lastActivityAt: 0, idleExpiresAt: 0, absoluteExpiresAt: 0 });
const emptySession = (): PooledSession => ({
  playerId: '',
  sessionId: '',
  tokenHash: '',
  zone: null,
  presence: 'offline',
  guildId: null,
  loginAt: 0,
  lastActivityAt: 0,
  idleExpiresAt: 0,
  absoluteExpiresAt: 0,
  otherSessions: [],
});

/** A free list: acquire reuses a released session (and its records) or makes one. */
const createPool = () => {
  const free: PooledSession[] = [];
  return {
    acquire: (): PooledSession => free.pop() ?? emptySession(),
    record: (session: PooledSession, index: number): Mutable<SessionRecord> => session.otherSessions[index] ?? emptyRecord(),
    release: (session: PooledSession): void => {
      free.push(session);
    },
  };
};

/** What a caller does with a session: looks at a few fields. */
const use = (session: Pick<CachedSession, 'tokenHash' | 'idleExpiresAt' | 'otherSessions'>): number =>
  session.tokenHash.length + (session.idleExpiresAt & 0xff) + session.otherSessions.length;

interface Variant {
  readonly name: string;
  /** Decodes and uses one session; returns what `use` returned. */
  readonly decode: (bytes: Uint8Array) => number;
}

const variants = (): Variant[] => {
  const pool = createPool();
  return [
    {
      name: 'fresh objects (hand-validated)',
      decode: (bytes) => {
        const session = readSession(unpack(bytes), emptySession, () => emptyRecord());
        return session === undefined ? 0 : use(session);
      },
    },
    {
      name: 'pooled objects (hand-validated)',
      decode: (bytes) => {
        const session = readSession(unpack(bytes), pool.acquire, pool.record);
        if (session === undefined) return 0;
        const used = use(session);
        pool.release(session);
        return used;
      },
    },
    {
      name: 'decodeSession (zod; the cache today)',
      decode: (bytes) => {
        const session = decodeSession(bytes);
        return session === undefined ? 0 : use(session);
      },
    },
  ];
};

export interface SessionPoolFigure {
  readonly name: string;
  readonly decodesPerSecond: number;
  /** Mean nanoseconds per decode in a batch: median and 99th percentile batch. */
  readonly p50Ns: number;
  readonly p99Ns: number;
  /** Collector pauses per million decodes, ms. */
  readonly gcMsPerMillion: number;
}

const sampleSessions = (count: number, random: () => number): Uint8Array[] =>
  Array.from({ length: count }, (_, index) => {
    const record = (n: number): SessionRecord => ({
      sessionId: `s-${index}-${n}`,
      tokenHash: Math.floor(random() * 2 ** 52).toString(16).padStart(64, '0'),
      loginAt: 1_790_000_000_000 + n,
      lastActivityAt: 1_790_000_000_000 + n * 7,
      idleExpiresAt: 1_790_001_800_000 + n,
      absoluteExpiresAt: 1_790_086_400_000 + n,
    });
    const others = Array.from({ length: index % 5 === 0 ? 2 : 0 }, (_, n) => record(n + 1));
    return encodeSession(cachedSession(`p${index}`, record(0), { zone: index % 3 === 0 ? null : `zone-${index % 17}`, presence: 'online', guildId: index % 4 === 0 ? `g${index % 50}` : null }, others));
  });

export const benchSessionPool = async (options: SessionPoolBenchOptions, report: (line: string) => void): Promise<SessionPoolFigure[]> => {
  const random = seededRandom(7);
  const sessions = sampleSessions(options.sessions, random);
  const all = variants();
  const samples = new Map<string, { rates: number[]; batches: number[]; gcMs: number; decodes: number }>(
    all.map((variant) => [variant.name, { rates: [], batches: [], gcMs: 0, decodes: 0 }]),
  );
  let gcMs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs += entry.duration;
  });
  observer.observe({ entryTypes: ['gc'] });
  let sink = 0;
  try {
    // Warm-up: every variant optimised before the first measured round.
    for (const variant of all) for (let index = 0; index < 200_000; index += 1) sink += variant.decode(sessions[index % sessions.length] ?? new Uint8Array());
    for (let round = 0; round < options.rounds; round += 1) {
      const order = round % 2 === 0 ? all : [...all].reverse();
      for (const variant of order) {
        const sample = samples.get(variant.name);
        if (sample === undefined) continue;
        await new Promise((resolve) => setImmediate(resolve));
        const gcBefore = gcMs;
        const started = performance.now();
        for (let done = 0; done < options.decodesPerRound; done += options.batch) {
          const batchStarted = performance.now();
          for (let index = done; index < done + options.batch; index += 1) sink += variant.decode(sessions[index % sessions.length] ?? new Uint8Array());
          sample.batches.push(((performance.now() - batchStarted) * 1e6) / options.batch);
        }
        const seconds = (performance.now() - started) / 1000;
        // GC entries arrive asynchronously: let them in before reading the total.
        await new Promise((resolve) => setTimeout(resolve, 20));
        sample.rates.push(options.decodesPerRound / seconds);
        sample.gcMs += gcMs - gcBefore;
        sample.decodes += options.decodesPerRound;
        report(`round ${round + 1} ${variant.name}: ${Math.round(options.decodesPerRound / seconds)} decodes/s`);
      }
    }
  } finally {
    observer.disconnect();
  }
  if (sink === 0) report('(sink 0)');
  return all.map((variant) => {
    const sample = samples.get(variant.name) ?? { rates: [0], batches: [0], gcMs: 0, decodes: 1 };
    const sorted = [...sample.batches].sort((a, b) => a - b);
    return {
      name: variant.name,
      decodesPerSecond: median(sample.rates),
      p50Ns: percentile(sorted, 0.5),
      p99Ns: percentile(sorted, 0.99),
      gcMsPerMillion: (sample.gcMs / sample.decodes) * 1e6,
    };
  });
};

/** The pool is kept only if it decodes at least 5% faster than fresh objects without a worse p99. */
export const poolWins = (figures: readonly SessionPoolFigure[]): boolean => {
  const [fresh, pooled] = figures;
  return fresh !== undefined && pooled !== undefined && pooled.decodesPerSecond >= fresh.decodesPerSecond * 1.05 && pooled.p99Ns <= fresh.p99Ns;
};

export const sessionPoolTable = (figures: readonly SessionPoolFigure[], options: SessionPoolBenchOptions): string => {
  const fresh = figures[0];
  return [
    `${options.sessions} distinct sessions (msgpack as L2 holds them, one in five with two older sessions), decoded and used ` +
      `${options.decodesPerRound.toLocaleString('en-US')} times per round; ${options.rounds} rounds in alternating order; latency is the mean per decode of each batch of ${options.batch}.`,
    '',
    '| session read path | decodes/s | vs fresh | p50 ns | p99 ns | GC ms per million |',
    '|---|---:|---:|---:|---:|---:|',
    ...figures.map(
      (figure) =>
        `| ${figure.name} | ${Math.round(figure.decodesPerSecond)} | ${fresh === undefined ? '' : (figure.decodesPerSecond / fresh.decodesPerSecond).toFixed(3)} | ` +
        `${figure.p50Ns.toFixed(0)} | ${figure.p99Ns.toFixed(0)} | ${figure.gcMsPerMillion.toFixed(1)} |`,
    ),
    '',
    poolWins(figures) ? 'Verdict: the pool wins (≥ 5% more decodes/s, p99 no worse).' : 'Verdict: the pool does not win (needs ≥ 5% more decodes/s with a p99 no worse); the cache keeps fresh objects.',
  ].join('\n');
};
