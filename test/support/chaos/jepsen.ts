/**
 * Jepsen's classification of commands (figures 2 and 8 of RELIABILITY.md): what a client
 * was told about each command it sent, against what the log holds.
 *
 * - ok: acknowledged, and in the log (a second application counts under applied twice);
 * - lost: acknowledged, but absent from the log;
 * - failed: refused (nothing applied, e.g. REJECTED, UNAVAILABLE) and absent, as it must be;
 * - unknown: no answer (TIMEOUT): may or may not be in the log, at most once; split into
 *   those the log holds and those it does not;
 * - unexpected: in the log under a commandId the client never sent;
 * - applied twice: a commandId whose effect the log holds more than once (each application
 *   is counted once, whatever the number of events it appended);
 * - failed but applied: refused, yet in the log.
 *
 * Pure: the scenario reads the log and passes, per event, the commandId from its metadata
 * and whether it starts an application. The host records the command itself on the first
 * event of each application (`metadata.command`), so counting those counts applications
 * even when two of them are contiguous in one stream.
 */

import type { EventMetadata } from '../../../events/catalog/metadata.js';

export type ClientOutcome = 'ok' | 'failed' | 'unknown';

/** What the client was finally told about one command (after its own retries). */
export interface SentCommand {
  readonly commandId: string;
  readonly outcome: ClientOutcome;
}

/** One event of the log, reduced to what the classification needs. */
export interface LoggedEvent {
  /** The metadata's commandId; events no command caused have none and are not counted. */
  readonly commandId: string | undefined;
  /** Whether this event is the first of an application (its metadata records the command). */
  readonly startsApplication: boolean;
}

export interface JepsenCounts {
  readonly commands: number;
  readonly ok: number;
  readonly lost: number;
  readonly failed: number;
  readonly unknown: number;
  readonly unknownApplied: number;
  readonly unknownAbsent: number;
  readonly unexpected: number;
  readonly appliedTwice: number;
  readonly failedButApplied: number;
}

export interface JepsenReport {
  readonly counts: JepsenCounts;
  /** The offending commandIds, so a failing run names them. */
  readonly lost: readonly string[];
  readonly unexpected: readonly string[];
  readonly appliedTwice: readonly string[];
  readonly failedButApplied: readonly string[];
}

export class DuplicateCommandIdError extends Error {
  readonly code = 'DUPLICATE_COMMAND_ID';
}

/** How many times the log applied each commandId. */
export const applicationsByCommand = (events: Iterable<LoggedEvent>): Map<string, number> => {
  const applications = new Map<string, number>();
  for (const { commandId, startsApplication } of events) {
    if (commandId === undefined) continue;
    const seen = applications.get(commandId);
    // An id seen only on follow-up events still counts as one application.
    if (seen === undefined) applications.set(commandId, startsApplication ? 1 : 0);
    else if (startsApplication) applications.set(commandId, seen + 1);
  }
  for (const [commandId, count] of applications) if (count === 0) applications.set(commandId, 1);
  return applications;
};

/** Classifies every sent command against the log. Each commandId must appear once in `history`. */
export const classifyCommands = (history: Iterable<SentCommand>, events: Iterable<LoggedEvent>): JepsenReport => {
  const applications = applicationsByCommand(events);
  const sent = new Set<string>();
  const lost: string[] = [];
  const appliedTwice: string[] = [];
  const failedButApplied: string[] = [];
  let ok = 0;
  let failed = 0;
  let unknownApplied = 0;
  let unknownAbsent = 0;

  for (const { commandId, outcome } of history) {
    if (sent.has(commandId)) throw new DuplicateCommandIdError(`commandId ${commandId} appears twice in the history`);
    sent.add(commandId);
    const times = applications.get(commandId) ?? 0;
    if (times > 1) appliedTwice.push(commandId);
    switch (outcome) {
      case 'ok':
        if (times === 0) lost.push(commandId);
        else ok += 1;
        break;
      case 'failed':
        if (times > 0) failedButApplied.push(commandId);
        else failed += 1;
        break;
      case 'unknown':
        if (times > 0) unknownApplied += 1;
        else unknownAbsent += 1;
        break;
    }
  }
  const unexpected = [...applications.keys()].filter((commandId) => !sent.has(commandId));

  return {
    counts: {
      commands: sent.size,
      ok,
      lost: lost.length,
      failed,
      unknown: unknownApplied + unknownAbsent,
      unknownApplied,
      unknownAbsent,
      unexpected: unexpected.length,
      appliedTwice: appliedTwice.length,
      failedButApplied: failedButApplied.length,
    },
    lost,
    unexpected,
    appliedTwice,
    failedButApplied,
  };
};

/** Reduces an event's metadata to what the classification needs. */
export const loggedEventOf = (metadata: Pick<EventMetadata, 'commandId' | 'command'>): LoggedEvent => ({
  commandId: metadata.commandId,
  startsApplication: metadata.command !== undefined,
});
