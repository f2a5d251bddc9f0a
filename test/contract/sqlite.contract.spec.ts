import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventStore } from '../../infra/eventstore/sqlite/index.js';
import { describeEventStoreContract } from './event-store.contract.js';

// Group commit changes how appends reach the disk, never what they mean: both modes pass.
for (const groupCommit of [true, false]) {
  describeEventStoreContract(`sqlite (group commit ${groupCommit ? 'on' : 'off'})`, async () => {
    const folder = await mkdtemp(join(tmpdir(), 'shardkeep-sqlite-contract-'));
    const store = openSqliteEventStore({ path: join(folder, 'events.db'), groupCommit });
    return {
      store,
      dispose: async () => {
        await store.close();
        await rm(folder, { recursive: true, force: true });
      },
    };
  });
}
