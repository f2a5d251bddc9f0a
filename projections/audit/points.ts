import type { RecordedEvent } from '../../events/catalog/index.js';
import { comparePositions, formatPosition, type Position } from '../../events/store/position.js';

/**
 * A point of the log to read a state at. Every point is a prefix of the log (or of one
 * stream) in its own order: the state at a point is what the events up to and including
 * it make, and reading stops at the first event past it.
 *
 * - `revision`: the stream's revision (one actor only);
 * - `position`: the global position (`C/P`), the event at it included;
 * - `time`: the store's clock (`created`, when the event became part of the log), so an
 *   answer given at 21:04 is in the state at 21:04. Game time (`occurredAt`, when the host
 *   received the command) is shown in timelines but not used to cut the log: commands
 *   received in one order may be appended in another.
 */
export type LogPoint =
  | { readonly kind: 'end' }
  | { readonly kind: 'revision'; readonly revision: bigint }
  | { readonly kind: 'position'; readonly position: Position }
  | { readonly kind: 'time'; readonly time: Date };

type Placed = Pick<RecordedEvent, 'revision' | 'position' | 'created'>;

/** Whether `event` lies past `point`. */
export const isPast = (event: Placed, point: LogPoint): boolean => {
  switch (point.kind) {
    case 'end':
      return false;
    case 'revision':
      return event.revision > point.revision;
    case 'position':
      return comparePositions(event.position, point.position) > 0;
    case 'time':
      return event.created.getTime() > point.time.getTime();
  }
};

export const describePoint = (point: LogPoint): string => {
  switch (point.kind) {
    case 'end':
      return 'the end of the log';
    case 'revision':
      return `revision ${point.revision.toString()}`;
    case 'position':
      return `position ${formatPosition(point.position)}`;
    case 'time':
      return point.time.toISOString();
  }
};

/** The events of `source` up to `point`; stops reading at the first one past it. */
export const upTo = async function* <E extends Placed>(source: AsyncIterable<E> | Iterable<E>, point: LogPoint): AsyncGenerator<E> {
  for await (const event of source) {
    if (isPast(event, point)) return;
    yield event;
  }
};
