import type { Position } from '../store/position.js';
import type { EventMetadata } from './metadata.js';

/** A domain event: a discriminated union member with readonly data. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
}

/**
 * A domain event as read back from the log, decoded and upcast to the current
 * version of its type. `storedType` is the name it was written under (which may be an
 * older version than `type` now describes).
 */
export type RecordedEvent<E extends DomainEvent = DomainEvent> = E & {
  readonly stream: string;
  readonly revision: bigint;
  readonly position: Position;
  readonly storedType: string;
  readonly metadata: EventMetadata;
  /** When the store wrote it. */
  readonly created: Date;
};
