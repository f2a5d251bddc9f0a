import { expect } from 'vitest';
import type { RecordedEvent } from '../../events/catalog/index.js';
import type { WorldEvent } from '../../events/world.js';
import type { Notification, ProjectedBatch, Projection } from '../../projections/runner/projection.js';
import { unpack } from '../../projections/shared/msgpack.js';
import { CacheModel } from './cache-model.js';

/** Projects one batch as the runner does: reads, a view of exactly those keys, project, apply. */
export const projectBatch = (projection: Projection, model: CacheModel, events: readonly RecordedEvent<WorldEvent>[]): ProjectedBatch => {
  const batch = projection.project(events, model.view(projection.reads(events)));
  model.apply(batch.writes);
  return batch;
};

/** Projects `events` cut into batches before each index in `cuts`; every notification, in order. */
export const projectInBatches = (
  projection: Projection,
  model: CacheModel,
  events: readonly RecordedEvent<WorldEvent>[],
  cutBefore: (index: number) => boolean,
): Notification[] => {
  const notifications: Notification[] = [];
  let batch: RecordedEvent<WorldEvent>[] = [];
  const flush = (): void => {
    if (batch.length > 0) notifications.push(...projectBatch(projection, model, batch).notifications);
    batch = [];
  };
  events.forEach((event, index) => {
    if (index > 0 && cutBefore(index)) flush();
    batch.push(event);
  });
  flush();
  return notifications;
};

export interface DecodedNotification {
  readonly subject: string;
  readonly payload: unknown;
}

export const decodeNotifications = (notifications: readonly Notification[]): DecodedNotification[] =>
  notifications.map(({ subject, payload }) => ({ subject, payload: unpack(payload) }));

/**
 * Given events (each projected as its own batch), when a batch, then keys and
 * notifications: the shape every projection specification takes.
 *
 *   projectionSpec(sessions).given([started]).when([touched]).then({ keys: { 'session:p1': … } })
 */
export const projectionSpec = (projection: Projection) => ({
  given: (history: readonly RecordedEvent<WorldEvent>[]) => {
    const model = new CacheModel();
    for (const event of history) projectBatch(projection, model, [event]);
    return {
      model,
      when: (events: readonly RecordedEvent<WorldEvent>[]) => {
        const batch = projectBatch(projection, model, events);
        return {
          batch,
          model,
          /**
           * `keys`: each listed key as it stands after the batch, msgpack decoded (`undefined`: absent;
           * a hash as an object of its fields); `notifications`: everything published, decoded, in order.
           */
          then: (expected: { readonly keys?: Readonly<Record<string, unknown>>; readonly notifications?: readonly DecodedNotification[] }): void => {
            const keyspace = model.keyspace();
            for (const [key, value] of Object.entries(expected.keys ?? {})) {
              const entry = keyspace[key];
              const actual = entry === undefined ? undefined : entry.type === 'value' ? entry.value : entry.fields;
              expect(actual, key).toEqual(value);
            }
            if (expected.notifications !== undefined) expect(decodeNotifications(batch.notifications)).toEqual(expected.notifications);
          },
        };
      },
    };
  },
});
