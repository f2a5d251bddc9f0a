import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from './error-codes.js';
import { fixstr, MsgpackWriter } from '../../../events/catalog/msgpack-writer.js';
import { protocolPackr } from './envelope.js';

/**
 * The reply to every command, msgpack-encoded. Success:
 *   { ok: true, revision: int, events: string[], duplicate?: true, result?: map }
 * `revision` is the actor stream's revision after the command (-1: still empty);
 * `events` are the domain types the command appended (empty when it changed nothing);
 * `duplicate` marks the answer to a commandId the actor had already applied;
 * `result` is what the command returns besides events (a login's token), never stored,
 * so a duplicate never carries it.
 * Failure:
 *   { ok: false, error: { code: ErrorCode, message: string } }
 */
export type CommandReply =
  | {
      readonly ok: true;
      readonly revision: number;
      readonly events: readonly string[];
      readonly duplicate?: true;
      readonly result?: Readonly<Record<string, unknown>>;
    }
  | { readonly ok: false; readonly error: { readonly code: ErrorCode; readonly message: string } };

/** `revision` as a stream revision (bigint) or already as the number the reply carries. */
export const success = (
  revision: bigint | number,
  events: readonly string[],
  duplicate = false,
  result?: Readonly<Record<string, unknown>>,
): CommandReply => {
  const number = Number(revision);
  if (duplicate) return { ok: true, revision: number, events, duplicate: true };
  return result === undefined ? { ok: true, revision: number, events } : { ok: true, revision: number, events, result };
};

export const failure = (code: ErrorCode, message: string): CommandReply => ({ ok: false, error: { code, message } });

const OK = fixstr('ok');
const REVISION = fixstr('revision');
const EVENTS = fixstr('events');
const DUPLICATE = fixstr('duplicate');
const MAX_EVENT_TYPE = 64;
const MAX_HAND_WRITTEN = 3 + 4 + 10 + 7 + 1 + 15 * (3 + MAX_EVENT_TYPE) + 11;
const writer = new MsgpackWriter();

/**
 * Every command's answer. A success without a result (ASCII event types, fewer than 16) is
 * written by hand, in the reply's own key order, byte for byte as msgpackr writes it;
 * anything else by msgpackr.
 */
export const encodeReply = (reply: CommandReply): Uint8Array => {
  if (reply.ok && writeSuccess(reply)) return writer.finish();
  return protocolPackr.pack(reply);
};

const writeSuccess = (reply: CommandReply & { ok: true }): boolean => {
  writer.begin(MAX_HAND_WRITTEN);
  const header = writer.reserveMap16();
  let entries = 0;
  for (const key in reply) {
    if (!Object.hasOwn(reply, key)) continue;
    entries += 1;
    const value: unknown = reply[key as keyof typeof reply];
    if (key === 'ok' && value === true) {
      writer.bytes(OK);
      writer.byte(0xc3);
    } else if (key === 'duplicate' && value === true) {
      writer.bytes(DUPLICATE);
      writer.byte(0xc3);
    } else if (key === 'revision' && typeof value === 'number') {
      writer.bytes(REVISION);
      writer.number(value);
    } else if (key === 'events' && Array.isArray(value) && value.length < 16) {
      writer.bytes(EVENTS);
      writer.byte(0x90 | value.length);
      for (const type of value) {
        if (typeof type !== 'string' || !writer.asciiString(type, MAX_EVENT_TYPE)) return abort();
      }
    } else return abort();
  }
  writer.mapSize(header, entries);
  return true;
};

const abort = (): false => {
  writer.abort();
  return false;
};

const ReplySchema = z.union([
  z.object({
    ok: z.literal(true),
    revision: z.number().int(),
    events: z.array(z.string()),
    duplicate: z.literal(true).optional(),
    result: z.record(z.string(), z.unknown()).optional(),
  }),
  z.object({ ok: z.literal(false), error: z.object({ code: z.enum(ERROR_CODES), message: z.string() }) }),
]);

/** For clients: a reply that does not parse is reported as INTERNAL, never thrown. */
export const decodeReply = (bytes: Uint8Array): CommandReply => {
  try {
    const parsed = ReplySchema.safeParse(protocolPackr.unpack(bytes));
    if (parsed.success) return parsed.data;
    return failure('INTERNAL', `unreadable reply: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  } catch (error) {
    return failure('INTERNAL', `unreadable reply: ${error instanceof Error ? error.message : String(error)}`);
  }
};
