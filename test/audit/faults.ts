import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '../../events/catalog/index.js';
import type { EventStore } from '../../events/store/index.js';
import { worldCodec, type WorldEvent } from '../../events/world.js';
import type { ViolationKind } from '../../projections/audit/problems.js';
import { createWorldFold } from '../../projections/audit/world-state.js';

/**
 * Faults injected into a real log, raw, through the store and the real codec, as a bug
 * or a forger would leave them: each appended with the stream's true expected revision,
 * so only the audit can tell. Each returns where the audit must name it.
 */

export interface InjectedFault {
  readonly kind: ViolationKind;
  /** `stream@revision` of the event the audit must name first. */
  readonly at: string;
}

const readStream = async (store: EventStore, stream: string): Promise<RecordedEvent<WorldEvent>[]> => {
  const events: RecordedEvent<WorldEvent>[] = [];
  for await (const stored of store.read(stream)) events.push(worldCodec.decode(stored));
  return events;
};

/** Appends `event` at the end of `stream` as a command the runtime never decided would be. */
const appendRaw = async (store: EventStore, stream: string, event: WorldEvent, metadata: { commandId?: string; correlationId?: string } = {}): Promise<string> => {
  const events = await readStream(store, stream);
  const last = events.at(-1)?.revision;
  const commandId = metadata.commandId ?? randomUUID();
  const encoded = worldCodec.encode(event, {
    eventId: randomUUID(),
    commandId,
    correlationId: metadata.correlationId ?? commandId,
    causationId: commandId,
    occurredAt: new Date(),
    issuer: 'server:rogue',
  });
  await store.append(stream, [encoded], { expectedRevision: last ?? 'no_stream' });
  return `${stream}@${(last === undefined ? 0n : last + 1n).toString()}`;
};

const balanceOf = async (store: EventStore, playerId: string): Promise<number> => {
  let balance = 0;
  for (const event of await readStream(store, `player-${playerId}`)) {
    if (event.type === 'GoldCredited' || event.type === 'GoldDebited') balance = event.data.balanceAfter;
  }
  return balance;
};

/** The sword handed once more by the player who already traded it away: two players could now hold it. */
export const duplicateItem = async (store: EventStore, itemId: string, formerOwner: string, to: string): Promise<InjectedFault> => ({
  kind: 'item-duplicated',
  at: await appendRaw(store, `item-${itemId}`, { type: 'ItemTransferred', data: { from: formerOwner, to } }),
});

/** Gold credited as a trade settlement of a trade that never existed: a credit with no source. */
export const mintGold = async (store: EventStore, playerId: string, amount: number): Promise<InjectedFault> => {
  const balanceAfter = (await balanceOf(store, playerId)) + amount;
  const at = await appendRaw(
    store,
    `player-${playerId}`,
    { type: 'GoldCredited', data: { amount, cause: 'trade', reference: 'ghost-trade-settle', balanceAfter } },
    { correlationId: 'ghost-trade' },
  );
  return { kind: 'gold-created', at };
};

/**
 * The player's first loot credit applied again under its own command id, after other
 * commands, with a correct balanceAfter: gold looks conserved (it is loot), only the
 * command id gives it away.
 */
export const repeatCommand = async (store: EventStore, playerId: string): Promise<InjectedFault> => {
  const events = await readStream(store, `player-${playerId}`);
  const loot = events.find((event) => event.type === 'GoldCredited' && event.data.cause === 'loot');
  if (loot?.type !== 'GoldCredited' || loot.metadata.commandId === undefined) throw new Error(`no loot credit on player-${playerId}`);
  const balanceAfter = (await balanceOf(store, playerId)) + loot.data.amount;
  const at = await appendRaw(
    store,
    `player-${playerId}`,
    { type: 'GoldCredited', data: { ...loot.data, balanceAfter } },
    { commandId: loot.metadata.commandId, correlationId: loot.metadata.correlationId },
  );
  return { kind: 'command-repeated', at };
};

/** An item its owner holds, escrowed by a trade that already closed: it can never come back. */
export const breakEscrow = async (store: EventStore, tradeId: string): Promise<InjectedFault & { readonly itemId: string }> => {
  const fold = createWorldFold();
  for await (const stored of store.readAll({ filter: { on: 'streamName', prefixes: ['item-sim-'] } })) fold.apply(worldCodec.decode(stored));
  const owned = [...fold.snapshot().items.values()].find((item) => item.custody.kind === 'owned');
  if (owned?.custody.kind !== 'owned') throw new Error('no simulated item is owned by anyone');
  const at = await appendRaw(store, `item-${owned.itemId}`, { type: 'ItemEscrowed', data: { owner: owned.custody.owner, holder: { kind: 'trade', id: tradeId } } });
  return { kind: 'item-vanished', at, itemId: owned.itemId };
};
