import { createEventCodec, createEventRegistry } from '../../events/catalog/index.js';
import { tradeEventDefinitions, type TradeEvent } from '../../events/trade.js';
import { actorType, type ActorDefinition, type ActorType } from '../runtime/actor-definition.js';
import { TRADE_CATEGORY, TradeCommandSchemas, type TradeCommand } from './commands.js';
import { tradeDecider } from './decider.js';
import type { TradeState } from './state.js';

export const tradeEventCodec = createEventCodec(createEventRegistry<TradeEvent>(tradeEventDefinitions));

/**
 * No snapshot codec on purpose: the trade is always rebuilt from its own (short)
 * stream, so the machine's snapshot is never read back from storage.
 */
export const tradeDefinition: ActorDefinition<TradeState, TradeCommand, TradeEvent> = {
  category: TRADE_CATEGORY,
  decider: tradeDecider,
  commands: {
    propose: { schema: TradeCommandSchemas.propose },
    offer: { schema: TradeCommandSchemas.offer },
    accept: { schema: TradeCommandSchemas.accept },
    cancel: { schema: TradeCommandSchemas.cancel },
    expire: { schema: TradeCommandSchemas.expire, issuers: ['server'] },
    abort: { schema: TradeCommandSchemas.abort, issuers: ['server'] },
    escrowConfirmed: { schema: TradeCommandSchemas.escrowConfirmed, issuers: ['server'] },
    escrowFailed: { schema: TradeCommandSchemas.escrowFailed, issuers: ['server'] },
    settled: { schema: TradeCommandSchemas.settled, issuers: ['server'] },
    released: { schema: TradeCommandSchemas.released, issuers: ['server'] },
  },
  events: tradeEventCodec,
};

/** The trade actor for a host: `createActorHost({ actors: [tradeActor()], … })`. */
export const tradeActor = (): ActorType => actorType(tradeDefinition);
