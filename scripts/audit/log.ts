import type { RecordedEvent } from '../../events/catalog/index.js';
import type { EventStore } from '../../events/store/index.js';
import { worldCodec, type WorldEvent } from '../../events/world.js';

/** The world's events of the whole log, decoded, in global order; other applications' events are passed over. */
export const worldLog = async function* (store: EventStore): AsyncGenerator<RecordedEvent<WorldEvent>> {
  for await (const stored of store.readAll()) {
    const event = worldCodec.tryDecode(stored);
    if (event !== undefined) yield event;
  }
};

/** One stream's events, decoded, in revision order. */
export const streamEvents = async function* (store: EventStore, stream: string): AsyncGenerator<RecordedEvent<WorldEvent>> {
  for await (const stored of store.read(stream)) {
    const event = worldCodec.tryDecode(stored);
    if (event !== undefined) yield event;
  }
};

export const readStream = async (store: EventStore, stream: string): Promise<RecordedEvent<WorldEvent>[]> => {
  const events: RecordedEvent<WorldEvent>[] = [];
  for await (const event of streamEvents(store, stream)) events.push(event);
  return events;
};
