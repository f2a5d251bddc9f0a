import { protocolPackr } from '../../actors/runtime/protocol/envelope.js';
import { decodeReply, type CommandReply } from '../../actors/runtime/protocol/reply.js';

/**
 * decodeReply with a fast path for the common answer, a well-formed success: checked by
 * hand instead of by the zod schema, which costs about as much again as the unpacking at
 * 100k replies/s. Anything else (failures, odd shapes, garbage) goes to decodeReply, the one
 * authority on what a reply is; the unit test holds both to the same answers.
 */
export const readReply = (bytes: Uint8Array): CommandReply => {
  let value: unknown;
  try {
    value = protocolPackr.unpack(bytes);
  } catch {
    return decodeReply(bytes);
  }
  if (typeof value !== 'object' || value === null) return decodeReply(bytes);
  const { ok, revision, events, duplicate, result } = value as Record<string, unknown>;
  // Replies with a result are rare (logins): the schema checks them.
  if (result !== undefined) return decodeReply(bytes);
  if (ok !== true || typeof revision !== 'number' || !Number.isSafeInteger(revision) || !Array.isArray(events)) {
    return decodeReply(bytes);
  }
  for (const event of events) if (typeof event !== 'string') return decodeReply(bytes);
  if (duplicate !== undefined && duplicate !== true) return decodeReply(bytes);
  // Exactly the known keys: hand back the decoded object itself, one allocation fewer.
  let keys = 0;
  for (const _ in value) keys += 1;
  if (keys === (duplicate === true ? 4 : 3)) return value as CommandReply;
  const names = events as string[];
  return duplicate === true ? { ok: true, revision, events: names, duplicate: true } : { ok: true, revision, events: names };
};
