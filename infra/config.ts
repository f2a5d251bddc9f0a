import { z } from 'zod';
import type { Budget, RateLimits } from '../actors/runtime/rate-limiter.js';
import { ShardkeepError } from '../events/errors.js';
import { LOG_LEVELS, type LogLevel } from './logging/logger.js';
import { parseBudget, parseKindBudgets, type Parsed } from './rate-limit-settings.js';
import { worldActors } from './world/world-node.js';

/** Every `<category>.<command>` the world serves: what a per-kind budget may name. */
const worldCommandKinds = (): ReadonlySet<string> =>
  new Set(worldActors().flatMap((type) => Object.keys(type.commands).map((command) => `${type.category}.${command}`)));

/** A setting parsed by one of the rate-limit parsers: each problem becomes its own issue, so its own line. */
const parsedWith = <T>(parse: (text: string) => Parsed<T>) =>
  z.string().transform((text, context): T => {
    const parsed = parse(text);
    if (parsed.ok) return parsed.value;
    for (const message of parsed.problems) context.addIssue({ code: 'custom', message });
    return z.NEVER;
  });

/**
 * Everything Shardkeep reads from its environment, validated once at start. Only
 * the composition root (scripts/) passes `process.env` here; everything else gets the
 * parsed `Config`. With nothing set, the whole system runs embedded in one process.
 */
const EnvironmentSchema = z.object({
  SHARDKEEP_DATA_DIR: z.string().min(1).default('data'),
  ESDB_URL: z
    .string()
    .regex(/^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover):\/\//, 'must be an esdb:// connection string')
    .optional(),
  SHARDKEEP_SQLITE_SYNC: z.enum(['full', 'normal']).default('full'),
  NATS_URL: z
    .string()
    .refine((value) => value.split(',').every((server) => /^(nats|tls):\/\/\S+$/.test(server.trim())), 'must be a nats:// URL (several separated by commas)')
    .optional(),
  NATS_USER: z.string().min(1).optional(),
  NATS_PASSWORD: z.string().min(1).optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\/[^\s]+$/, 'must be a redis:// or rediss:// URL').optional(),
  SHARDKEEP_REBUILD_REDIS_URL: z.string().regex(/^rediss?:\/\/[^\s]+$/, 'must be a redis:// or rediss:// URL').optional(),
  SHARDKEEP_REBUILD_NATS_USER: z.string().min(1).optional(),
  SHARDKEEP_REBUILD_NATS_PASSWORD: z.string().min(1).optional(),
  SHARDKEEP_SIMULATE: z.enum(['on', 'off']).optional(),
  SHARDKEEP_SIM_PLAYERS: z.coerce.number().int('must be a whole number').min(2).max(1_000_000).default(200),
  SHARDKEEP_SIM_RATE: z.coerce.number().int('must be a whole number').min(1).max(1_000_000).default(300),
  SHARDKEEP_LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  SHARDKEEP_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  SHARDKEEP_HTTP_PORT: z
    .union([z.literal('off'), z.coerce.number().int('must be a whole number').min(0).max(65_535)])
    .default(7070),
  SHARDKEEP_RATE_LIMIT: parsedWith<Budget>(parseBudget).prefault('20/40'),
  SHARDKEEP_RATE_LIMIT_KINDS: parsedWith((text) => parseKindBudgets(text, worldCommandKinds())).prefault('player.login=1/5'),
  SHARDKEEP_RATE_LIMIT_SERVERS: parsedWith<Budget>(parseBudget).prefault('off'),
  SHARDKEEP_RATE_LIMIT_BUCKETS: z.coerce.number().int('must be a whole number').min(1).max(100_000_000).default(100_000),
});

/** Every setting's name: the environment variables, and the keys of a configuration file. */
export const SETTING_NAMES: ReadonlySet<string> = new Set(Object.keys(EnvironmentSchema.shape));

