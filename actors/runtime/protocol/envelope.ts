import { Packr, type Options } from 'msgpackr';
import { z } from 'zod';
import { checkMsgpack, DEFAULT_MSGPACK_LIMITS, type MsgpackLimits } from './bounded-msgpack.js';
import { SUBJECT_TOKEN } from './subjects.js';

/**
 * The request body of every command, msgpack-encoded:
 *   { commandId: string, data: map, correlationId?: string, causationId?: string }
 * `commandId` is the idempotency key: a retry must reuse it. Trace context travels in
 * the NATS headers `traceparent` / `tracestate`, the issuer in the subject.
 */
export interface CommandEnvelope {
  readonly commandId: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly correlationId?: string;
  readonly causationId?: string;
}

/**
 * Integers beyond 2^53 decode as bigint, so a schema rejects them instead of rounding
 * them. msgpackr implements `int64AsType: 'auto'`; its typings do not list it yet.
 */
const packr = new Packr({ useRecords: false, mapsAsObjects: true, int64AsType: 'auto' } as unknown as Options);

export const DEFAULT_MAX_REQUEST_BYTES = 16 * 1024;

const Id = z.string().regex(SUBJECT_TOKEN, 'must match [A-Za-z0-9_-]{1,64}');
const EnvelopeSchema = z.strictObject({
  commandId: Id,
  data: z.record(z.string(), z.unknown()),
  correlationId: Id.optional(),
  causationId: Id.optional(),
});

export type DecodeResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

/** Byte cap, then a structural check, then msgpack, then the envelope's schema. */
export const decodeCommandEnvelope = (
  bytes: Uint8Array,
  limits: { maxBytes?: number; msgpack?: MsgpackLimits } = {},
): DecodeResult<CommandEnvelope> => {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  if (bytes.length > maxBytes) return { ok: false, problem: `request of ${bytes.length} bytes exceeds ${maxBytes}` };
  const structural = checkMsgpack(bytes, limits.msgpack ?? DEFAULT_MSGPACK_LIMITS);
  if (structural !== undefined) return { ok: false, problem: `malformed msgpack: ${structural}` };
  let decoded: unknown;
  try {
    decoded = packr.unpack(bytes);
  } catch (error) {
    return { ok: false, problem: `malformed msgpack: ${error instanceof Error ? error.message : String(error)}` };
  }
  const checked = wellFormedEnvelope(decoded);
  if (checked !== undefined) return { ok: true, value: checked };
  const parsed = EnvelopeSchema.safeParse(decoded);
  if (!parsed.success) return { ok: false, problem: describeIssues(parsed.error) };
  return { ok: true, value: parsed.data };
};

const ENVELOPE_KEYS: ReadonlySet<string> = new Set(['commandId', 'data', 'correlationId', 'causationId']);

const isId = (value: unknown): boolean => typeof value === 'string' && SUBJECT_TOKEN.test(value);

// Narrower than zod's isPlainObject (which z.record uses): what msgpackr builds for a map.
const isPlainMap = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

/**
 * The common case, a well-formed envelope, checked by hand: zod's parse costs about as much
 * again as the unpacking, on every command a host takes. Returns the decoded object itself
 * only when EnvelopeSchema would accept it (every check here is one of the schema's, or
 * stricter); anything else goes to the schema, the one authority on what an envelope is and
 * on the wording of its problems. The unit test holds both to the same answers.
 */
const wellFormedEnvelope = (decoded: unknown): CommandEnvelope | undefined => {
  if (!isPlainMap(decoded)) return undefined;
  for (const key in decoded) if (!ENVELOPE_KEYS.has(key)) return undefined;
  const { commandId, data, correlationId, causationId } = decoded;
  if (!isId(commandId) || !isPlainMap(data)) return undefined;
  if (correlationId !== undefined && !isId(correlationId)) return undefined;
  if (causationId !== undefined && !isId(causationId)) return undefined;
  return decoded as unknown as CommandEnvelope;
};

export const encodeCommandEnvelope = (envelope: CommandEnvelope): Uint8Array => packr.pack(envelope);

/** One readable line per problem: `data.amount: must be a safe integer`. */
export const describeIssues = (error: z.ZodError): string =>
  error.issues.map((issue) => `${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`).join('; ');

export { packr as protocolPackr };
/** The schema every envelope is held to; decodeCommandEnvelope checks the common case by hand first. */
export { EnvelopeSchema as CommandEnvelopeSchema };
