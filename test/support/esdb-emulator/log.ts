import { randomUUID } from 'node:crypto';
import { checkCommit, type CommitCheck, type ExpectedVersion } from './commit-check.js';
import { FIRST_RECORD_OFFSET, comparePositions, recordLength, selfCommitted, type LogPosition } from './positions.js';

/** EventNumber.DeletedStream: the revision of a tombstone, and the last revision of a tombstoned stream. */
export const DELETED_STREAM = 2n ** 63n - 1n;

export interface ProposedRecord {
  /** Lower-case, hyphenated: how the server prints a Guid. */
  readonly id: string;
  readonly type: string;
  readonly isJson: boolean;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
}

export interface LogRecord extends ProposedRecord {
  readonly stream: string;
  readonly revision: bigint;
  /** .NET ticks (100 ns) since the Unix epoch. */
  readonly created: bigint;
  /** Offset where the record starts: its commit and its prepare position. */
  readonly offset: bigint;
  /** Offset where the next record starts. */
  readonly postOffset: bigint;
}

/** The outcome of a write. A revision of -1 means the stream has no events. */
export type WriteResult =
  | { readonly kind: 'success'; readonly revision: bigint; readonly position: LogPosition | undefined }
  | { readonly kind: 'wrong_expected_version'; readonly currentRevision: bigint }
  | { readonly kind: 'stream_deleted' };

export type StreamView =
  | { readonly kind: 'deleted' }
  | { readonly kind: 'not_found' }
  /** `first..last` are the revisions a reader may see: truncation hides those before `first`. */
  | { readonly kind: 'found'; readonly first: bigint; readonly last: bigint; readonly at: (revision: bigint) => LogRecord | undefined };

interface StreamState {
  readonly records: LogRecord[];
  tombstone: LogRecord | undefined;
  /** `$tb` from the stream's latest `$metadata`; DELETED_STREAM marks a soft delete. */
  truncateBefore: bigint | undefined;
}

const METADATA_TYPE = '$metadata';
const TOMBSTONE_TYPE = '$streamDeleted';
const TRUNCATE_BEFORE = /"\$tb"\s*:\s*(\d{1,19})\b/;

export const metastreamOf = (stream: string): string => `$$${stream}`;
const originalOfMetastream = (stream: string): string | undefined => (stream.startsWith('$$') ? stream.slice(2) : undefined);

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const ticksNow = (): bigint => BigInt(Date.now()) * 10_000n;

/**
 * The transaction log of one emulated node, in memory: every record in `$all` order,
 * the streams they belong to, and the event-id cache behind idempotent retries (a real
 * server loses that cache on restart; this one never restarts).
 */
export class EventLog {
  readonly #records: LogRecord[] = [];
  readonly #streams = new Map<string, StreamState>();
  readonly #committedIds = new Map<string, { readonly stream: string; readonly revision: bigint }>();
  readonly #boundaries = new Set<bigint>([0n, FIRST_RECORD_OFFSET]);
  readonly #waiters = new Set<() => void>();
  #writerOffset = FIRST_RECORD_OFFSET;

  /** Every event record, tombstones and system events included, in `$all` order. */
  get records(): readonly LogRecord[] {
    return this.#records;
  }

  /** The writer checkpoint: where the next record will start. */
  get endOffset(): bigint {
    return this.#writerOffset;
  }

  /** A reader may only start at a record boundary (or past the end): anything else is not a record. */
  isReadableFrom(commit: bigint): boolean {
    return commit >= this.#writerOffset || this.#boundaries.has(commit);
  }

