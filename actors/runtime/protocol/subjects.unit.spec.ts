import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { categorySubscription, commandSubject, createCommandSubjectParser, isSubjectProblem, parseCommandSubject } from './subjects.js';

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

  it('answers through its bounded memory exactly as parseCommandSubject does, before and after it fills', () => {
    const token = fc.constantFrom('p1', 'p2', 'item', 'Item', 'sword-7', 'a$', '', 'x'.repeat(65), 'transfer', 'trans-fer', 'player', 'server', 'mmo', 'cmd');
    const subject = fc.oneof(
      fc.tuple(token, token, token, token, token).map((tokens) => `mmo.cmd.${tokens.join('.')}`),
      fc.array(token, { maxLength: 8 }).map((tokens) => tokens.join('.')),
    );
    fc.assert(
      fc.property(fc.array(subject, { maxLength: 40 }), fc.integer({ min: 0, max: 5 }), (subjects, capacity) => {
        const parse = createCommandSubjectParser(capacity);
        // Twice over: the second pass is answered from memory where it still holds.
        for (const one of [...subjects, ...subjects]) expect(parse(one)).toEqual(parseCommandSubject(one));
      }),
      { numRuns: 300 },
    );
  });
});
