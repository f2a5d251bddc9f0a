/**
 * What a writer believes about a stream before it appends, exactly as EventStoreDB
 * understands it. A bigint is the 0-based revision of the stream's last event.
 */
export type ExpectedRevision = 'no_stream' | 'stream_exists' | 'any' | bigint;

/** What the stream actually held when an expectation failed. */
export type ActualRevision = 'no_stream' | bigint;

export const describeRevision = (revision: ExpectedRevision | ActualRevision): string =>
  typeof revision === 'bigint' ? revision.toString() : revision;

/**
 * Whether a stream whose last revision is `actual` satisfies `expected`.
 * A soft-deleted stream counts as `no_stream` for the caller.
 */
export const satisfiesExpectedRevision = (
  expected: ExpectedRevision,
  actual: ActualRevision,
): boolean => {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return actual === 'no_stream';
    case 'stream_exists':
      return actual !== 'no_stream';
    default:
      return actual === expected;
  }
};
