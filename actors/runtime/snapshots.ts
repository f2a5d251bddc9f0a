import { Packr } from 'msgpackr';
import { randomUUID } from 'node:crypto';
import type { EventStore } from '../../events/store/index.js';
import type { AppliedCommand } from './applied-commands.js';

/** A state as of a stream revision, with the window of applied commands at that point. */
export interface Snapshot {
  /** The state's schema version (see `SnapshotCodec.version`). */
  readonly version: number;
  readonly revision: bigint;
  readonly state: unknown;
  readonly applied: readonly [string, AppliedCommand][];
}

/** The snapshot port: the latest snapshot of a stream, or none. */
export interface SnapshotStore {
  load(stream: string): Promise<Snapshot | undefined>;
  save(stream: string, snapshot: Snapshot): Promise<void>;
}

const packr = new Packr({ useRecords: false, mapsAsObjects: true });
const SNAPSHOT_TYPE = 'Snapshot.v1';

interface SnapshotPayload {
  readonly version: number;
  readonly revision: string;
  readonly state: unknown;
  readonly applied: readonly [string, string, readonly string[]][];
}

const isString = (value: unknown): value is string => typeof value === 'string';
// Revisions are written as decimal strings (bigint): 0 or a positive number, nothing else.
const REVISION = /^(0|[1-9][0-9]{0,18})$/;
const isRevision = (value: unknown): value is string => typeof value === 'string' && REVISION.test(value);

const isAppliedEntry = (value: unknown): value is SnapshotPayload['applied'][number] =>
  Array.isArray(value) && value.length === 3 && isString(value[0]) && isRevision(value[1]) &&
  Array.isArray(value[2]) && (value[2] as unknown[]).every(isString);

const isPayload = (value: unknown): value is SnapshotPayload =>
  typeof value === 'object' && value !== null &&
  Number.isSafeInteger((value as SnapshotPayload).version) &&
  isRevision((value as SnapshotPayload).revision) &&
  Array.isArray((value as SnapshotPayload).applied) &&
  (value as SnapshotPayload).applied.every(isAppliedEntry);

/**
 * The snapshot in a stored snapshot event, or `undefined` when the bytes are not one: never
 * throws. Every applied command is checked too (an id, a revision, a list of event types):
 * the host answers retries from them, so a malformed entry must not survive into a reply.
 * The state is left to the actor's own codec, which validates it against its version.
 */
export const decodeSnapshot = (bytes: Uint8Array): Snapshot | undefined => {
  let payload: unknown;
  try {
    payload = packr.unpack(bytes);
  } catch {
    return undefined;
  }
  if (!isPayload(payload)) return undefined;
  return {
    version: payload.version,
    revision: BigInt(payload.revision),
    state: payload.state,
    applied: payload.applied.map(([id, revision, events]) => [id, { revision: BigInt(revision), events }]),
  };
};

/**
 * Snapshots kept in the event store itself, in a stream of their own per actor
 * (`snapshot-<stream>`), so every store the system runs on holds them with no other
 * dependency. Readers of `$all` skip the `snapshot-` prefix. Only the last event of a
 * snapshot stream matters; a corrupt or unreadable one counts as no snapshot.
 */
export const createEventStoreSnapshots = (store: EventStore): SnapshotStore => ({
  load: async (stream) => {
    for await (const event of store.read(`snapshot-${stream}`, { direction: 'backwards', maxCount: 1 })) return decodeSnapshot(event.data);
    return undefined;
  },
  save: async (stream, snapshot) => {
    const payload: SnapshotPayload = {
      version: snapshot.version,
      revision: snapshot.revision.toString(),
      state: snapshot.state,
      applied: snapshot.applied.map(([id, applied]) => [id, applied.revision.toString(), applied.events]),
    };
    await store.append(
      `snapshot-${stream}`,
      [{ id: randomUUID(), type: SNAPSHOT_TYPE, data: packr.pack(payload), metadata: new Uint8Array() }],
      { expectedRevision: 'any' },
    );
  },
});

/** Streams that hold snapshots, for readers of `$all` to skip. */
export const SNAPSHOT_STREAM_PREFIX = 'snapshot-';
