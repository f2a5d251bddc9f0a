import { describe, expect, it } from 'vitest';
import { isTraceparent, isTracestate } from './trace-context.js';

describe('trace context', () => {
  it('keeps the W3C shapes', () => {
    expect(isTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toBe(true);
    expect(isTracestate('rojo=00f067aa0ba902b7,congo=t61rcWkgMzE')).toBe(true);
    expect(isTracestate('')).toBe(true);
  });

  // The host used to record whatever these headers held in the events' metadata.
  it.each([
    ['a traceparent of another shape', 'x'.repeat(55), isTraceparent],
    ['a traceparent in upper case', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01', isTraceparent],
    ['a traceparent with a trailing line', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\n', isTraceparent],
    ['a tracestate over 512 characters', 'a'.repeat(513), isTracestate],
    ['a tracestate with control characters', 'a=1\r\nb=2', isTracestate],
    ['a tracestate beyond ASCII', 'k=é', isTracestate],
  ])('refuses %s', (_, value, check) => {
    expect(check(value)).toBe(false);
  });
});
