import type { Budget } from '../actors/runtime/rate-limiter.js';

/**
 * The text forms of rate-limit settings. A budget is `<rate>/<burst>`: `rate` commands
 * per second, refilled continuously (a decimal: `0.5` is one every two seconds), and at
 * most `burst` at once (a whole number); or `off`. Per-kind budgets are a comma-separated
 * list of `<category>.<command>=<budget>`, or `none`.
 */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: readonly string[] };

const BUDGET = /^(\d+(?:\.\d+)?)\/(\d+)$/;
const KIND = /^[a-z][a-zA-Z0-9]{0,31}\.[a-z][a-zA-Z0-9]{0,31}$/;
/** A sanity bound, far above any player's need, that keeps the arithmetic exact. */
const MAX_RATE = 1_000_000;

export const parseBudget = (text: string): Parsed<Budget> => {
  const trimmed = text.trim();
  if (trimmed === 'off') return { ok: true, value: 'off' };
  const match = BUDGET.exec(trimmed);
  const perSecond = Number(match?.[1]);
  const burst = Number(match?.[2]);
  if (match === null || !(perSecond > 0) || perSecond > MAX_RATE || !(burst >= 1) || burst > MAX_RATE) {
    return { ok: false, problems: [`"${trimmed}" is not a budget: <rate>/<burst> (commands per second, 0 < rate <= ${MAX_RATE}; burst a whole number from 1), or off`] };
  }
  return { ok: true, value: { perSecond, burst } };
};

/** `player.login=1/5,item.transfer=50/100`; every kind must be one of `known`. */
export const parseKindBudgets = (text: string, known: ReadonlySet<string>): Parsed<Record<string, Budget>> => {
  const trimmed = text.trim();
  if (trimmed === 'none' || trimmed === '') return { ok: true, value: {} };
  const value: Record<string, Budget> = {};
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const entry of trimmed.split(',')) {
    const [kind = '', budgetText, ...rest] = entry.split('=').map((part) => part.trim());
    if (budgetText === undefined || rest.length > 0) {
      problems.push(`"${entry.trim()}" is not <category>.<command>=<budget>`);
      continue;
    }
    if (!KIND.test(kind) || !known.has(kind)) {
      problems.push(`${kind} is not a command kind (<category>.<command>, e.g. player.login)`);
      continue;
    }
    if (seen.has(kind)) {
      problems.push(`${kind} is given twice`);
      continue;
    }
    seen.add(kind);
    const budget = parseBudget(budgetText);
    if (budget.ok) value[kind] = budget.value;
    else problems.push(`${kind}: ${budget.problems.join('; ')}`);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value };
};
