import { createEventCodec, createEventRegistry, type EventCodec, type EventRegistry } from './catalog/index.js';
import { guildEventDefinitions, type GuildEvent } from './guild.js';
import { itemEventDefinitions, type ItemEvent } from './item.js';
import { playerEventDefinitions, type PlayerEvent } from './player.js';

/** Every event the game's actors write: the one catalog readers of `$all` decode with. */
export type WorldEvent = PlayerEvent | ItemEvent | GuildEvent;

/** Building it checks, once, that no two actors claim a type and every old version upcasts. */
export const worldRegistry: EventRegistry<WorldEvent> = createEventRegistry<WorldEvent>([
  ...playerEventDefinitions,
  ...itemEventDefinitions,
  ...guildEventDefinitions,
]);

export const worldCodec: EventCodec<WorldEvent> = createEventCodec(worldRegistry);
