import type { ExpectedRevision } from './expected-revision.js';
import type { AllFilter } from './filter.js';
import type { Position } from './position.js';

/**
 * An event on its way into the store: bytes and a stored type name. The catalog
 * (`events/catalog`) turns domain events into these and back; stores never look inside.
 */
export interface ProposedEvent {
  /** A UUID. Retrying an append with the same ids and expectation is idempotent. */
  readonly id: string;
  /** The stored, versioned type name from the catalog's registry. */
  readonly type: string;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
}

/** An event as the store holds it. */
export interface StoredEvent {
  readonly stream: string;
  /** 0-based position of the event in its stream. */
  readonly revision: bigint;
  /** Position in the global log. */
  readonly position: Position;
  readonly id: string;
  readonly type: string;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
  /** When the store wrote it (store clock, not game time). */
  readonly created: Date;
}

export interface AppendOptions {
  readonly expectedRevision: ExpectedRevision;
}

export interface AppendResult {
  /** Revision of the last event now in the stream: the next append's expectation. */
  readonly nextExpectedRevision: bigint;
  /** Global position of the last appended event. */
  readonly position: Position;
}

export type Direction = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  /** Inclusive. Defaults to the start (forwards) or the end (backwards). */
  readonly from?: bigint | 'start' | 'end';
  readonly direction?: Direction;
  /** Defaults to no bound. */
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Inclusive. Defaults to the start (forwards) or the end (backwards). */
  readonly from?: Position | 'start' | 'end';
  readonly direction?: Direction;
  readonly maxCount?: number;
  readonly filter?: AllFilter;
}

export interface SubscribeAllOptions {
  /** Exclusive: the subscription delivers what comes after it. Defaults to the start. */
  readonly from?: Position | 'start' | 'end';
  readonly filter?: AllFilter;
  /**
   * Roughly how many scanned events pass between checkpoints (EventStoreDB rounds to
   * its window of 32 × multiplier). A checkpoint is a position a reader can resume from.
   */
  readonly checkpointInterval?: number;
}

export type SubscriptionMessage =
  | { readonly kind: 'event'; readonly event: StoredEvent }
  /** Everything up to and including `position` that matches the filter has been delivered. */
  | { readonly kind: 'checkpoint'; readonly position: Position }
  /** The catch-up phase reached the head of the log; live events follow. */
  | { readonly kind: 'caught_up' };

/**
 * Catch-up then live. Iterate it with `for await`; `close()` (or leaving the loop)
 * ends it cleanly. Delivery is at-least-once across restarts, in global order.
 */
export interface Subscription extends AsyncIterable<SubscriptionMessage> {
  close(): Promise<void>;
}

/**
 * The event-store port. Semantics follow EventStoreDB so that code tested on the
 * embedded stores behaves the same in production:
 * - `append` is atomic; a failed expectation throws `ConcurrencyError` and writes nothing;
 * - a missing stream reads as empty; a tombstoned one throws `StreamDeletedError`;
 * - events whose type starts with `$` never appear in `readAll` or `subscribeAll`.
 */
export interface EventStore {
  append(stream: string, events: readonly ProposedEvent[], options: AppendOptions): Promise<AppendResult>;
  read(stream: string, options?: ReadStreamOptions): AsyncIterable<StoredEvent>;
  readAll(options?: ReadAllOptions): AsyncIterable<StoredEvent>;
  subscribeAll(options?: SubscribeAllOptions): Subscription;
  /** Releases connections and file handles; the store is unusable afterwards. */
  close(): Promise<void>;
}
