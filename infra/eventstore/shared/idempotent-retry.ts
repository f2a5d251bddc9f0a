import type { AppendResult, ExpectedRevision, ProposedEvent, StoredEvent } from '../../../events/store/index.js';

/**
 * EventStoreDB treats an append whose event ids are already in the stream, at the
 * place the expectation points to, as a retry of that append: it succeeds and writes
 * nothing. A partial match is a conflict. Embedded stores share this rule.
 *
 * Returns the original result for a retry, `'conflict'` for ids written elsewhere in
 * the stream, and `undefined` when the first id is new (an ordinary append).
 */
export const findIdempotentRetry = (
  events: readonly ProposedEvent[],
  expected: ExpectedRevision,
  lookup: (id: string) => Pick<StoredEvent, 'stream' | 'revision' | 'position'> | undefined,
  stream: string,
): AppendResult | 'conflict' | undefined => {
  const firstEvent = events[0];
  if (firstEvent === undefined) return undefined;
  const first = lookup(firstEvent.id);
  if (first === undefined || first.stream !== stream) return undefined;

  const expectationHolds =
    typeof expected === 'bigint' ? first.revision === expected + 1n
    : expected === 'no_stream' ? first.revision === 0n
    : true;
  if (!expectationHolds) return 'conflict';

  let last = first;
  for (let offset = 1; offset < events.length; offset += 1) {
    const id = (events[offset] as ProposedEvent).id;
    const found = lookup(id);
    if (found === undefined || found.stream !== stream || found.revision !== first.revision + BigInt(offset)) {
      return 'conflict';
    }
    last = found;
  }
  return { nextExpectedRevision: last.revision, position: last.position };
};
