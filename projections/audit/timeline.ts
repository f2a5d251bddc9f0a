import type { DomainEvent, RecordedEvent } from '../../events/catalog/index.js';
import type { Position } from '../../events/store/position.js';
import { isPast, type LogPoint } from './points.js';

/**
 * One actor at a point of its stream: its state, folded with the actor's own decider
 * (`evolve` from actors/<category>), and the timeline of the events that made it, each
 * with the command, the issuer and the correlation and causation that caused it.
 */

export interface TimelineEntry {
  readonly revision: bigint;
  readonly position: Position;
  /** When the store wrote it. */
  readonly created: Date;
  /** Game time: when the host received the command. */
  readonly occurredAt: Date;
  readonly type: string;
  readonly storedType: string;
  readonly commandId: string | undefined;
  readonly issuer: string | undefined;
  readonly correlationId: string;
  readonly causationId: string | undefined;
  readonly data: unknown;
}

export const timelineEntry = (event: RecordedEvent): TimelineEntry => ({
  revision: event.revision,
  position: event.position,
  created: event.created,
  occurredAt: event.metadata.occurredAt,
  type: event.type,
  storedType: event.storedType,
  commandId: event.metadata.commandId,
  issuer: event.metadata.issuer,
  correlationId: event.metadata.correlationId,
  causationId: event.metadata.causationId,
  data: event.data,
});

/** An actor's decider, with its types erased (actors/runtime ActorType has this shape). */
export interface Evolver {
  initialState(): unknown;
  evolve(state: unknown, event: DomainEvent): unknown;
}

export interface ActorAtPoint {
  readonly state: unknown;
  /** The revision of the last event folded; undefined when none was. */
  readonly revision: bigint | undefined;
  readonly timeline: readonly TimelineEntry[];
  /** Events of the stream past the point (read up to the first one only: true or false). */
  readonly morePast: boolean;
}

/** Folds a stream's events, in revision order, up to `point`. */
export const actorAtPoint = async (
  events: AsyncIterable<RecordedEvent> | Iterable<RecordedEvent>,
  evolver: Evolver,
  point: LogPoint,
): Promise<ActorAtPoint> => {
  let state = evolver.initialState();
  let revision: bigint | undefined;
  const timeline: TimelineEntry[] = [];
  for await (const event of events) {
    if (isPast(event, point)) return { state, revision, timeline, morePast: true };
    state = evolver.evolve(state, event);
    revision = event.revision;
    timeline.push(timelineEntry(event));
  }
  return { state, revision, timeline, morePast: false };
};
