import type { RequestTransport } from '../../../actors/runtime/bus.js';
import { decodeCommandEnvelope } from '../../../actors/runtime/protocol/envelope.js';

/**
 * How the replies of one command are lost: `late`, the request is served and its reply
 * thrown away, the attempt ending in a timeout as the client would see it; `early`, the
 * attempt reports a timeout at once while the request is still on its way, so the
 * client's retry races the original through the host.
 */
export interface ReplyDrop {
  readonly mode: 'late' | 'early';
  /** How many attempts in a row lose their reply; Infinity: every one. */
  readonly attempts: number;
}

export interface DroppingTransport extends RequestTransport {
  /** Replies thrown away so far. */
  readonly dropped: () => number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A transport wrapper that loses the replies of the commands `dropFor` names (keyed by
 * commandId, read from the request's envelope), while every request still reaches the
 * host: the ambiguous acknowledgement of figure 2.
 */
export const dropReplies = (inner: RequestTransport, dropFor: (commandId: string) => ReplyDrop | undefined): DroppingTransport => {
  const droppedSoFar = new Map<string, number>();
  let dropped = 0;
  return {
    dropped: () => dropped,
    request: async (subject, payload, options) => {
      const envelope = decodeCommandEnvelope(payload);
      const drop = envelope.ok ? dropFor(envelope.value.commandId) : undefined;
      if (drop === undefined || !envelope.ok) return inner.request(subject, payload, options);
      const commandId = envelope.value.commandId;
      const already = droppedSoFar.get(commandId) ?? 0;
      if (already >= drop.attempts) return inner.request(subject, payload, options);
      droppedSoFar.set(commandId, already + 1);
      dropped += 1;
      const delivered = inner.request(subject, payload, options);
      if (drop.mode === 'early') {
        delivered.catch(() => undefined);
        return 'timeout';
      }
      const started = performance.now();
      await delivered;
      await sleep(Math.max(0, options.timeoutMs - (performance.now() - started)));
      return 'timeout';
    },
    close: () => inner.close(),
  };
};
