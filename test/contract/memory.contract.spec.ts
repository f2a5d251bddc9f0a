import { createMemoryEventStore } from '../../infra/eventstore/memory/memory-event-store.js';
import { describeEventStoreContract } from './event-store.contract.js';

describeEventStoreContract('memory', async () => {
  const store = createMemoryEventStore();
  return { store, dispose: () => store.close() };
});
