import { existsSync } from 'node:fs';
import type { EventStore } from '../../events/store/index.js';
import { ConfigError, parseConfig, type Config } from '../../infra/config.js';
import { describeEventStore, openEventStore } from '../../infra/eventstore/open.js';
import { UsageError, type AuditIo, type CommonOptions } from './context.js';

/**
 * The log an audit reads: `--sqlite <file>` or `--esdb <connection string>`, or else the
 * store `npm start` is configured with (ESDB_URL, or SHARDKEEP_DATA_DIR/events.sqlite).
 * SQLite files are opened read-only: an audit never creates or changes a log.
 */
export interface AuditStore {
  readonly store: EventStore;
  /** For people: which log, never a password. */
  readonly description: string;
}

const ESDB_SCHEME = /^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover):\/\//;

const configured = (io: AuditIo): Config['eventStore'] => {
  try {
    return parseConfig(io.env).eventStore;
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
};

const selected = (options: CommonOptions, io: AuditIo): Config['eventStore'] => {
  if (options.sqlite !== undefined && options.esdb !== undefined) throw new UsageError('give --sqlite or --esdb, not both');
  if (options.esdb !== undefined) {
    if (!ESDB_SCHEME.test(options.esdb)) throw new UsageError(`--esdb ${options.esdb}: expected an esdb:// connection string`);
    return { kind: 'esdb', connectionString: options.esdb };
  }
  if (options.sqlite !== undefined) return { kind: 'sqlite', path: options.sqlite, synchronous: 'normal' };
  return configured(io);
};

export const openAuditStore = async (options: CommonOptions, io: AuditIo): Promise<AuditStore> => {
  const config = selected(options, io);
  if (config.kind === 'sqlite' && !existsSync(config.path)) {
    const hint = options.sqlite === undefined ? ' (the configured log: set SHARDKEEP_DATA_DIR or ESDB_URL, or pass --sqlite or --esdb)' : '';
    throw new UsageError(`no SQLite log at ${config.path}${hint}`);
  }
  const store = await openEventStore(config, { readonly: true });
  const description = config.kind === 'sqlite' ? `SQLite ${config.path}` : describeEventStore(config);
  return { store, description };
};

/** Opens the store, runs `use`, and closes the store whatever happens. */
export const withAuditStore = async <T>(options: CommonOptions, io: AuditIo, use: (opened: AuditStore) => Promise<T>): Promise<T> => {
  const opened = await openAuditStore(options, io);
  try {
    return await use(opened);
  } finally {
    await opened.store.close();
  }
};
