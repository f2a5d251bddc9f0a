import type { RecordedEvent } from '../../events/catalog/index.js';
import type { WorldEvent } from '../../events/world.js';

/** 2026-11-24T21:04:00Z: the decider specifications' NOW. */
export const LOG_START = Date.UTC(2026, 10, 24, 21, 4);

/**
 * A log written by hand as RecordedEvent objects, as a projection reads them from
 * `$all`: revisions per stream, positions in append order, game time in the metadata.
 */
export interface RecordedLog {
  readonly events: RecordedEvent<WorldEvent>[];
  /** Appends `event` to `stream` at `at` (epoch ms; default: one second after the previous event). */
  record(stream: string, event: WorldEvent, at?: number): RecordedEvent<WorldEvent>;
  /** The time of the last event recorded (LOG_START before the first). */
  now(): number;
}

export const recordedLog = (start = LOG_START): RecordedLog => {
  const events: RecordedEvent<WorldEvent>[] = [];
  const revisions = new Map<string, bigint>();
  let sequence = 0n;
  let clock = start;
  return {
    events,
    now: () => clock,
    record: (stream, event, at = events.length === 0 ? start : clock + 1_000) => {
      clock = at;
      const revision = revisions.get(stream) ?? 0n;
      revisions.set(stream, revision + 1n);
      const occurredAt = new Date(at);
      const recorded: RecordedEvent<WorldEvent> = {
        ...event,
        stream,
        revision,
        position: { commit: sequence, prepare: sequence },
        storedType: `${event.type}.v1`,
        metadata: { eventId: `e-${sequence.toString()}`, commandId: `c-${sequence.toString()}`, correlationId: `c-${sequence.toString()}`, occurredAt },
        created: occurredAt,
      };
      sequence += 1n;
      events.push(recorded);
      return recorded;
    },
  };
};
