import { describe, expect, it } from 'vitest';
import { applicationsByCommand, classifyCommands, DuplicateCommandIdError, loggedEventOf, type LoggedEvent } from './jepsen.js';

/** An application of `commandId` appending `events` events (the first records the command). */
const applied = (commandId: string, events = 1): LoggedEvent[] =>
  Array.from({ length: events }, (_, index) => ({ commandId, startsApplication: index === 0 }));

describe('Jepsen classification of commands', () => {
  it('counts ok, failed and unknown commands the log agrees with, and no anomaly', () => {
    const report = classifyCommands(
      [
        { commandId: 'a', outcome: 'ok' },
        { commandId: 'b', outcome: 'ok' },
        { commandId: 'c', outcome: 'failed' },
        { commandId: 'd', outcome: 'unknown' },
        { commandId: 'e', outcome: 'unknown' },
      ],
      [...applied('a'), ...applied('b', 3), ...applied('d'), { commandId: undefined, startsApplication: false }],
    );
    expect(report.counts).toEqual({
      commands: 5,
      ok: 2,
      lost: 0,
      failed: 1,
      unknown: 2,
      unknownApplied: 1,
      unknownAbsent: 1,
      unexpected: 0,
      appliedTwice: 0,
      failedButApplied: 0,
    });
    expect([report.lost, report.unexpected, report.appliedTwice, report.failedButApplied]).toEqual([[], [], [], []]);
  });

  it('names acknowledged commands missing from the log as lost', () => {
    const report = classifyCommands([{ commandId: 'a', outcome: 'ok' }, { commandId: 'b', outcome: 'ok' }], applied('b'));
    expect(report.counts).toMatchObject({ ok: 1, lost: 1 });
    expect(report.lost).toEqual(['a']);
  });

  it('names commands in the log the client never sent as unexpected', () => {
    const report = classifyCommands([{ commandId: 'a', outcome: 'ok' }], [...applied('a'), ...applied('z', 2)]);
    expect(report.counts.unexpected).toBe(1);
    expect(report.unexpected).toEqual(['z']);
  });

  it('counts a second application, also contiguous with the first, whatever the outcome the client saw', () => {
    const report = classifyCommands(
      [
        { commandId: 'a', outcome: 'ok' },
        { commandId: 'b', outcome: 'unknown' },
        { commandId: 'c', outcome: 'ok' },
      ],
      [...applied('a', 2), ...applied('a', 2), ...applied('b'), ...applied('c'), ...applied('b')],
    );
    expect(report.counts).toMatchObject({ ok: 2, appliedTwice: 2, unknownApplied: 1 });
    expect(report.appliedTwice).toEqual(['a', 'b']);
  });

  it('names a refused command found in the log', () => {
    const report = classifyCommands([{ commandId: 'a', outcome: 'failed' }], applied('a'));
    expect(report.counts).toMatchObject({ failed: 0, failedButApplied: 1 });
    expect(report.failedButApplied).toEqual(['a']);
  });

  it('refuses a history that names one commandId twice', () => {
    expect(() =>
      classifyCommands(
        [
          { commandId: 'a', outcome: 'ok' },
          { commandId: 'a', outcome: 'unknown' },
        ],
        [],
      ),
    ).toThrow(DuplicateCommandIdError);
  });

  it('counts one application for an id seen only on follow-up events', () => {
    expect(applicationsByCommand([{ commandId: 'a', startsApplication: false }])).toEqual(new Map([['a', 1]]));
  });

  it('reads an application start from the recorded command in metadata', () => {
    expect(loggedEventOf({ commandId: 'a', command: { name: 'credit', data: {} } })).toEqual({ commandId: 'a', startsApplication: true });
    expect(loggedEventOf({ commandId: 'a' })).toEqual({ commandId: 'a', startsApplication: false });
    expect(loggedEventOf({})).toEqual({ commandId: undefined, startsApplication: false });
  });
});
