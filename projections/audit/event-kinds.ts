import { auctionEventDefinitions, type AuctionEvent } from '../../events/auction.js';
import type { DomainEvent } from '../../events/catalog/index.js';
import { guildEventDefinitions, type GuildEvent } from '../../events/guild.js';
import { itemEventDefinitions, type ItemEvent } from '../../events/item.js';
import { playerEventDefinitions, type PlayerEvent } from '../../events/player.js';
import { tradeEventDefinitions, type TradeEvent } from '../../events/trade.js';

/** Which actor's catalog an event belongs to, from the catalog itself (so a new event type needs no list here). */
const guard = <E extends DomainEvent>(definitions: readonly { readonly type: E['type'] }[]) => {
  const types: ReadonlySet<string> = new Set(definitions.map((definition) => definition.type));
  return (event: DomainEvent): event is E => types.has(event.type);
};

export const isPlayerEvent = guard<PlayerEvent>(playerEventDefinitions);
export const isItemEvent = guard<ItemEvent>(itemEventDefinitions);
export const isGuildEvent = guard<GuildEvent>(guildEventDefinitions);
export const isTradeEvent = guard<TradeEvent>(tradeEventDefinitions);
export const isAuctionEvent = guard<AuctionEvent>(auctionEventDefinitions);
