import { randomUUID } from 'node:crypto';
import type { RequestTransport } from '../../actors/runtime/bus.js';
import { DEFAULT_MAX_REQUEST_BYTES, encodeCommandEnvelope, type CommandEnvelope } from '../../actors/runtime/protocol/envelope.js';
import type { ErrorCode } from '../../actors/runtime/protocol/error-codes.js';
import type { Issuer } from '../../actors/runtime/protocol/issuer.js';
import { failure, type CommandReply } from '../../actors/runtime/protocol/reply.js';
import { commandSubject } from '../../actors/runtime/protocol/subjects.js';
import { ShardkeepError } from '../../events/errors.js';
import { backoffPause, type BackoffOptions } from './backoff.js';
import { readReply } from './read-reply.js';
import { createRequestValidator, issuerProblem } from './validate-request.js';

export interface CommandRequest {
  readonly category: string;
  readonly actorId: string;
  readonly command: string;
  readonly data: Readonly<Record<string, unknown>>;
  /** The idempotency key; default a fresh UUID. Pass your own to retry a TIMEOUT later. */
  readonly commandId?: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  /** W3C trace context, sent as NATS headers. */
  readonly traceparent?: string;
  readonly tracestate?: string;
}

export interface CommandClientOptions {
  readonly transport: RequestTransport;
  /** Who sends; it is part of every subject, and NATS permissions confine it. */
  readonly issuer: Issuer;
  /** Wait for one attempt's reply; default 2 000 ms. */
  readonly timeoutMs?: number;
  /** The whole call, retries and pauses included; default 5 000 ms. */
  readonly deadlineMs?: number;
  /** Attempts after the first; default 4. The deadline usually ends a call first. */
  readonly retries?: number;
  readonly backoff?: BackoffOptions;
  /** Requests above this are refused locally as VALIDATION; default the host's own limit. */
  readonly maxRequestBytes?: number;
  /** Jitter source; tests pass a fixed one. */
  readonly random?: () => number;
}

export interface CommandClient {
  /** Never rejects: every outcome, local validation and transport failures included, is a reply. */
  send(request: CommandRequest): Promise<CommandReply>;
}

export class CommandClientOptionsError extends ShardkeepError {
  readonly code = 'COMMAND_CLIENT_OPTIONS';
}

/**
 * Answers that say "not now, nothing was applied": the same command may be sent again.
 * CONCURRENT_MODIFICATION is one: the host gave up deciding against an actor another
 * host kept appending to; a later attempt with the same commandId is answered once.
 * RATE_LIMITED is not: every attempt spends the issuer's budget again, so a client
 * retrying it keeps itself limited; it goes back to the caller, who slows down.
 */
const RETRYABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['OVERLOADED', 'UNAVAILABLE', 'CONCURRENT_MODIFICATION']);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const checkOptions = (options: CommandClientOptions): void => {
  const positive = { timeoutMs: options.timeoutMs, deadlineMs: options.deadlineMs, maxRequestBytes: options.maxRequestBytes };
  for (const [name, value] of Object.entries(positive)) {
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      throw new CommandClientOptionsError(`command client: ${name} must be a positive number, got ${value}`);
    }
  }
  if (options.retries !== undefined && !(Number.isInteger(options.retries) && options.retries >= 0)) {
    throw new CommandClientOptionsError(`command client: retries must be a whole number >= 0, got ${options.retries}`);
  }
  const problem = issuerProblem(options.issuer);
  if (problem !== undefined) throw new CommandClientOptionsError(`command client: bad issuer: ${problem}`);
};

const traceHeaders = (request: CommandRequest): Record<string, string> | undefined => {
  if (request.traceparent === undefined && request.tracestate === undefined) return undefined;
  const headers: Record<string, string> = {};
  if (request.traceparent !== undefined) headers['traceparent'] = request.traceparent;
  if (request.tracestate !== undefined) headers['tracestate'] = request.tracestate;
  return headers;
};

