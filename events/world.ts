import { createEventCodec, createEventRegistry, type EventCodec, type EventRegistry } from './catalog/index.js';
import { auctionEventDefinitions, type AuctionEvent } from './auction.js';
import { guildEventDefinitions, type GuildEvent } from './guild.js';
import { itemEventDefinitions, type ItemEvent } from './item.js';
import { playerEventDefinitions, type PlayerEvent } from './player.js';
import { tradeEventDefinitions, type TradeEvent } from './trade.js';

/** Every event the game's actors write: the one catalog readers of `$all` decode with. */
export type WorldEvent = PlayerEvent | ItemEvent | GuildEvent | TradeEvent | AuctionEvent;

/** Building it checks, once, that no two actors claim a type and every old version upcasts. */
export const worldRegistry: EventRegistry<WorldEvent> = createEventRegistry<WorldEvent>([
  ...playerEventDefinitions,
  ...itemEventDefinitions,
  ...guildEventDefinitions,
  ...tradeEventDefinitions,
  ...auctionEventDefinitions,
]);

export const worldCodec: EventCodec<WorldEvent> = createEventCodec(worldRegistry);
