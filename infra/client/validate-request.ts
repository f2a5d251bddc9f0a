import type { Issuer } from '../../actors/runtime/protocol/issuer.js';
import { isTraceparent, isTracestate } from '../../actors/runtime/protocol/trace-context.js';
import { commandSubject, isSubjectProblem, isSubjectToken, parseCommandSubject } from '../../actors/runtime/protocol/subjects.js';

const CACHE_LIMIT = 1_000;

export interface RequestFields {
  readonly category: string;
  readonly actorId: string;
  readonly command: string;
  readonly data: unknown;
  readonly commandId?: string | undefined;
  readonly correlationId?: string | undefined;
  readonly causationId?: string | undefined;
  readonly traceparent?: string | undefined;
  readonly tracestate?: string | undefined;
}

const idProblem = (field: string, value: string | undefined): string | undefined =>
  value === undefined || isSubjectToken(value) ? undefined : `${field} must match [A-Za-z0-9_-]{1,64}`;

const addressProblem = (issuer: Issuer, category: string, actorId: string, command: string): string | undefined => {
  // A dot would add tokens and turn the parser's answer into a confusing "subject must be…".
  if (category.includes('.') || command.includes('.') || issuer.id.includes('.')) {
    return 'issuer id, category and command must not contain dots';
  }
  const parsed = parseCommandSubject(commandSubject({ issuer, category, actorId, command }));
  return isSubjectProblem(parsed) ? parsed.problem : undefined;
};

/** Why an issuer cannot appear in a command subject, if it cannot. */
export const issuerProblem = (issuer: Issuer): string | undefined => addressProblem(issuer, 'issuer', 'x', 'issuer');

/**
 * Checks a request the way the host will, so a bad one costs no round trip. Category and
 * command names are checked with the protocol's own parser, once per pair (a client uses a
 * handful), ids with `isSubjectToken` on every call.
 */
export const createRequestValidator = (issuer: Issuer): ((request: RequestFields) => string | undefined) => {
  // category -> commands already checked; nested so the hot path builds no key string.
  const knownNames = new Map<string, Set<string>>();
  let known = 0;

  return (request) => {
    const problem =
      idProblem('actorId', request.actorId) ??
      idProblem('commandId', request.commandId) ??
      idProblem('correlationId', request.correlationId) ??
      idProblem('causationId', request.causationId);
    if (problem !== undefined) return problem;
    if (knownNames.get(request.category)?.has(request.command) !== true) {
      const nameProblem = addressProblem(issuer, request.category, request.actorId, request.command);
      if (nameProblem !== undefined) return nameProblem;
      if (known >= CACHE_LIMIT) {
        knownNames.clear();
        known = 0;
      }
      const commands = knownNames.get(request.category) ?? new Set<string>();
      knownNames.set(request.category, commands.add(request.command));
      known += 1;
    }
    if (typeof request.data !== 'object' || request.data === null || Array.isArray(request.data)) {
      return 'data must be an object';
    }
    if (request.traceparent !== undefined && !isTraceparent(request.traceparent)) {
      return 'traceparent must be a W3C traceparent (00-<32 hex>-<16 hex>-<2 hex>)';
    }
    if (request.tracestate !== undefined && !isTracestate(request.tracestate)) {
      return 'tracestate must be printable ASCII, at most 512 characters';
    }
    return undefined;
  };
};
