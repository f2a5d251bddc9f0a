import type { RecordedEvent } from '../../events/catalog/index.js';
import type { StoredEvent } from '../../events/store/index.js';
import { worldCodec, type WorldEvent } from '../../events/world.js';

export interface DecodedBatch {
  readonly events: readonly RecordedEvent<WorldEvent>[];
  /** Events passed over: outside the catalog, or failing to decode. */
  readonly skipped: number;
}

/**
 * Decodes a batch with the world's catalog. An event that cannot be decoded is passed over,
 * never retried: it would fail the same way forever and stall every projection behind it.
 * The checkpoint still moves past it; `onUndecodable` reports those that should have decoded.
 */
export const decodeBatch = (
  stored: readonly StoredEvent[],
  onUndecodable: (error: unknown, event: StoredEvent) => void,
): DecodedBatch => {
  const events: RecordedEvent<WorldEvent>[] = [];
  let skipped = 0;
  for (const event of stored) {
    let decoded: RecordedEvent<WorldEvent> | undefined;
    try {
      decoded = worldCodec.tryDecode(event);
    } catch (error) {
      onUndecodable(error, event);
    }
    if (decoded === undefined) skipped += 1;
    else events.push(decoded);
  }
  return { events, skipped };
};
