import type { ErrorCode } from '../runtime/protocol/error-codes.js';
import type { CommandReply } from '../runtime/protocol/reply.js';

/**
 * What a reply means to a process manager. `done`: the step took effect (now or
 * before). `refused`: the actor answered and will keep answering no (not the owner,
 * not enough gold). `unknown`: no answer that can be acted on (timeout, overload, a
 * store failure); the step may or may not have taken effect, so it is sent again, with
 * the same command id, later.
 */
export type StepVerdict =
  | { readonly kind: 'done' }
  | { readonly kind: 'refused'; readonly code: ErrorCode; readonly message: string }
  | { readonly kind: 'unknown'; readonly code: ErrorCode; readonly message: string };

const UNKNOWN_OUTCOME: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'CONCURRENT_MODIFICATION',
  'OVERLOADED',
  'RATE_LIMITED',
  'TIMEOUT',
  'UNAVAILABLE',
  'INTERNAL',
]);

export const verdictOf = (reply: CommandReply): StepVerdict => {
  if (reply.ok) return { kind: 'done' };
  const { code, message } = reply.error;
  return UNKNOWN_OUTCOME.has(code) ? { kind: 'unknown', code, message } : { kind: 'refused', code, message };
};
