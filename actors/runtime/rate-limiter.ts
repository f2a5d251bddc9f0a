import { LRUCache } from 'lru-cache';
import { ShardkeepError } from '../../events/errors.js';
import type { Issuer } from './protocol/issuer.js';

/**
 * Token buckets per issuer and command kind (`<category>.<command>`): each bucket holds
 * up to `burst` tokens and gains `perSecond` of them continuously; a command takes one,
 * and with none left it is refused. Buckets are refilled lazily from the clock when a
 * command looks at them (no timer per key), and kept in an LRU of bounded size: a bucket
 * forgotten there starts again full, which is what an idle one would be anyway.
 */
export interface RateBudget {
  /** Tokens gained per second; fractions allowed (0.2: one command every 5 s). */
  readonly perSecond: number;
  /** Tokens held at most: how many commands may arrive at once after a pause. */
  readonly burst: number;
}

/** `off`: unlimited. */
export type Budget = RateBudget | 'off';

export interface RateLimits {
  /** Each player's budget for each command kind, unless `kinds` names the kind. */
  readonly players: Budget;
  /** Players' budgets by kind, `<category>.<command>` (`player.login`), replacing `players`. */
  readonly kinds: Readonly<Record<string, Budget>>;
  /** Each game server's budget for each command kind; servers are trusted, so usually `off`. */
  readonly servers: Budget;
  /** Buckets kept at most; the least recently used beyond it are forgotten. */
  readonly maxBuckets: number;
}

export interface RateRefusal {
  readonly kind: string;
  readonly budget: RateBudget;
  /** When the next token is due, from now. */
  readonly retryAfterMs: number;
}

export interface RateLimiter {
  /** Takes a token for one command; the refusal when the issuer has none left for this kind. */
  take(issuer: Issuer, category: string, command: string): RateRefusal | undefined;
  /** Buckets held now. */
  readonly buckets: number;
}

interface Bucket {
  tokens: number;
  /** Clock reading (ms) of the last refill. */
  at: number;
}

export class RateLimitsError extends ShardkeepError {
  readonly code = 'RATE_LIMITS';
}

const checkBudget = (budget: Budget, what: string): void => {
  if (budget === 'off') return;
  if (!(Number.isFinite(budget.perSecond) && budget.perSecond > 0)) throw new RateLimitsError(`${what}: perSecond must be a positive number`);
  if (!(Number.isInteger(budget.burst) && budget.burst >= 1)) throw new RateLimitsError(`${what}: burst must be a whole number >= 1`);
};

/** `now` is a monotonic clock in milliseconds (`performance.now` in production). */
export const createRateLimiter = (limits: RateLimits, now: () => number = () => performance.now()): RateLimiter => {
  checkBudget(limits.players, 'players');
  checkBudget(limits.servers, 'servers');
  for (const [kind, budget] of Object.entries(limits.kinds)) {
    if (!/^[^.]+\.[^.]+$/.test(kind)) throw new RateLimitsError(`${kind}: a kind is <category>.<command>`);
    checkBudget(budget, kind);
  }
  if (!(Number.isInteger(limits.maxBuckets) && limits.maxBuckets >= 1)) throw new RateLimitsError('maxBuckets must be a whole number >= 1');

  // category -> command -> budget: no string is built to find a kind's override.
  const overrides = new Map<string, Map<string, Budget>>();
  for (const [kind, budget] of Object.entries(limits.kinds)) {
    const dot = kind.indexOf('.');
    const category = kind.slice(0, dot);
    let commands = overrides.get(category);
    if (commands === undefined) overrides.set(category, (commands = new Map<string, Budget>()));
    commands.set(kind.slice(dot + 1), budget);
  }
  const budgetOf = (issuer: Issuer, category: string, command: string): Budget =>
    issuer.kind === 'server' ? limits.servers : (overrides.get(category)?.get(command) ?? limits.players);

  const buckets = new LRUCache<string, Bucket>({ max: limits.maxBuckets });

  return {
    take: (issuer, category, command) => {
      const budget = budgetOf(issuer, category, command);
      if (budget === 'off') return undefined;
      const key = `${issuer.kind}:${issuer.id}:${category}.${command}`;
      const time = now();
      const bucket = buckets.get(key);
      if (bucket === undefined) {
        buckets.set(key, { tokens: budget.burst - 1, at: time });
        return undefined;
      }
      // A clock that stepped back refills nothing, and never takes tokens away.
      const elapsedMs = Math.max(0, time - bucket.at);
      bucket.tokens = Math.min(budget.burst, bucket.tokens + (elapsedMs * budget.perSecond) / 1000);
      bucket.at = Math.max(bucket.at, time);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return undefined;
      }
      return { kind: `${category}.${command}`, budget, retryAfterMs: Math.ceil(((1 - bucket.tokens) * 1000) / budget.perSecond) };
    },
    get buckets() {
      return buckets.size;
    },
  };
};

/** `20/s, burst 40`: how a budget reads in messages and logs. */
export const describeBudget = (budget: Budget): string => (budget === 'off' ? 'off' : `${budget.perSecond}/s, burst ${budget.burst}`);
