import { describe, expect, it } from 'vitest';
import type { Issuer } from './protocol/issuer.js';
import { createRateLimiter, describeBudget, RateLimitsError, type RateLimits } from './rate-limiter.js';

const player = (id: string): Issuer => ({ kind: 'player', id });
const server = (id: string): Issuer => ({ kind: 'server', id });

const LIMITS: RateLimits = {
  players: { perSecond: 2, burst: 3 },
  kinds: { 'player.login': { perSecond: 0.5, burst: 1 }, 'item.transfer': { perSecond: 10, burst: 20 }, 'player.touch': 'off' },
  servers: 'off',
  maxBuckets: 1_000,
};

/** A limiter on a clock the test moves by hand. */
const limiterAt = (limits: Partial<RateLimits> = {}) => {
  const clock = { ms: 1_000 };
  const limiter = createRateLimiter({ ...LIMITS, ...limits }, () => clock.ms);
  /** How many of `count` commands at this instant are let through. */
  const admitted = (issuer: Issuer, kind: string, count: number): number => {
    const [category = '', command = ''] = kind.split('.');
    let through = 0;
    for (let index = 0; index < count; index += 1) if (limiter.take(issuer, category, command) === undefined) through += 1;
    return through;
  };
  return { clock, limiter, admitted };
};

describe('rate limiter', () => {
  it('lets a burst through at once, then refuses until tokens come back', () => {
    const { limiter, admitted } = limiterAt();
    expect(admitted(player('p1'), 'item.consume', 3)).toBe(3);
    const refusal = limiter.take(player('p1'), 'item', 'consume');
    expect(refusal).toEqual({ kind: 'item.consume', budget: { perSecond: 2, burst: 3 }, retryAfterMs: 500 });
  });

  it('refills at its rate, never above the burst', () => {
    const { clock, admitted } = limiterAt();
    expect(admitted(player('p1'), 'item.consume', 10)).toBe(3);
    clock.ms += 499;
    expect(admitted(player('p1'), 'item.consume', 1)).toBe(0);
    clock.ms += 1;
    expect(admitted(player('p1'), 'item.consume', 10)).toBe(1);
    clock.ms += 1_500;
    expect(admitted(player('p1'), 'item.consume', 10)).toBe(3);
    clock.ms += 3_600_000;
    expect(admitted(player('p1'), 'item.consume', 10)).toBe(3);
  });

  it('admits no more than burst + rate x elapsed over any stretch, however the commands are spread', () => {
    const { clock, admitted } = limiterAt();
    let through = 0;
    for (let step = 0; step < 1_000; step += 1) {
      clock.ms += step % 7;
      through += admitted(player('p1'), 'item.consume', step % 3);
    }
    const elapsedSeconds = (clock.ms - 1_000) / 1000;
    expect(through).toBeLessThanOrEqual(3 + 2 * elapsedSeconds);
    expect(through).toBeGreaterThanOrEqual(Math.floor(2 * elapsedSeconds));
  });

  it('gives each kind its own bucket, with per-kind budgets replacing the default', () => {
    const { clock, limiter, admitted } = limiterAt();
    expect(admitted(player('p1'), 'player.login', 5)).toBe(1);
    expect(limiter.take(player('p1'), 'player', 'login')?.retryAfterMs).toBe(2_000);
    expect(admitted(player('p1'), 'item.transfer', 50)).toBe(20);
    expect(admitted(player('p1'), 'player.changeZone', 5)).toBe(3);
    clock.ms += 1_000;
    expect(admitted(player('p1'), 'item.transfer', 50)).toBe(10);
    expect(admitted(player('p1'), 'player.login', 5)).toBe(0);
  });

  it('does not limit a kind whose budget is off, nor anything when the default is off', () => {
    expect(limiterAt().admitted(player('p1'), 'player.touch', 10_000)).toBe(10_000);
    const { admitted } = limiterAt({ players: 'off' });
    expect(admitted(player('p1'), 'item.consume', 10_000)).toBe(10_000);
    expect(admitted(player('p1'), 'player.login', 5)).toBe(1);
  });

  it('keeps players apart: one out of tokens costs another nothing', () => {
    const { admitted } = limiterAt();
    expect(admitted(player('p1'), 'item.consume', 100)).toBe(3);
    expect(admitted(player('p2'), 'item.consume', 100)).toBe(3);
  });

  it('trusts servers unless they have a budget of their own, kept apart from the player of the same id', () => {
    expect(limiterAt().admitted(server('gs1'), 'player.login', 10_000)).toBe(10_000);
    const { admitted } = limiterAt({ servers: { perSecond: 100, burst: 500 } });
    expect(admitted(server('gs1'), 'player.login', 10_000)).toBe(500);
    expect(admitted(player('gs1'), 'item.consume', 10)).toBe(3);
  });

  it('keeps at most maxBuckets buckets; a forgotten bucket starts full again', () => {
    const { limiter, admitted } = limiterAt({ maxBuckets: 10 });
    expect(admitted(player('p0'), 'item.consume', 3)).toBe(3);
    for (let index = 1; index <= 100; index += 1) admitted(player(`p${index}`), 'item.consume', 1);
    expect(limiter.buckets).toBe(10);
    expect(admitted(player('p0'), 'item.consume', 5)).toBe(3);
    // The most recent stay: p100 spent its first token just now.
    expect(admitted(player('p100'), 'item.consume', 5)).toBe(2);
  });

  it('refills nothing, and takes nothing back, when the clock steps back', () => {
    const { clock, admitted } = limiterAt();
    expect(admitted(player('p1'), 'item.consume', 2)).toBe(2);
    clock.ms -= 10_000;
    expect(admitted(player('p1'), 'item.consume', 5)).toBe(1);
    clock.ms += 10_500;
    expect(admitted(player('p1'), 'item.consume', 5)).toBe(1);
  });

  it('refuses budgets that cannot work', () => {
    expect(() => createRateLimiter({ ...LIMITS, players: { perSecond: 0, burst: 1 } })).toThrow(RateLimitsError);
    expect(() => createRateLimiter({ ...LIMITS, players: { perSecond: 1, burst: 0.5 } })).toThrow(/burst/);
    expect(() => createRateLimiter({ ...LIMITS, kinds: { login: { perSecond: 1, burst: 1 } } })).toThrow(/<category>.<command>/);
    expect(() => createRateLimiter({ ...LIMITS, maxBuckets: 0 })).toThrow(/maxBuckets/);
  });

  it('describes a budget for people', () => {
    expect(describeBudget({ perSecond: 0.5, burst: 5 })).toBe('0.5/s, burst 5');
    expect(describeBudget('off')).toBe('off');
  });
});
