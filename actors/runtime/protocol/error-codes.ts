/**
 * Stable error codes of the command protocol. Clients branch on these; messages are
 * for people and may change. Documented in the README.
 */
export const ERROR_CODES = [
  /** The request or its data is malformed or out of bounds. Do not retry unchanged. */
  'VALIDATION',
  /** No such actor category or command, or the actor does not exist. */
  'NOT_FOUND',
  /** The issuer may not do this. */
  'UNAUTHORIZED',
  /** The issuer does not own the item or gold it tried to move. */
  'NOT_OWNER',
  /** The command conflicts with the actor's state (already a member, not enough gold, …). */
  'REJECTED',
  /** Other writers kept changing the actor; bounded retries ran out. Safe to retry. */
  'CONCURRENT_MODIFICATION',
  /** The host is at its bound of in-flight work. Safe to retry after a pause. */
  'OVERLOADED',
  /** The issuer is over its rate limit. */
  'RATE_LIMITED',
  /** No answer in time; the command may or may not have been applied. Retry with the same commandId. */
  'TIMEOUT',
  /** The host is shutting down and took no new work. Safe to retry. */
  'UNAVAILABLE',
  /** A bug or an infrastructure failure; the command was not applied. */
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const KNOWN = new Set<string>(ERROR_CODES);
export const isErrorCode = (value: unknown): value is ErrorCode => typeof value === 'string' && KNOWN.has(value);
