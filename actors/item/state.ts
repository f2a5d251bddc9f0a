import { sameHolder, type ItemEvent, type ItemHolder } from '../../events/item.js';

/**
 * A holder's finished escrow of this item: taken from `owner`, released to `to`. Kept so
 * that a process manager repeating an escrow or release step it already completed (it
 * crashed before recording the acknowledgement) gets a no-op, even after the item has
 * moved on, been consumed or destroyed.
 */
export interface Settlement {
  readonly holder: ItemHolder;
  readonly owner: string;
  readonly to: string;
  /** The holder never held the item: it voided an escrow it had been refused (ItemEscrowVoided). */
  readonly voided?: true;
}

/**
 * How many finished escrows an item remembers. A repeat of a step older than this many
 * later escrows of the same item is decided afresh (and refused: the holder no longer
 * holds it). Bounded so that a much-traded item's state and snapshots stay small; the
 * runtime's own commandId window (256 per actor) is the first line of defence anyway.
 */
export const SETTLEMENTS_REMEMBERED = 64;

/** What every item that exists carries. `owner` is, while escrowed, the player it was taken from. */
interface MintedItem {
  readonly templateId: string;
  readonly owner: string;
  /** Oldest first, at most SETTLEMENTS_REMEMBERED. */
  readonly settlements: readonly Settlement[];
}

/**
 * One item instance. Its revision is its stream's revision, kept by the runtime (and
 * returned in every reply), not duplicated here. `consumed` and `destroyed` are terminal:
 * the id is never reused and no command moves the item again.
 */
export type ItemState =
  | { readonly status: 'unminted' }
  | ({ readonly status: 'owned' } & MintedItem)
  | ({ readonly status: 'escrowed'; readonly holder: ItemHolder } & MintedItem)
  | ({ readonly status: 'consumed' } & MintedItem)
  | ({ readonly status: 'destroyed'; readonly reason: string } & MintedItem);

export type ItemStatus = ItemState['status'];
export type ExistingItem = Exclude<ItemState, { readonly status: 'unminted' }>;

export const initialItemState = (): ItemState => ({ status: 'unminted' });

const remember = (settlements: readonly Settlement[], settlement: Settlement): readonly Settlement[] =>
  [...settlements, settlement].slice(-SETTLEMENTS_REMEMBERED);

/** The holder's finished escrow of this item, if it is still remembered. */
export const settlementOf = (state: ExistingItem, holder: ItemHolder): Settlement | undefined =>
  state.settlements.find((settlement) => sameHolder(settlement.holder, holder));

/**
 * Never throws; an event that does not fit the state is ignored. The log is the truth:
 * a fitting event is applied as written (the decider only ever writes events whose
 * `from`/`owner` match the state, so checking them again here would only hide a
 * corrupt log from the audit, which replays the log with its own checks).
 */
export const evolveItem = (state: ItemState, event: ItemEvent): ItemState => {
  switch (event.type) {
    case 'ItemMinted':
      if (state.status !== 'unminted') return state;
      return { status: 'owned', templateId: event.data.templateId, owner: event.data.owner, settlements: [] };
    case 'ItemTransferred':
      if (state.status !== 'owned') return state;
      return { ...state, owner: event.data.to };
    case 'ItemEscrowed':
      if (state.status !== 'owned') return state;
      return { ...state, status: 'escrowed', holder: event.data.holder };
    case 'ItemReleased': {
      if (state.status !== 'escrowed' || !sameHolder(state.holder, event.data.holder)) return state;
      const { holder, ...item } = state;
      const settlements = remember(state.settlements, { holder, owner: state.owner, to: event.data.to });
      return { ...item, status: 'owned', owner: event.data.to, settlements };
    }
    case 'ItemEscrowVoided': {
      if (state.status === 'unminted' || settlementOf(state, event.data.holder) !== undefined) return state;
      if (state.status === 'escrowed' && sameHolder(state.holder, event.data.holder)) return state;
      const voided: Settlement = { holder: event.data.holder, owner: event.data.owner, to: event.data.owner, voided: true };
      return { ...state, settlements: remember(state.settlements, voided) };
    }
    case 'ItemConsumed':
      if (state.status !== 'owned') return state;
      return { ...state, status: 'consumed' };
    case 'ItemDestroyed':
      if (state.status !== 'owned') return state;
      return { ...state, status: 'destroyed', reason: event.data.reason };
  }
};
