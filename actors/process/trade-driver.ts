import type { EventStore, StoredEvent } from '../../events/store/index.js';
import { streamName } from '../../events/store/index.js';
import { tradeEventCodec } from '../trade/definition.js';
import { tradeStepCommand, tradeStepFollowUp, type StepFollowUp } from '../trade/manager-steps.js';
import { TRADE_CATEGORY } from '../trade/commands.js';
import { evolveTrade, initialTradeState, pendingSteps, statusOf, type TradeState } from '../trade/state.js';
import { createStreamFolder } from './folded-streams.js';
import { verdictOf } from './replies.js';
import type { CommandSender } from './sender.js';
import { derivedCommandId } from './step-ids.js';

/**
 * Drives one trade as far as it can go now: reads its stream, carries out every step
 * the trade still owes (escrow, settle or release, on the item and player actors), and
 * reports each answer back to the trade, round after round until nothing is owed. Every
 * command has a derived id, so a drive repeated by another host or after a crash repeats
 * the same commands and changes nothing twice.
 */

export interface LoadedTrade {
  readonly state: TradeState;
  /** Epoch ms of the append that began the escrow, if the trade got that far. */
  readonly escrowBeganAt: number | undefined;
}

const foldTrade = (loaded: LoadedTrade, stored: StoredEvent): LoadedTrade => {
  const recorded = tradeEventCodec.decode(stored);
  const escrowBegins = recorded.type === 'TradeEscrowRequested' && loaded.escrowBeganAt === undefined;
  return { state: evolveTrade(loaded.state, recorded), escrowBeganAt: escrowBegins ? recorded.metadata.occurredAt.getTime() : loaded.escrowBeganAt };
};

/** Trades remembered folded between drives. */
const FOLDED_TRADES = 10_000;

export type DriveResult =
  /** Nothing owed now; `finished` when the trade is over. */
  | { readonly kind: 'settled'; readonly revision: bigint; readonly finished: boolean }
  /** Some answer was unknown or a step is blocked: try again after a pause. */
  | { readonly kind: 'unfinished'; readonly blocked: boolean; readonly reason: string };

export interface TradeDriverOptions {
  readonly store: EventStore;
  readonly sender: CommandSender;
  readonly now: () => number;
  /** An escrow whose outcome stays unknown this long after it began makes the trade abort. */
  readonly abortEscrowAfterMs: number;
  readonly onError: (error: unknown, context: string) => void;
}

/** Rounds per drive: escrow, settle and close take three; releases after late escrows a few more. */
const MAX_ROUNDS = 8;

const FINAL = new Set(['completed', 'failed', 'cancelled']);

export const createTradeDriver = (options: TradeDriverOptions) => {
  const { store, sender, now, onError } = options;
  const trades = createStreamFolder<LoadedTrade>({
    store,
    initial: () => ({ state: initialTradeState(), escrowBeganAt: undefined }),
    fold: foldTrade,
    max: FOLDED_TRADES,
  });

  const report = async (tradeId: string, followUp: StepFollowUp): Promise<string | undefined> => {
    if (followUp.kind !== 'report') return followUp.reason;
    const reply = await sender.send(followUp.command);
    const verdict = verdictOf(reply);
    if (verdict.kind === 'unknown') return `${verdict.code}: ${verdict.message}`;
    // A refusal here means the trade already moved past this report (another driver
    // reported first, or the trade was cancelled meanwhile): the next round reads why.
    if (verdict.kind === 'refused' && verdict.code !== 'REJECTED') {
      onError(new Error(`${verdict.code}: ${verdict.message}`), `reporting ${followUp.command.command} to trade ${tradeId}`);
    }
    return undefined;
  };

  const abort = async (tradeId: string, reason: string): Promise<void> => {
    const reply = await sender.send({
      category: TRADE_CATEGORY,
      actorId: tradeId,
      command: 'abort',
      data: { reason: `escrow outcome unknown: ${reason}`.slice(0, 200) },
      commandId: derivedCommandId('trade', tradeId, 'abort'),
      correlationId: tradeId,
    });
    if (!reply.ok) onError(new Error(`${reply.error.code}: ${reply.error.message}`), `aborting trade ${tradeId}`);
  };

  return async (tradeId: string): Promise<DriveResult> => {
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      const stream = streamName(TRADE_CATEGORY, tradeId);
      const { state: loaded, revision } = await trades.load(stream);
      const steps = pendingSteps(loaded.state);
      const status = statusOf(loaded.state);
      if (steps.length === 0) {
        const finished = FINAL.has(status);
        if (finished) trades.forget(stream);
        return { kind: 'settled', revision, finished };
      }
      const followUps = await Promise.all(
        steps.map(async (step) => tradeStepFollowUp(tradeId, step, await sender.send(tradeStepCommand(tradeId, step)))),
      );
      const problems = (await Promise.all(followUps.map((followUp) => report(tradeId, followUp)))).filter((p) => p !== undefined);
      if (problems.length > 0) {
        const reason = problems[0] ?? 'unknown';
        const escrowStuck = status === 'escrowing' && followUps.some((followUp) => followUp.kind === 'retry');
        if (escrowStuck && loaded.escrowBeganAt !== undefined && now() - loaded.escrowBeganAt >= options.abortEscrowAfterMs) {
          await abort(tradeId, reason);
        }
        return { kind: 'unfinished', blocked: followUps.some((followUp) => followUp.kind === 'blocked'), reason };
      }
    }
    return { kind: 'unfinished', blocked: false, reason: `more than ${MAX_ROUNDS} rounds in one drive` };
  };
};
