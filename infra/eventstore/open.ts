import type { EventStore } from '../../events/store/index.js';
import type { Config } from '../config.js';
import { createEsdbEventStore } from './esdb/index.js';
import { openSqliteEventStore } from './sqlite/index.js';

export type EventStoreConfig = Config['eventStore'];

export const openEventStore = async (config: EventStoreConfig): Promise<EventStore> => {
  switch (config.kind) {
    case 'esdb':
      return createEsdbEventStore({ connectionString: config.connectionString });
    case 'sqlite':
      return openSqliteEventStore({ path: config.path, synchronous: config.synchronous });
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
