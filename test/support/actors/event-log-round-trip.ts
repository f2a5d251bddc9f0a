import type { DomainEvent, EventCodec, RecordedEvent } from '../../../events/catalog/index.js';
import type { ProposedEvent } from '../../../events/store/index.js';

const METADATA = { eventId: '8d3c8c61-5a8e-4f5e-9d5b-0e2f5a3c1b7a', correlationId: 'c1', occurredAt: new Date(0) };

/**
 * One event through the log as an actor's codec writes and reads it: encoded, stored at
 * `revision` of `stream`, decoded. Returns both sides, for a spec to compare.
 */
export const throughTheLog = <E extends DomainEvent>(
  codec: EventCodec<E>,
  stream: string,
  event: E,
  revision: number,
): { readonly proposed: ProposedEvent; readonly recorded: RecordedEvent<E> } => {
  const proposed = codec.encode(event, METADATA);
  const recorded = codec.decode({
    stream,
    revision: BigInt(revision),
    position: { commit: 1n, prepare: 1n },
    id: proposed.id,
    type: proposed.type,
    data: proposed.data,
    metadata: proposed.metadata,
    created: new Date(0),
  });
  return { proposed, recorded };
};
