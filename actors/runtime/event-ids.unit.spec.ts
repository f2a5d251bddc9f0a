import { describe, expect, it } from 'vitest';
import { createEventIdSource } from './event-ids.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('createEventIdSource', () => {
  it('makes distinct version 4 UUIDs in the form randomUUID uses, across refills of its pool', () => {
    const next = createEventIdSource();
    const ids = Array.from({ length: 2_000 }, () => next());
    for (const id of ids) expect(id).toMatch(UUID_V4);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('spreads every hex digit over the random positions', () => {
    const next = createEventIdSource();
    const seen = new Set<string>();
    for (let index = 0; index < 200; index += 1) for (const char of next().replaceAll('-', '')) seen.add(char);
    expect([...seen].sort().join('')).toBe('0123456789abcdef');
  });
});
