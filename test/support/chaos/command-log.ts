import { SNAPSHOT_STREAM_PREFIX } from '../../../actors/runtime/snapshots.js';
import type { EventStore } from '../../../events/store/index.js';
import { worldCodec } from '../../../events/world.js';
import { loggedEventOf, type LoggedEvent } from './jepsen.js';

/**
 * The log's events as the Jepsen classification reads them: every world event (snapshots
 * aside) whose metadata names a command the scenario cares about (`keep`), for instance
 * its own commandId prefix, so the trade queue's own steps are not taken for unexpected.
 */
export const readCommandLog = async (store: EventStore, keep: (commandId: string) => boolean = () => true): Promise<LoggedEvent[]> => {
  const events: LoggedEvent[] = [];
  for await (const stored of store.readAll()) {
    if (stored.stream.startsWith(SNAPSHOT_STREAM_PREFIX)) continue;
    const logged = loggedEventOf(worldCodec.decode(stored).metadata);
    if (logged.commandId !== undefined && keep(logged.commandId)) events.push(logged);
  }
  return events;
};
