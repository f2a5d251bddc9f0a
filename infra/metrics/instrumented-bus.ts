import type { IncomingRequest, RequestBus } from '../../actors/runtime/bus.js';
import { decodeReply } from '../../actors/runtime/protocol/reply.js';
import { createCommandSubjectParser, isSubjectProblem } from '../../actors/runtime/protocol/subjects.js';

/**
 * Counts and times every command a host answers, by category, command and outcome, by
 * wrapping the bus the host serves on: the host itself stays free of metrics code.
 * The outcome is read from the reply's first bytes (`{ ok: true …`) without decoding
 * it; only failures are decoded, for their code.
 */
export type CommandObserver = (category: string, command: string, outcome: string, seconds: number) => void;

// msgpack of the reply's opening: a fixmap header, then the 2-byte key "ok", then true/false.
const OK_KEY = [0xa2, 0x6f, 0x6b];
const TRUE = 0xc3;

const outcomeOf = (reply: Uint8Array): string => {
  if (reply[1] === OK_KEY[0] && reply[2] === OK_KEY[1] && reply[3] === OK_KEY[2] && reply[4] === TRUE) return 'OK';
  try {
    const decoded = decodeReply(reply);
    return decoded.ok ? 'OK' : decoded.error.code;
  } catch {
    return 'UNREADABLE';
  }
};

/** Subjects remembered parsed, as the host itself keeps them (one per actor and issuer seen lately). */
const PARSED_SUBJECTS = 16_384;

class ObservedRequest implements IncomingRequest {
  private readonly started = performance.now();

  constructor(
    private readonly inner: IncomingRequest,
    private readonly observe: CommandObserver,
    private readonly parse: (subject: string) => { readonly category: string; readonly command: string } | undefined,
  ) {}

  get subject(): string {
    return this.inner.subject;
  }

  get payload(): Uint8Array {
    return this.inner.payload;
  }

  header(name: string): string | undefined {
    return this.inner.header(name);
  }

  respond(reply: Uint8Array): void {
    // A subject the host refused as malformed is counted under `unknown`.
    const address = this.parse(this.inner.subject);
    this.observe(address?.category ?? 'unknown', address?.command ?? 'unknown', outcomeOf(reply), (performance.now() - this.started) / 1000);
    this.inner.respond(reply);
  }
}

export const instrumentBus = (bus: RequestBus, observe: CommandObserver): RequestBus => {
  const parseSubject = createCommandSubjectParser(PARSED_SUBJECTS);
  const parse = (subject: string) => {
    const address = parseSubject(subject);
    return isSubjectProblem(address) ? undefined : address;
  };
  return { serve: (subject, queue, handler) => bus.serve(subject, queue, (request) => handler(new ObservedRequest(request, observe, parse))) };
};
