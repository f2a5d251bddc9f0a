/** What a writer expects of a stream, as the Streams service receives it. */
export type ExpectedVersion = 'any' | 'no_stream' | 'stream_exists' | bigint;

/** The server's int64 encoding of an expectation, as it reports it in error trailers. */
export const expectedVersionAsInt64 = (expected: ExpectedVersion): bigint => {
  switch (expected) {
    case 'any':
      return -2n;
    case 'no_stream':
      return -1n;
    case 'stream_exists':
      return -4n;
    default:
      return expected;
  }
};

/** What the check needs to know about the stream being written. */
export interface StreamFacts {
  readonly name: string;
  /** -1 when the stream has no events. */
  readonly lastRevision: bigint;
  readonly tombstoned: boolean;
  /** Its metadata truncates before DeletedStream: reads see nothing until it is written again. */
  readonly softDeleted: boolean;
  /** Metadata alone is enough for `stream_exists`. */
  readonly hasMetadata: boolean;
  /** The id of the event at `revision`, whatever truncation hides from readers. */
  idAt(revision: bigint): string | undefined;
  /** Where an event id was last written: the server's cache of committed ids. */
  committed(id: string): { readonly stream: string; readonly revision: bigint } | undefined;
}

export type CommitCheck =
  | { readonly decision: 'ok'; readonly currentRevision: bigint; readonly softDeleted: boolean }
  | { readonly decision: 'wrong_expected_version'; readonly currentRevision: bigint }
  | { readonly decision: 'deleted' }
  /** A retry of writes already made: nothing is written, the reply names the last of them. */
  | { readonly decision: 'idempotent'; readonly lastRevision: bigint };

/**
 * The server's commit check (IndexWriter.CheckCommit), which decides a write and its
 * idempotent retries alike. A partial retry is a wrong expected version, as the server
 * reports a corrupted idempotency.
 */
export const checkCommit = (stream: StreamFacts, expected: ExpectedVersion, eventIds: readonly string[]): CommitCheck => {
  if (stream.tombstoned) return { decision: 'deleted' };
  const current = stream.lastRevision;
  const { softDeleted } = stream;
  const ok = { decision: 'ok', currentRevision: current, softDeleted } as const;
  const wrong = { decision: 'wrong_expected_version', currentRevision: current } as const;

  if (expected === 'stream_exists') {
    if (softDeleted) return { decision: 'deleted' };
    if (current < 0n && !stream.hasMetadata) return wrong;
  }

  if (expected === 'any' || expected === 'stream_exists') {
    // Only the id cache decides: an unknown first id is a new write, an unknown later one a partial retry.
    let last: bigint | undefined;
    for (const id of eventIds) {
      const committed = stream.committed(id);
      if (committed === undefined || committed.stream !== stream.name) return last === undefined ? ok : wrong;
      last = committed.revision;
    }
    return last === undefined ? ok : { decision: 'idempotent', lastRevision: last };
  }

  const expectedRevision = expected === 'no_stream' ? -1n : expected;
  if (expectedRevision < current) {
    // A stale expectation is a retry only if the ids match what followed it, one for one.
    let revision = expectedRevision;
    for (const id of eventIds) {
      revision += 1n;
      if (stream.idAt(revision) === id) continue;
      if (revision !== expectedRevision + 1n) return wrong;
      // Writing to a soft-deleted stream as a new one recreates it.
      return expected === 'no_stream' && softDeleted ? ok : wrong;
    }
    return revision === expectedRevision ? wrong : { decision: 'idempotent', lastRevision: revision };
  }
  return expectedRevision > current ? wrong : ok;
};
