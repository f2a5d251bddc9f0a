import type { ProblemLog, Where } from './problems.js';

/**
 * What the audit remembers per stream: the last revision applied (a revision seen again
 * is a repeated delivery, skipped; one past the next is a gap in the log) and the
 * commands applied to it lately, to tell whether a command id was applied twice.
 *
 * What "applied twice" looks like in the log: the runtime decides a command once and
 * appends its events together, in one append, all carrying the command's id and the time
 * the host received it (`occurredAt`). So one application is a run of contiguous
 * revisions with the same commandId and the same occurredAt. The same commandId again on
 * the same stream after another command's events (non-contiguous revisions), or
 * contiguous but received at another time (the retry of a command whose window was
 * lost, applied right after the original), is a second application. The same id on two
 * different streams is two commands (ids are per actor), and events without a commandId
 * (written by no command) are not checked.
 *
 * Memory: per stream, its last revision and its last `window` commands (512 by default,
 * twice the runtime's idempotency window of 256), each as a 52-bit fingerprint of its id
 * and the revision it was first applied at (16 bytes): an item stream of five commands
 * holds five, a player's stream of a million holds 512. A repeat further back than that
 * on one stream is not seen. Two ids of one stream sharing a fingerprint (a chance of
 * about window / 2^52 per command) would read as a repeat.
 */

export const DEFAULT_COMMAND_WINDOW = 512;

interface StreamRecord {
  /** As a number: streams stay far below 2^53 events, and a number is stored inline. */
  revision: number;
  /** The command of the stream's last event (its fingerprint; NaN for none), and when the host received it. */
  lastCommand: number;
  lastReceived: number;
  /**
   * A ring of the last commands, as pairs [fingerprint, first revision, …]: one array of
   * doubles (8 bytes each, on the heap), growing up to `window` pairs; once full, `next`
   * is the oldest pair, overwritten first.
   */
  recent: number[];
  next: number;
}

export interface CommandRecord {
  readonly commandId: string | undefined;
  /** Epoch ms: the event's occurredAt. */
  readonly receivedAt: number;
  readonly issuer: string | undefined;
}

export interface StreamLedger {
  /**
   * Whether the event is the next of its stream (a repeat is false; a gap is noted and
   * admitted). Admitted events have their command checked.
   */
  admit(where: Where, command: CommandRecord): boolean;
  /** Second applications found (once per application, not per event). */
  readonly commandsRepeated: number;
}

/** Two 32-bit FNV-1a variants of the id, as one 52-bit integer: exact in a double. */
export const fingerprint = (id: string): number => {
  let low = 0x811c9dc5;
  let high = 0x01000193;
  for (let index = 0; index < id.length; index += 1) {
    const code = id.charCodeAt(index);
    low = Math.imul(low ^ code, 0x01000193);
    high = Math.imul(high ^ code, 0x5bd1e995) ^ (high >>> 15);
  }
  return (high >>> 12) * 0x1_0000_0000 + (low >>> 0);
};

/** The slot of `print` among the stream's recent commands, or -1. */
const find = (recent: readonly number[], print: number): number => {
  for (let slot = 0; slot < recent.length; slot += 2) if (recent[slot] === print) return slot;
  return -1;
};

const remember = (record: StreamRecord, print: number, revision: bigint, window: number): void => {
  if (record.recent.length === 0) {
    // A literal holds exactly one pair; most item streams never hold another.
    record.recent = [print, Number(revision)];
    return;
  }
  if (record.recent.length < window * 2) {
    record.recent.push(print, Number(revision));
    return;
  }
  record.recent[record.next] = print;
  record.recent[record.next + 1] = Number(revision);
  record.next = (record.next + 2) % (window * 2);
};

export const createStreamLedger = (problems: ProblemLog, window = DEFAULT_COMMAND_WINDOW): StreamLedger => {
  if (!Number.isSafeInteger(window) || window < 1) throw new RangeError(`the command window must be a whole number of at least 1, got ${String(window)}`);
  const streams = new Map<string, StreamRecord>();
  let repeated = 0;

  const checkCommand = (record: StreamRecord, where: Where, { commandId, receivedAt, issuer }: CommandRecord): void => {
    if (commandId === undefined) {
      record.lastCommand = Number.NaN;
      return;
    }
    const print = fingerprint(commandId);
    const sameApplication = record.lastCommand === print && record.lastReceived === receivedAt;
    record.lastCommand = print;
    record.lastReceived = receivedAt;
    if (sameApplication) return;
    const slot = find(record.recent, print);
    if (slot >= 0) {
      repeated += 1;
      const by = issuer === undefined ? '' : ` (issued by ${issuer})`;
      problems.note(where, `command ${commandId}${by} applied again: it was first applied at revision ${String(record.recent[slot + 1])}`, 'command-repeated');
      return;
    }
    remember(record, print, where.revision, window);
  };

  return {
    admit(where, command) {
      const revision = Number(where.revision);
      let record = streams.get(where.stream);
      if (record !== undefined && revision <= record.revision) return false;
      const expected = record === undefined ? 0 : record.revision + 1;
      if (revision !== expected) {
        problems.note(where, `revisions ${expected}..${revision - 1} of the stream are missing from the log`, 'log-gap');
      }
      if (record === undefined) {
        record = { revision, lastCommand: Number.NaN, lastReceived: 0, recent: [], next: 0 };
        streams.set(where.stream, record);
      } else {
        record.revision = revision;
      }
      checkCommand(record, where, command);
      return true;
    },
    get commandsRepeated() {
      return repeated;
    },
  };
};
