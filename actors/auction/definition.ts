import { createEventCodec, createEventRegistry } from '../../events/catalog/index.js';
import { auctionEventDefinitions, type AuctionEvent } from '../../events/auction.js';
import { actorType, type ActorDefinition, type ActorType } from '../runtime/actor-definition.js';
import {
  AUCTION_CATEGORY,
  AUCTION_ISSUERS,
  BidData,
  BidRefData,
  BuyoutData,
  ListData,
  NoData,
  type AuctionCommand,
} from './commands.js';
import { auctionDecider } from './decider.js';
import { auctionSnapshotCodec } from './snapshot.js';
import type { AuctionState } from './state.js';

export const auctionEventCodec = createEventCodec(createEventRegistry<AuctionEvent>(auctionEventDefinitions));

export const auctionDefinition: ActorDefinition<AuctionState, AuctionCommand, AuctionEvent> = {
  category: AUCTION_CATEGORY,
  decider: auctionDecider,
  commands: {
    list: { schema: ListData, issuers: AUCTION_ISSUERS.list },
    bid: { schema: BidData, issuers: AUCTION_ISSUERS.bid },
    buyout: { schema: BuyoutData, issuers: AUCTION_ISSUERS.buyout },
    cancel: { schema: NoData, issuers: AUCTION_ISSUERS.cancel },
    close: { schema: NoData, issuers: AUCTION_ISSUERS.close },
    itemEscrowed: { schema: NoData, issuers: AUCTION_ISSUERS.itemEscrowed },
    itemEscrowFailed: { schema: NoData, issuers: AUCTION_ISSUERS.itemEscrowFailed },
    bidFundsHeld: { schema: BidRefData, issuers: AUCTION_ISSUERS.bidFundsHeld },
    bidFundsFailed: { schema: BidRefData, issuers: AUCTION_ISSUERS.bidFundsFailed },
    refunded: { schema: BidRefData, issuers: AUCTION_ISSUERS.refunded },
    settled: { schema: NoData, issuers: AUCTION_ISSUERS.settled },
    returned: { schema: NoData, issuers: AUCTION_ISSUERS.returned },
  },
  events: auctionEventCodec,
  snapshot: auctionSnapshotCodec,
};

/** The auction actor for a host: `createActorHost({ actors: [auctionActor()], … })`. */
export const auctionActor = (): ActorType => actorType(auctionDefinition);