  /** Index of the first record at or after `position`. */
  indexAtOrAfter(position: LogPosition): number {
    let low = 0;
    let high = this.#records.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const record = this.#records[middle] as LogRecord;
      if (comparePositions(selfCommitted(record.offset), position) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  lastRevision(stream: string): bigint {
    const state = this.#streams.get(stream);
    if (state === undefined) return -1n;
    if (state.tombstone !== undefined) return DELETED_STREAM;
    return BigInt(state.records.length) - 1n;
  }

  view(stream: string): StreamView {
    const state = this.#streams.get(stream);
    if (state?.tombstone !== undefined) return { kind: 'deleted' };
    if (state === undefined || state.records.length === 0 || state.truncateBefore === DELETED_STREAM) {
      return { kind: 'not_found' };
    }
    const { records } = state;
    const truncateBefore = state.truncateBefore ?? 0n;
    return {
      kind: 'found',
      first: truncateBefore,
      last: BigInt(records.length) - 1n,
      at: (revision) => (revision >= truncateBefore ? records[Number(revision)] : undefined),
    };
  }

  append(stream: string, expected: ExpectedVersion, events: readonly ProposedRecord[]): WriteResult {
    const check = this.#check(stream, expected, events.map((event) => event.id));
    if (check.decision !== 'ok') return this.#refusal(stream, check);
    const undeletesOriginal = this.#isSoftDeleted(originalOfMetastream(stream));
    let position: LogPosition;
    let revision = check.currentRevision;
    if (events.length === 0) {
      // The server still writes an empty prepare: it takes log space but is no event.
      position = selfCommitted(this.#advance(recordLength(stream, '', 0, 0)));
    } else {
      let last: LogRecord | undefined;
      for (const event of events) {
        revision += 1n;
        last = this.#write(stream, revision, event);
      }
      position = selfCommitted((last as LogRecord).offset);
    }
    // Writing to a soft-deleted stream, or to its metadata, recreates it: truncated before what comes next.
    if (check.softDeleted) this.#undelete(stream, check.currentRevision + 1n);
    const original = originalOfMetastream(stream);
    if (undeletesOriginal && original !== undefined) this.#undelete(original, this.lastRevision(original) + 1n);
    this.#notify();
    return { kind: 'success', revision, position };
  }

  /** Soft delete: the stream reads as missing until it is written again; revisions continue. */
  softDelete(stream: string, expected: ExpectedVersion): WriteResult {
    const check = this.#check(stream, expected, [randomUUID()]);
    if (check.decision !== 'ok') return this.#refusal(stream, check);
    if (this.lastRevision(stream) < 0n && this.lastRevision(metastreamOf(stream)) < 0n) {
      return { kind: 'wrong_expected_version', currentRevision: -1n };
    }
    // A soft delete replaces the stream's metadata: whatever else it said is gone.
    const record = this.#writeMetadata(stream, `{"$tb":${DELETED_STREAM.toString()}}`);
    this.#notify();
    return { kind: 'success', revision: record.revision, position: selfCommitted(record.offset) };
  }

  /** Hard delete: the stream can never be read or written again. */
  tombstone(stream: string, expected: ExpectedVersion): WriteResult {
    const check = this.#check(stream, expected, [randomUUID()]);
    if (check.decision !== 'ok') return this.#refusal(stream, check);
    const record = this.#write(stream, DELETED_STREAM, {
      id: randomUUID(),
      type: TOMBSTONE_TYPE,
      isJson: false,
      data: new Uint8Array(),
      metadata: new Uint8Array(),
    });
    this.#notify();
    return { kind: 'success', revision: record.revision, position: selfCommitted(record.offset) };
  }

  /** Appends a system event as the server itself would, e.g. at startup. */
  writeSystemEvent(stream: string, type: string, json: string): void {
    this.#write(stream, this.lastRevision(stream) + 1n, {
      id: randomUUID(),
      type,
      isJson: true,
      data: encoder.encode(json),
      metadata: new Uint8Array(),
    });
    this.#notify();
  }

  /** Resolves after the next write; rejects when `signal` aborts first. */
  nextWrite(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const abortError = (): Error => (signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      if (signal.aborted) {
        reject(abortError());
        return;
      }
      const onAbort = (): void => {
        this.#waiters.delete(wake);
        reject(abortError());
      };
      const wake = (): void => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      this.#waiters.add(wake);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  #check(stream: string, expected: ExpectedVersion, eventIds: readonly string[]): CommitCheck {
    const state = this.#streams.get(stream);
    return checkCommit(
      {
        name: stream,
        lastRevision: state === undefined ? -1n : BigInt(state.records.length) - 1n,
        tombstoned: state?.tombstone !== undefined,
        softDeleted: state?.truncateBefore === DELETED_STREAM,
        hasMetadata: this.lastRevision(metastreamOf(stream)) >= 0n,
        idAt: (revision) => state?.records[Number(revision)]?.id,
        committed: (id) => this.#committedIds.get(id),
      },
      expected,
      eventIds,
    );
  }

  #refusal(stream: string, check: Exclude<CommitCheck, { decision: 'ok' }>): WriteResult {
    switch (check.decision) {
      case 'deleted':
        return { kind: 'stream_deleted' };
      case 'wrong_expected_version':
        return { kind: 'wrong_expected_version', currentRevision: check.currentRevision };
      case 'idempotent': {
        // The original position, but only while that event can still be read: the server looks it up.
        const original = this.#readable(stream, check.lastRevision);
        return {
          kind: 'success',
          revision: check.lastRevision,
          position: original === undefined ? undefined : selfCommitted(original.offset),
        };
      }
    }
  }

  #readable(stream: string, revision: bigint): LogRecord | undefined {
    const view = this.view(stream);
    return view.kind === 'found' ? view.at(revision) : undefined;
  }

  #state(stream: string): StreamState {
    let state = this.#streams.get(stream);
    if (state === undefined) {
      state = { records: [], tombstone: undefined, truncateBefore: undefined };
      this.#streams.set(stream, state);
    }
    return state;
  }

  #advance(length: bigint): bigint {
    const offset = this.#writerOffset;
    this.#writerOffset += length;
    this.#boundaries.add(this.#writerOffset);
    return offset;
  }

  #write(stream: string, revision: bigint, event: ProposedRecord): LogRecord {
    const offset = this.#advance(recordLength(stream, event.type, event.data.length, event.metadata.length));
    const record: LogRecord = { ...event, stream, revision, created: ticksNow(), offset, postOffset: this.#writerOffset };
    this.#records.push(record);
    const state = this.#state(stream);
    if (revision === DELETED_STREAM) state.tombstone = record;
    else state.records.push(record);
    this.#committedIds.set(event.id, { stream, revision });
    const original = originalOfMetastream(stream);
    if (original !== undefined && event.type === METADATA_TYPE) {
      const match = TRUNCATE_BEFORE.exec(decoder.decode(event.data));
      this.#state(original).truncateBefore = match?.[1] === undefined ? undefined : BigInt(match[1]);
    }
    return record;
  }

  #isSoftDeleted(stream: string | undefined): boolean {
    return stream !== undefined && this.#streams.get(stream)?.truncateBefore === DELETED_STREAM;
  }

  /** Keeps the stream's other metadata and moves `$tb`; metadata the server cannot parse stays as it is. */
  #undelete(stream: string, truncateBefore: bigint): void {
    const previous = this.#streams.get(metastreamOf(stream))?.records.at(-1);
    let settings: unknown;
    try {
      settings = previous === undefined ? {} : JSON.parse(decoder.decode(previous.data));
    } catch {
      return;
    }
    if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) return;
    // `$tb` can exceed what a JS number holds, so it is spliced in as digits.
    const json = JSON.stringify({ ...settings, $tb: 0 }).replace('"$tb":0', `"$tb":${truncateBefore.toString()}`);
    this.#writeMetadata(stream, json);
  }

  #writeMetadata(stream: string, json: string): LogRecord {
    const metastream = metastreamOf(stream);
    return this.#write(metastream, this.lastRevision(metastream) + 1n, {
      id: randomUUID(),
      type: METADATA_TYPE,
      isJson: true,
      data: encoder.encode(json),
      metadata: new Uint8Array(),
    });
  }

  #notify(): void {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
  }
}
