import fc from 'fast-check';
import { expect } from 'vitest';
import type { ItemCommand } from '../../../actors/item/commands.js';
import { itemDecider } from '../../../actors/item/decider.js';
import { itemSnapshotCodec } from '../../../actors/item/definition.js';
import { foldInventories, type Inventories, type StreamedItemEvent } from '../../../actors/item/inventory.js';
import { evolveItem, type ItemState } from '../../../actors/item/state.js';
import type { ErrorCode } from '../../../actors/runtime/protocol/error-codes.js';
import type { Issuer } from '../../../actors/runtime/protocol/issuer.js';
import { sameHolder, type ItemEvent, type ItemHolder } from '../../../events/item.js';
import { contextFor } from '../decider-spec.js';

/**
 * Random item command sequences and the properties every one must keep, shared by the
 * item decider's specification (test/actors/item) and figure 1 of RELIABILITY.md
 * (test/chaos/decider-properties.chaos.spec.ts). Small pools of players and holders make
 * most commands collide with the state, so every branch of the decider is exercised.
 */
/** `i0` and `i1` are minted before each sequence; `i2` only if the sequence mints it (forged ids). */
const ITEMS = ['i0', 'i1', 'i2'] as const;
const MINTED_FIRST = 2;
const PLAYERS = ['p1', 'p2', 'p3', 'p4'] as const;
const HOLDERS: readonly ItemHolder[] = [
  { kind: 'trade', id: 't1' },
  { kind: 'auction', id: 'a1' },
  // Same id as a trade: kinds must never be confused.
  { kind: 'auction', id: 't1' },
];

const player = fc.constantFrom(...PLAYERS);
const holder = fc.constantFrom(...HOLDERS);
/**
 * `claimant`: whoever the command is naturally sent by: the player it speaks for (a
 * transfer's `from`), or a server for server-only commands; so that most commands are
 * authorized and reach the state, while the other choices probe authorization.
 */
type IssuerChoice = { readonly kind: 'server' } | { readonly kind: 'claimant' } | { readonly kind: 'player'; readonly id: string };
const issuer: fc.Arbitrary<IssuerChoice> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<IssuerChoice>({ kind: 'server' }) },
  { weight: 2, arbitrary: fc.constant<IssuerChoice>({ kind: 'claimant' }) },
  { weight: 1, arbitrary: player.map((id): IssuerChoice => ({ kind: 'player', id })) },
);
const claimantOf = (command: ItemCommand): Issuer => {
  if (command.type === 'transfer') return { kind: 'player', id: command.data.from };
  if (command.type === 'consume') return { kind: 'player', id: command.data.owner ?? 'p1' };
  return { kind: 'server', id: 'gs1' };
};
const resolveIssuer = (choice: IssuerChoice, command: ItemCommand): Issuer => {
  switch (choice.kind) {
    case 'server':
      return { kind: 'server', id: 'gs1' };
    case 'claimant':
      return claimantOf(command);
    case 'player':
      return { kind: 'player', id: choice.id };
  }
};
// Terminal commands are rare so that most sequences keep an item alive for many steps.
const command: fc.Arbitrary<ItemCommand> = fc.oneof(
  { weight: 2, arbitrary: player.map((owner): ItemCommand => ({ type: 'mint', data: { templateId: 'sword', owner } })) },
  { weight: 12, arbitrary: fc.tuple(player, player).map(([from, to]): ItemCommand => ({ type: 'transfer', data: { from, to } })) },
  { weight: 8, arbitrary: fc.tuple(holder, player).map(([h, from]): ItemCommand => ({ type: 'escrow', data: { holder: h, from } })) },
  { weight: 10, arbitrary: fc.tuple(holder, player).map(([h, to]): ItemCommand => ({ type: 'release', data: { holder: h, to } })) },
  {
    weight: 1,
    arbitrary: fc.option(player, { nil: undefined }).map((owner): ItemCommand => ({ type: 'consume', data: owner === undefined ? {} : { owner } })),
  },
  { weight: 1, arbitrary: fc.constant<ItemCommand>({ type: 'destroy', data: { reason: 'cleanup' } }) },
);
const step = fc.record({ item: fc.nat({ max: ITEMS.length - 1 }), issuer, command });

type Custody =
  | { readonly kind: 'none' }
  | { readonly kind: 'owner'; readonly player: string }
  | { readonly kind: 'escrow'; readonly holder: ItemHolder; readonly from: string }
  | { readonly kind: 'gone' };

/**
 * The invariant, checked on the log alone and independently of the decider: each event
 * must take the item from the custody it is in, so at every position the item has
 * exactly one owner or one escrow (or does not exist yet, or no longer does).
 */
const custodyOf = (log: readonly ItemEvent[]): Custody => {
  let custody: Custody = { kind: 'none' };
  log.forEach((event, position) => {
    const broken = (): never => {
      throw new Error(`custody broken at position ${position}: ${JSON.stringify(event)} while ${JSON.stringify(custody)}`);
    };
    switch (event.type) {
      case 'ItemMinted':
        if (custody.kind !== 'none') broken();
        custody = { kind: 'owner', player: event.data.owner };
        break;
      case 'ItemTransferred':
        if (custody.kind !== 'owner' || custody.player !== event.data.from || event.data.from === event.data.to) broken();
        custody = { kind: 'owner', player: event.data.to };
        break;
      case 'ItemEscrowed':
        if (custody.kind !== 'owner' || custody.player !== event.data.owner) broken();
        custody = { kind: 'escrow', holder: event.data.holder, from: event.data.owner };
        break;
      case 'ItemReleased':
        if (custody.kind !== 'escrow' || !sameHolder(custody.holder, event.data.holder)) broken();
        custody = { kind: 'owner', player: event.data.to };
        break;
      case 'ItemEscrowVoided':
        // A holder may void only an escrow it does not hold: custody stays as it is.
        if (custody.kind === 'escrow' && sameHolder(custody.holder, event.data.holder)) broken();
        break;
      case 'ItemConsumed':
      case 'ItemDestroyed':
        if (custody.kind !== 'owner' || custody.player !== event.data.owner) broken();
        custody = { kind: 'gone' };
        break;
    }
  });
  return custody;
};