export interface Config {
  readonly eventStore:
    | { readonly kind: 'esdb'; readonly connectionString: string }
    | { readonly kind: 'sqlite'; readonly path: string; readonly synchronous: 'full' | 'normal' };
  /** Commands over NATS when set; otherwise the in-process bus. */
  readonly nats: { readonly servers: readonly string[]; readonly user?: string; readonly password?: string } | undefined;
  /** Projections into Redis when set; otherwise the in-process cache. */
  readonly redis: { readonly url: string } | undefined;
  /**
   * What `npm run rebuild` connects with: its own Redis user (the only one allowed to SCAN
   * and UNLINK) and NATS credentials when set, else the same as the projections'.
   */
  readonly rebuild: {
    readonly redis: { readonly url: string } | undefined;
    readonly nats: { readonly servers: readonly string[]; readonly user?: string; readonly password?: string } | undefined;
  };
  /** The simulated world: on by default when embedded, off when serving real clients over NATS. */
  readonly simulation: { readonly enabled: boolean; readonly players: number; readonly actionsPerSecond: number };
  readonly logLevel: LogLevel;
  /** The metrics and console endpoint; undefined when turned off. */
  readonly http: { readonly host: string; readonly port: number } | undefined;
  /** Budgets per issuer and command kind; each host keeps its own buckets. */
  readonly rateLimits: RateLimits;
}

export class ConfigError extends ShardkeepError {
  readonly code = 'CONFIG';

  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

export const parseConfig = (environment: Readonly<Record<string, string | undefined>>): Config => {
  const parsed = EnvironmentSchema.safeParse(environment);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const env = parsed.data;
  const problems: string[] = [];
  if ((env.NATS_USER === undefined) !== (env.NATS_PASSWORD === undefined)) problems.push('NATS_USER and NATS_PASSWORD go together');
  if (env.NATS_URL === undefined && env.NATS_USER !== undefined) problems.push('NATS_USER is set but NATS_URL is not');
  if ((env.SHARDKEEP_REBUILD_NATS_USER === undefined) !== (env.SHARDKEEP_REBUILD_NATS_PASSWORD === undefined)) {
    problems.push('SHARDKEEP_REBUILD_NATS_USER and SHARDKEEP_REBUILD_NATS_PASSWORD go together');
  }
  if (env.NATS_URL === undefined && env.SHARDKEEP_REBUILD_NATS_USER !== undefined) problems.push('SHARDKEEP_REBUILD_NATS_USER is set but NATS_URL is not');
  if (problems.length > 0) throw new ConfigError(problems);
  const nats =
    env.NATS_URL === undefined
      ? undefined
      : {
          servers: env.NATS_URL.split(',').map((server) => server.trim()),
          ...(env.NATS_USER === undefined ? {} : { user: env.NATS_USER }),
          ...(env.NATS_PASSWORD === undefined ? {} : { password: env.NATS_PASSWORD }),
        };
  const rebuildRedisUrl = env.SHARDKEEP_REBUILD_REDIS_URL ?? env.REDIS_URL;
  const rebuildNats =
    nats === undefined || env.SHARDKEEP_REBUILD_NATS_USER === undefined || env.SHARDKEEP_REBUILD_NATS_PASSWORD === undefined
      ? nats
      : { servers: nats.servers, user: env.SHARDKEEP_REBUILD_NATS_USER, password: env.SHARDKEEP_REBUILD_NATS_PASSWORD };
  return {
    nats,
    redis: env.REDIS_URL === undefined ? undefined : { url: env.REDIS_URL },
    rebuild: { redis: rebuildRedisUrl === undefined ? undefined : { url: rebuildRedisUrl }, nats: rebuildNats },
    logLevel: env.SHARDKEEP_LOG_LEVEL,
    rateLimits: {
      players: env.SHARDKEEP_RATE_LIMIT,
      kinds: env.SHARDKEEP_RATE_LIMIT_KINDS,
      servers: env.SHARDKEEP_RATE_LIMIT_SERVERS,
      maxBuckets: env.SHARDKEEP_RATE_LIMIT_BUCKETS,
    },
    http: env.SHARDKEEP_HTTP_PORT === 'off' ? undefined : { host: env.SHARDKEEP_HTTP_HOST, port: env.SHARDKEEP_HTTP_PORT },
    simulation: {
      enabled: env.SHARDKEEP_SIMULATE === undefined ? nats === undefined : env.SHARDKEEP_SIMULATE === 'on',
      players: env.SHARDKEEP_SIM_PLAYERS,
      actionsPerSecond: env.SHARDKEEP_SIM_RATE,
    },
    eventStore:
      env.ESDB_URL !== undefined && env.ESDB_URL !== ''
        ? { kind: 'esdb', connectionString: env.ESDB_URL }
        : { kind: 'sqlite', path: `${env.SHARDKEEP_DATA_DIR}/events.sqlite`, synchronous: env.SHARDKEEP_SQLITE_SYNC },
  };
};