const envelopeOf = (request: CommandRequest, commandId: string): CommandEnvelope => {
  if (request.correlationId === undefined && request.causationId === undefined) return { commandId, data: request.data };
  const envelope: { -readonly [K in keyof CommandEnvelope]: CommandEnvelope[K] } = { commandId, data: request.data };
  if (request.correlationId !== undefined) envelope.correlationId = request.correlationId;
  if (request.causationId !== undefined) envelope.causationId = request.causationId;
  return envelope;
};

/**
 * The client game servers use to send commands. Each attempt waits `timeoutMs`; on no
 * answer, no responder, OVERLOADED or UNAVAILABLE it pauses (doubling, jittered) and sends
 * the SAME bytes again, so the same commandId: the actor applies a commandId at most once
 * and answers a repeat with the original outcome (`duplicate: true`), which is what makes
 * retrying safe. When the deadline passes and some attempt went unanswered, the answer is
 * TIMEOUT: the command may or may not have been applied, and sending it again with the same
 * commandId (pass your own) settles which. When every attempt was refused (no responders,
 * OVERLOADED, UNAVAILABLE) the last refusal is returned: nothing was applied.
 */
export const createCommandClient = (options: CommandClientOptions): CommandClient => {
  checkOptions(options);
  const { transport, issuer } = options;
  const timeoutMs = options.timeoutMs ?? 2_000;
  const deadlineMs = options.deadlineMs ?? 5_000;
  const retries = options.retries ?? 4;
  const backoff = options.backoff ?? {};
  const maxRequestBytes = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  const random = options.random ?? Math.random;
  const validate = createRequestValidator(issuer);

  const timedOut = (commandId: string, attempts: number, started: number): CommandReply =>
    failure(
      'TIMEOUT',
      `no answer in ${Math.round(performance.now() - started)} ms (${attempts} attempt${attempts === 1 ? '' : 's'}); ` +
        `the command may or may not have been applied: send it again with commandId ${commandId}, ` +
        'which is applied at most once',
    );

  return {
    async send(request) {
      const problem = validate(request);
      if (problem !== undefined) return failure('VALIDATION', problem);
      const commandId = request.commandId ?? randomUUID();
      let payload: Uint8Array;
      try {
        payload = encodeCommandEnvelope(envelopeOf(request, commandId));
      } catch (error) {
        return failure('VALIDATION', `data cannot be encoded: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (payload.length > maxRequestBytes) {
        return failure('VALIDATION', `request of ${payload.length} bytes exceeds ${maxRequestBytes}`);
      }
      const subject = commandSubject({ issuer, category: request.category, actorId: request.actorId, command: request.command });
      const headers = traceHeaders(request);
      const started = performance.now();
      const deadline = started + deadlineMs;
      let remaining = deadlineMs;
      // Set once an attempt went unanswered: from then on, "not applied" can no longer be claimed.
      let uncertain = false;
      let refusal: CommandReply | undefined;
      let attempts = 0;

      for (;;) {
        attempts += 1;
        let outcome: Uint8Array | 'timeout' | 'no_responders';
        try {
          const attemptMs = Math.min(timeoutMs, remaining);
          const attemptOptions = headers === undefined ? { timeoutMs: attemptMs } : { timeoutMs: attemptMs, headers };
          outcome = await transport.request(subject, payload, attemptOptions);
        } catch (error) {
          if (uncertain) return timedOut(commandId, attempts, started);
          return failure('INTERNAL', `the command was not sent: ${error instanceof Error ? error.message : String(error)}`);
        }
        if (outcome === 'timeout') {
          uncertain = true;
        } else if (outcome === 'no_responders') {
          refusal = failure('UNAVAILABLE', `no host serves ${subject}`);
        } else {
          const reply = readReply(outcome);
          if (reply.ok || !RETRYABLE.has(reply.error.code)) return reply;
          refusal = reply;
        }
        if (attempts > retries) break;
        const left = deadline - performance.now();
        if (left < 1) break;
        // Near the deadline the pause shrinks, so a last short attempt still uses the time left.
        await sleep(Math.min(backoffPause(attempts - 1, backoff, random), left / 2));
        remaining = deadline - performance.now();
        if (remaining <= 0) break;
      }
      return uncertain || refusal === undefined ? timedOut(commandId, attempts, started) : refusal;
    },
  };
};
