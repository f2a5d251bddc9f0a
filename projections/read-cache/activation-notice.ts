import { z } from 'zod';
import { assertProjectionName } from '../runner/key-layout.js';
import type { Notification } from '../runner/projection.js';
import { pack, unpack } from '../shared/msgpack.js';

/**
 * Published (msgpack `{ projection, version }`) on `mmo.projection.<projection>.activated`
 * by whatever switches a projection's active key version (the rebuild, after `activate`),
 * so readers that resolved the active version once read the new one from then on.
 */
export interface ActivationNotice {
  readonly projection: string;
  readonly version: number;
}

export const projectionActivatedSubject = (projection: string): string => {
  assertProjectionName(projection);
  return `mmo.projection.${projection}.activated`;
};

/** What readers subscribe to: every projection's activations. */
export const PROJECTION_ACTIVATED_PATTERN = 'mmo.projection.*.activated';

const ActivationNoticeSchema = z.object({ projection: z.string(), version: z.number().int().positive() });

export const activationNotification = (notice: ActivationNotice): Notification => ({
  subject: projectionActivatedSubject(notice.projection),
  payload: pack({ projection: notice.projection, version: notice.version }),
});

/** The notice, or undefined for a payload that is not one. */
export const decodeActivationNotice = (payload: Uint8Array): ActivationNotice | undefined => {
  const parsed = ActivationNoticeSchema.safeParse(unpack(payload));
  return parsed.success ? parsed.data : undefined;
};
