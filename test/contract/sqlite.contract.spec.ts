import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventStore } from '../../infra/eventstore/sqlite/index.js';
import { describeEventStoreContract } from './event-store.contract.js';

describeEventStoreContract('sqlite', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'shardkeep-sqlite-contract-'));
  const store = openSqliteEventStore({ path: join(folder, 'events.db') });
  return {
    store,
    dispose: async () => {
      await store.close();
      await rm(folder, { recursive: true, force: true });
    },
  };
});
