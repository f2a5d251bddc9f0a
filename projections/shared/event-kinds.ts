import type { RecordedEvent } from '../../events/catalog/index.js';
import type { WorldEvent } from '../../events/world.js';

/**
 * A type guard for one actor's events, from a table keyed by every one of its event
 * types (so a new event type is a compile error until the table has it).
 */
export const eventKinds = <E extends WorldEvent>(types: { readonly [Type in E['type']]: unknown }) => {
  const names = new Set<string>(Object.keys(types));
  return (event: RecordedEvent<WorldEvent>): event is RecordedEvent<WorldEvent> & E => names.has(event.type);
};
