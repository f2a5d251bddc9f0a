import type { EventStore } from '../../events/store/index.js';
import type { Config } from '../config.js';
import { createEsdbEventStore } from './esdb/index.js';
import { openSqliteEventStore } from './sqlite/index.js';

export type EventStoreConfig = Config['eventStore'];

export interface OpenOptions {
  /** SQLite: open the file for reading only (it must exist; nothing is created). Tools that only read (the audit) ask for it. */
  readonly readonly?: boolean;
}

export const openEventStore = async (config: EventStoreConfig, options: OpenOptions = {}): Promise<EventStore> => {
  switch (config.kind) {
    case 'esdb':
      return createEsdbEventStore({ connectionString: config.connectionString });
    case 'sqlite':
      return openSqliteEventStore({ path: config.path, synchronous: config.synchronous, readonly: options.readonly ?? false });
  }
};

/** For logs and banners: never prints credentials from a connection string. */
export const describeEventStore = (config: EventStoreConfig): string => {
  switch (config.kind) {
    case 'esdb':
      return `EventStoreDB at ${config.connectionString.replace(/\/\/[^@/]*@/, '//***@')}`;
    case 'sqlite':
      return `SQLite ${config.path} (WAL, synchronous=${config.synchronous})`;
  }
};
