import { describe, expect, it } from 'vitest';
import { createAppliedCommands, type AppliedCommand } from './applied-commands.js';

describe('applied commands window', () => {
  it('answers what each command appended, its revision and event types', () => {
    const applied = createAppliedCommands(4);
    applied.record('a', 0n, 'Opened');
    applied.record('b', 1n, 'Deposited');
    applied.record('b', 2n, 'Noted');
    expect(applied.get('a')).toEqual({ revision: 0n, events: ['Opened'] });
    expect(applied.get('b')).toEqual({ revision: 2n, events: ['Deposited', 'Noted'] });
    expect(applied.get('c')).toBeUndefined();
    expect(applied.size).toBe(2);
  });

  it('keeps the newest commands within its bound, oldest first, however often it wraps', () => {
    const applied = createAppliedCommands(3);
    for (let index = 0; index < 10; index += 1) applied.record(`c${index}`, BigInt(index), 'Seen');
    expect(applied.size).toBe(3);
    expect(applied.get('c6')).toBeUndefined();
    expect(applied.entries()).toEqual([
      ['c7', { revision: 7n, events: ['Seen'] }],
      ['c8', { revision: 8n, events: ['Seen'] }],
      ['c9', { revision: 9n, events: ['Seen'] }],
    ]);
    // A command extended after the window wrapped keeps its place.
    applied.record('c8', 10n, 'Again');
    applied.record('c10', 11n, 'Seen');
    expect(applied.entries().map(([id, { revision, events }]) => [id, revision, events])).toEqual([
      ['c8', 10n, ['Seen', 'Again']],
      ['c9', 9n, ['Seen']],
      ['c10', 11n, ['Seen']],
    ]);
  });

  it('starts from a snapshot window, its newest entries within the bound', () => {
    const initial: [string, AppliedCommand][] = Array.from({ length: 5 }, (_, index) => [`s${index}`, { revision: BigInt(index), events: ['Seen'] }]);
    const applied = createAppliedCommands(3, initial);
    expect(applied.entries()).toEqual(initial.slice(-3));
    applied.record('n', 5n, 'Seen');
    expect(applied.entries().map(([id]) => id)).toEqual(['s3', 's4', 'n']);
  });

  it('remembers nothing with a window of 0', () => {
    const applied = createAppliedCommands(0);
    applied.record('a', 0n, 'Seen');
    expect(applied.get('a')).toBeUndefined();
    expect(applied.entries()).toEqual([]);
  });
});
