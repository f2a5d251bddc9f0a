import type { TradeOutcome, TradeRequest, TradeStep } from '../../events/trade.js';

/**
 * Turns the actions xstate's `transition()` returns into the request events recorded
 * after a fact. The actions are the machine's own (machine.ts), so their params have
 * the shapes declared there; they are checked rather than cast blindly because
 * xstate types them loosely.
 */

interface ActionData {
  readonly type: string;
  readonly params?: unknown;
}

const field = (params: unknown, name: string): unknown =>
  typeof params === 'object' && params !== null && name in params ? (params as Readonly<Record<string, unknown>>)[name] : undefined;

const stepsIn = (params: unknown): readonly TradeStep[] => {
  const steps = field(params, 'steps');
  return Array.isArray(steps) ? (steps as TradeStep[]) : [];
};

const OUTCOMES: readonly unknown[] = ['completed', 'failed', 'cancelled'] satisfies TradeOutcome[];
const isOutcome = (value: unknown): value is TradeOutcome => OUTCOMES.includes(value);

const requestOf = (action: ActionData): TradeRequest | undefined => {
  switch (action.type) {
    case 'requestEscrow':
    case 'requestSettlement':
    case 'requestRelease': {
      const steps = stepsIn(action.params);
      // An empty request asks nothing of anyone (unwinding with nothing escrowed).
      if (steps.length === 0) return undefined;
      if (action.type === 'requestEscrow') return { type: 'TradeEscrowRequested', data: { steps } };
      if (action.type === 'requestSettlement') return { type: 'TradeSettlementRequested', data: { steps } };
      return { type: 'TradeReleaseRequested', data: { steps } };
    }
    case 'close': {
      const outcome = field(action.params, 'outcome');
      return isOutcome(outcome) ? { type: 'TradeClosed', data: { outcome } } : undefined;
    }
    default:
      // Assignments and anything else xstate reports are not requests.
      return undefined;
  }
};

export const requestsOf = (actions: readonly ActionData[]): TradeRequest[] =>
  actions.flatMap((action) => {
    const request = requestOf(action);
    return request === undefined ? [] : [request];
  });
