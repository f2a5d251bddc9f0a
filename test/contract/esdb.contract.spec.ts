import { describe } from 'vitest';
import { createEsdbEventStore } from '../../infra/eventstore/esdb/index.js';
import { startEsdbEmulator } from '../support/esdb-emulator/index.js';
import { describeEventStoreContract } from './event-store.contract.js';

/*
 * The EventStoreDB adapter against the wire-compatible emulator, once per append path
 * the client can take, and against a real server when ESDB_URL names one. Results on
 * the emulator are results on a protocol stand-in, not on EventStoreDB itself.
 */
for (const batchAppend of [true, false]) {
  describeEventStoreContract(`esdb emulator, ${batchAppend ? 'BatchAppend advertised' : 'Append only'}`, async () => {
    const emulator = await startEsdbEmulator({ batchAppend });
    const store = createEsdbEventStore({ connectionString: emulator.connectionString });
    return {
      store,
      dispose: async () => {
        await store.close();
        await emulator.stop();
      },
    };
  });
}

const url = process.env['ESDB_URL'];
if (url === undefined || url === '') {
  console.info('esdb contract: the real-server block is skipped because ESDB_URL is not set (e.g. esdb://localhost:2113?tls=false)');
}

// The only skip in the suite: no server named, nothing to test against. The store is
// shared between tests; the contract gives every test its own stream prefix.
describe.skipIf(url === undefined || url === '')('real EventStoreDB (ESDB_URL)', () => {
  describeEventStoreContract('esdb server', async () => {
    const store = createEsdbEventStore({ connectionString: url ?? '' });
    return { store, dispose: () => store.close() };
  });
});
