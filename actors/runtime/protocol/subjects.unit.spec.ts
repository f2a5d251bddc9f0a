import { describe, expect, it } from 'vitest';
import { categorySubscription, commandSubject, isSubjectProblem, parseCommandSubject } from './subjects.js';

describe('command subjects', () => {
  it('names issuer, actor and command, and parses back', () => {
    const address = { issuer: { kind: 'player', id: 'p42' }, category: 'item', actorId: 'sword-7', command: 'transfer' } as const;
    const subject = commandSubject(address);
    expect(subject).toBe('mmo.cmd.player.p42.item.sword-7.transfer');
    expect(parseCommandSubject(subject)).toEqual(address);
  });

  it('gives hosts one wildcard per category', () => {
    expect(categorySubscription('guild')).toBe('mmo.cmd.*.*.guild.*.*');
  });

  it.each([
    ['mmo.cmd.player.p42.item.sword-7', /subject must be/],
    ['mmo.cmd.admin.x.item.i.transfer', /issuer kind/],
    ['mmo.cmd.player.p$.item.i.transfer', /issuer id/],
    ['mmo.cmd.player.p1.Item.i.transfer', /category/],
    [`mmo.cmd.player.p1.item.${'x'.repeat(65)}.transfer`, /actor id/],
    ['mmo.cmd.player.p1.item.i.trans-fer', /command/],
    ['other.cmd.player.p1.item.i.transfer', /subject must be/],
  ])('refuses %s', (subject, problem) => {
    const parsed = parseCommandSubject(subject);
    expect(isSubjectProblem(parsed) && parsed.problem).toMatch(problem);
  });
});
