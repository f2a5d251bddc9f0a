import { StoreRequestError, type ProposedEvent } from '../../../events/store/index.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_STREAM_NAME_LENGTH = 256;

/** Rejects what EventStoreDB would reject, so embedded stores fail the same way. */
export const validateAppend = (stream: string, events: readonly ProposedEvent[]): void => {
  if (stream.length === 0 || stream.length > MAX_STREAM_NAME_LENGTH) {
    throw new StoreRequestError(`stream name must have 1 to ${MAX_STREAM_NAME_LENGTH} characters`);
  }
  if (stream.startsWith('$')) throw new StoreRequestError(`stream ${stream}: names starting with $ are reserved`);
  // Most appends carry one event: no set of ids for those.
  const ids = events.length > 1 ? new Set<string>() : undefined;
  for (const event of events) {
    if (!UUID.test(event.id)) throw new StoreRequestError(`event id ${JSON.stringify(event.id)} is not a UUID`);
    if (ids?.has(event.id) === true) throw new StoreRequestError(`event id ${event.id} appears twice in one append`);
    ids?.add(event.id);
    if (event.type.length === 0 || event.type.startsWith('$')) {
      throw new StoreRequestError(`event type ${JSON.stringify(event.type)}: must be non-empty and not start with $`);
    }
  }
};

export const validateMaxCount = (maxCount: number | undefined): number => {
  if (maxCount === undefined) return Number.POSITIVE_INFINITY;
  if (!Number.isSafeInteger(maxCount) || maxCount < 0) {
    throw new StoreRequestError(`maxCount must be a non-negative integer, got ${String(maxCount)}`);
  }
  return maxCount;
};
