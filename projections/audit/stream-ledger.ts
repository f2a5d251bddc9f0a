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
 * Memory: per stream, its last revision and the ids of its last `window` commands (1,024
 * by default, four times the runtime's idempotency window of 256): an item stream of five
 * events holds five ids, a player's stream of a million holds 1,024. A repeat further
 * back than that on one stream is not seen.
 */

export const DEFAULT_COMMAND_WINDOW = 1_024;

interface StreamRecord {
  revision: bigint;
  /** The command of the stream's last event, and when the host received it. */
  lastCommand: string | undefined;
  lastReceived: number;
  /** commandId → the revision of its first event, oldest first (a Map keeps insertion order). */
  readonly recent: Map<string, bigint>;
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

export const createStreamLedger = (problems: ProblemLog, window = DEFAULT_COMMAND_WINDOW): StreamLedger => {
  const streams = new Map<string, StreamRecord>();
  let repeated = 0;

  const checkCommand = (record: StreamRecord, where: Where, { commandId, receivedAt, issuer }: CommandRecord): void => {
    if (commandId === undefined) {
      record.lastCommand = undefined;
      return;
    }
    const sameApplication = record.lastCommand === commandId && record.lastReceived === receivedAt;
    record.lastCommand = commandId;
    record.lastReceived = receivedAt;
    if (sameApplication) return;
    const first = record.recent.get(commandId);
    if (first !== undefined) {
      repeated += 1;
      const by = issuer === undefined ? '' : ` (issued by ${issuer})`;
      problems.note(where, `command ${commandId}${by} applied again: it was first applied at revision ${first.toString()}`, 'command-repeated');
      return;
    }
    record.recent.set(commandId, where.revision);
    if (record.recent.size > window) {
      const oldest = record.recent.keys().next();
      if (oldest.done !== true) record.recent.delete(oldest.value);
    }
  };

  return {
    admit(where, command) {
      let record = streams.get(where.stream);
      if (record !== undefined && where.revision <= record.revision) return false;
      const expected = record === undefined ? 0n : record.revision + 1n;
      if (where.revision !== expected) {
        problems.note(where, `revisions ${expected.toString()}..${(where.revision - 1n).toString()} of the stream are missing from the log`, 'log-gap');
      }
      if (record === undefined) {
        record = { revision: where.revision, lastCommand: undefined, lastReceived: 0, recent: new Map() };
        streams.set(where.stream, record);
      } else {
        record.revision = where.revision;
      }
      checkCommand(record, where, command);
      return true;
    },
    get commandsRepeated() {
      return repeated;
    },
  };
};
