import { z } from 'zod';
import { ShardkeepError } from '../events/errors.js';

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
});

export interface Config {
  readonly eventStore:
    | { readonly kind: 'esdb'; readonly connectionString: string }
    | { readonly kind: 'sqlite'; readonly path: string; readonly synchronous: 'full' | 'normal' };
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
  return {
    eventStore:
      env.ESDB_URL !== undefined && env.ESDB_URL !== ''
        ? { kind: 'esdb', connectionString: env.ESDB_URL }
        : { kind: 'sqlite', path: `${env.SHARDKEEP_DATA_DIR}/events.sqlite`, synchronous: env.SHARDKEEP_SQLITE_SYNC },
  };
};
