import type { EventStoreDBClient } from '@eventstore/db-client';
import {
  ConcurrencyError,
  satisfiesExpectedRevision,
  type AppendOptions,
  type AppendResult,
  type Position,
  type ProposedEvent,
  type StoredEvent,
} from '../../../events/store/index.js';
import { validateAppend } from '../shared/validate.js';
import { toStoreError } from './errors.js';
import type { Lifecycle } from './lifecycle.js';
import { toClientExpectedRevision, toEventData } from './mapping.js';
import { headOfLog, readStreamEvents } from './read.js';

export const appendEvents = async (
  client: EventStoreDBClient,
  lifecycle: Lifecycle,
  stream: string,
  events: readonly ProposedEvent[],
  { expectedRevision }: AppendOptions,
): Promise<AppendResult> => {
  lifecycle.ensureOpen();
  // The same checks as the embedded stores, so every adapter refuses the same requests
  // (and before the server sees them: the client does not validate ids).
  validateAppend(stream, events);
  if (events.length === 0) return checkWithoutWriting(client, lifecycle, stream, expectedRevision);

  const context = { operation: 'append to', stream, expected: expectedRevision };
  let result;
  try {
    result = await client.appendToStream(stream, events.map(toEventData), {
      expectedRevision: toClientExpectedRevision(expectedRevision),
    });
  } catch (error) {
    throw toStoreError(error, context);
  }
  if (!result.success) {
    // Only with throwOnAppendFailure=false, which the factory refuses; and on the
    // BatchAppend path the revision the client returns then is wrong, so ask the stream.
    const last = await lastEventOf(client, lifecycle, stream);
    throw new ConcurrencyError(stream, expectedRevision, last?.revision ?? 'no_stream');
  }
  // A retried append (same ids) is acknowledged without a position by real servers.
  const position =
    result.position ?? (await positionAt(client, lifecycle, stream, result.nextExpectedRevision));
  return { nextExpectedRevision: result.nextExpectedRevision, position };
};

const lastEventOf = async (
  client: EventStoreDBClient,
  lifecycle: Lifecycle,
  stream: string,
): Promise<StoredEvent | undefined> => {
  for await (const event of readStreamEvents(client, lifecycle, stream, { direction: 'backwards', maxCount: 1 })) {
    return event;
  }
  return undefined;
};

const positionAt = async (
  client: EventStoreDBClient,
  lifecycle: Lifecycle,
  stream: string,
  revision: bigint,
): Promise<Position> => {
  for await (const event of readStreamEvents(client, lifecycle, stream, { from: revision, maxCount: 1 })) {
    if (event.revision === revision) return event.position;
  }
  // Gone already (truncated or deleted): the append did succeed, so failing it would
  // only make the caller retry. The head of the log is an upper bound of its position.
  return headOfLog(client, lifecycle);
};

/**
 * An append of nothing checks the expectation and writes nothing, as on the embedded
 * stores. The client cannot express it faithfully: for a missing stream it would
 * report revision 0, so the adapter reads the stream's last event instead.
 */
const checkWithoutWriting = async (
  client: EventStoreDBClient,
  lifecycle: Lifecycle,
  stream: string,
  expectedRevision: AppendOptions['expectedRevision'],
): Promise<AppendResult> => {
  const last = await lastEventOf(client, lifecycle, stream);
  const actual = last?.revision ?? 'no_stream';
  if (!satisfiesExpectedRevision(expectedRevision, actual)) {
    throw new ConcurrencyError(stream, expectedRevision, actual);
  }
  if (last !== undefined) return { nextExpectedRevision: last.revision, position: last.position };
  return { nextExpectedRevision: -1n, position: await headOfLog(client, lifecycle) };
};