const custodyMatches = (custody: Custody, state: ItemState): boolean => {
  switch (custody.kind) {
    case 'none':
      return state.status === 'unminted';
    case 'owner':
      return state.status === 'owned' && state.owner === custody.player;
    case 'escrow':
      return state.status === 'escrowed' && sameHolder(state.holder, custody.holder) && state.owner === custody.from;
    case 'gone':
      return state.status === 'consumed' || state.status === 'destroyed';
  }
};

const inventoriesOf = (states: readonly ItemState[]): Inventories => {
  const inventories: Inventories = new Map();
  states.forEach((state, index) => {
    if (state.status !== 'owned') return;
    const items = inventories.get(state.owner) ?? new Set<string>();
    items.add(ITEMS[index] ?? '');
    inventories.set(state.owner, items);
  });
  return inventories;
};

const fold = (log: readonly ItemEvent[]): ItemState => log.reduce(evolveItem, itemDecider.initialState());

const EXPECTED_REJECTIONS = new Set<ErrorCode>(['UNAUTHORIZED', 'NOT_FOUND', 'NOT_OWNER', 'REJECTED']);

/** A sequence of steps against the three items, after `i0` and `i1` are minted. */
export const itemSteps = fc.array(step, { minLength: 1, maxLength: 60, size: 'max' });
export type ItemStep = typeof step extends fc.Arbitrary<infer T> ? T : never;

/** How often each event and each refusal was reached, to hold the generator to its job. */
export interface ItemSequenceTally {
  readonly events: Map<string, number>;
  readonly rejections: Map<string, number>;
}

/**
 * Runs one sequence and asserts, at every prefix and for every item: one owner or one
 * escrow (items conserved), fold(events) = state (also through the snapshot codec),
 * the inventories folded from the log equal the states, and the same step again changes
 * nothing (a repeated command = one command).
 */
export const checkItemSequence = (steps: readonly ItemStep[], tally?: ItemSequenceTally): void => {
  const count = (map: Map<string, number> | undefined, key: string): void => void map?.set(key, (map.get(key) ?? 0) + 1);
  const states: ItemState[] = ITEMS.map(() => itemDecider.initialState());
  const logs: ItemEvent[][] = ITEMS.map(() => []);
  const global: StreamedItemEvent[] = [];
  const escrowSteps: { readonly item: number; readonly command: ItemCommand }[] = [];
  const mints = Array.from({ length: MINTED_FIRST }, (_, item) => ({
    item,
    issuer: { kind: 'server' } as const,
    command: { type: 'mint', data: { templateId: 'sword', owner: PLAYERS[item] ?? 'p1' } } as const,
  }));

  for (const { item, issuer: choice, command: sent } of [...mints, ...steps]) {
    const itemId = ITEMS[item] ?? 'i0';
    const context = contextFor(itemId, resolveIssuer(choice, sent));
    const before = states[item] ?? itemDecider.initialState();
    const decision = itemDecider.decide(sent, before, context);
    if (!decision.ok) {
      expect(EXPECTED_REJECTIONS.has(decision.rejection.code), decision.rejection.code).toBe(true);
      count(tally?.rejections, `${sent.type}:${decision.rejection.code}`);
      continue;
    }
    const after = decision.events.reduce(evolveItem, before);
    states[item] = after;
    for (const event of decision.events) {
      logs[item]?.push(event);
      global.push({ ...event, stream: `item-${itemId}` });
      count(tally?.events, event.type);
    }

    // The same step again changes nothing: refused, or (escrow steps) accepted as a no-op.
    const again = itemDecider.decide(sent, after, context);
    if (sent.type === 'escrow' || sent.type === 'release') {
      expect(again).toEqual({ ok: true, events: [] });
      escrowSteps.push({ item, command: sent });
    } else {
      expect(again.ok ? again.events : []).toEqual([]);
    }

    // Invariants at this prefix, for every item.
    states.forEach((state, index) => {
      const log = logs[index] ?? [];
      expect(custodyMatches(custodyOf(log), state)).toBe(true);
      expect(fold(log)).toEqual(state);
      expect(itemSnapshotCodec.decode(structuredClone(itemSnapshotCodec.encode(state)))).toEqual(state);
    });
    expect(foldInventories(global)).toEqual(inventoriesOf(states));
  }

  // Any escrow step taken earlier, repeated at the end, is still a no-op.
  for (const { item, command: earlier } of escrowSteps) {
    const repeat = itemDecider.decide(earlier, states[item] ?? itemDecider.initialState(), contextFor(ITEMS[item] ?? 'i0', { kind: 'server', id: 'gs1' }));
    expect(repeat).toEqual({ ok: true, events: [] });
  }
};
