import { StoreRequestError } from './errors.js';

/**
 * The one rule for stream names: `<category>-<id>`, as EventStoreDB's category
 * projection expects. Ids are the subject-safe ids of the command protocol.
 */
export const STREAM_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const CATEGORY_PATTERN = /^[a-z][a-z0-9]{0,31}$/;

export const streamName = (category: string, id: string): string => {
  if (!CATEGORY_PATTERN.test(category)) {
    throw new StoreRequestError(`invalid stream category ${JSON.stringify(category)}`);
  }
  if (!STREAM_ID_PATTERN.test(id)) {
    throw new StoreRequestError(`invalid stream id ${JSON.stringify(id)}: expected [A-Za-z0-9_-]{1,64}`);
  }
  return `${category}-${id}`;
};

/** Splits at the first dash, as EventStoreDB's `$by_category` does. */
export const parseStreamName = (stream: string): { category: string; id: string } | undefined => {
  const dash = stream.indexOf('-');
  if (dash <= 0 || dash === stream.length - 1) return undefined;
  return { category: stream.slice(0, dash), id: stream.slice(dash + 1) };
};
