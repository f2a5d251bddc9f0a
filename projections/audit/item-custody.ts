import { describeHolder, sameHolder, type ItemEvent, type ItemHolder } from '../../events/item.js';
import { streamOf, type ProblemLog, type Where } from './problems.js';

/**
 * Custody of every item instance, replayed event by event: each change of custody must
 * start from the state the item is in at that point of its stream. One that does not
 * (moved or escrowed from someone who did not hold it, released by a holder that did not
 * hold it, anything after the item was consumed or destroyed, a second mint) means two
 * players could have held the same item: the item is counted as duplicated, once. The
 * replay then follows the log, so later events are judged against what it recorded.
 */

export type Custody =
  /** The stream has no mint (yet). */
  | { readonly kind: 'unminted' }
  | { readonly kind: 'owned'; readonly owner: string }
  | { readonly kind: 'escrowed'; readonly owner: string; readonly holder: ItemHolder }
  | { readonly kind: 'gone'; readonly owner: string; readonly how: 'consumed' | 'destroyed' };

export const describeCustody = (custody: Custody): string => {
  switch (custody.kind) {
    case 'unminted':
      return 'not minted';
    case 'owned':
      return `held by ${custody.owner}`;
    case 'escrowed':
      return `in escrow of ${describeHolder(custody.holder)} (owner ${custody.owner})`;
    case 'gone':
      return `${custody.how} by ${custody.owner}`;
  }
};

const ownedBy = (custody: Custody, player: string): boolean => custody.kind === 'owned' && custody.owner === player;

const holderStream = (holder: ItemHolder): string => streamOf(holder.kind, holder.id);

/** The streams a change of custody concerns besides the item's: the holders and the players on both sides. */
export const streamsInvolved = (custody: Custody, event: ItemEvent): string[] => {
  const streams: string[] = [];
  if (custody.kind === 'escrowed') streams.push(holderStream(custody.holder));
  if (custody.kind !== 'unminted') streams.push(streamOf('player', custody.owner));
  switch (event.type) {
    case 'ItemEscrowed':
      streams.push(holderStream(event.data.holder), streamOf('player', event.data.owner));
      break;
    case 'ItemReleased':
      streams.push(holderStream(event.data.holder), streamOf('player', event.data.to));
      break;
    case 'ItemEscrowVoided':
      streams.push(holderStream(event.data.holder));
      break;
    case 'ItemTransferred':
      streams.push(streamOf('player', event.data.from), streamOf('player', event.data.to));
      break;
    case 'ItemMinted':
    case 'ItemConsumed':
    case 'ItemDestroyed':
      streams.push(streamOf('player', event.data.owner));
      break;
  }
  return [...new Set(streams)];
};

/** The custody after `event`, and what the event contradicts, if anything. */
export const custodyAfter = (custody: Custody, event: ItemEvent): { readonly next: Custody; readonly contradiction?: string } => {
  const but = `, but it is ${describeCustody(custody)}`;
  switch (event.type) {
    case 'ItemMinted': {
      const next: Custody = { kind: 'owned', owner: event.data.owner };
      return custody.kind === 'unminted' ? { next } : { next, contradiction: `minted again for ${event.data.owner}${but}` };
    }
    case 'ItemTransferred': {
      const { from, to } = event.data;
      const next: Custody = { kind: 'owned', owner: to };
      return ownedBy(custody, from) ? { next } : { next, contradiction: `transferred from ${from} to ${to}${but}` };
    }
    case 'ItemEscrowed': {
      const { owner, holder } = event.data;
      const next: Custody = { kind: 'escrowed', owner, holder };
      return ownedBy(custody, owner) ? { next } : { next, contradiction: `escrowed from ${owner} by ${describeHolder(holder)}${but}` };
    }
    case 'ItemReleased': {
      const { holder, to } = event.data;
      const next: Custody = { kind: 'owned', owner: to };
      const held = custody.kind === 'escrowed' && sameHolder(custody.holder, holder);
      return held ? { next } : { next, contradiction: `released by ${describeHolder(holder)} to ${to}${but}` };
    }
    case 'ItemEscrowVoided': {
      // Custody does not change; a holder voiding an escrow it holds would strand the item.
      const held = custody.kind === 'escrowed' && sameHolder(custody.holder, event.data.holder);
      return held ? { next: custody, contradiction: `escrow voided by ${describeHolder(event.data.holder)}${but}` } : { next: custody };
    }
    case 'ItemConsumed':
    case 'ItemDestroyed': {
      const { owner } = event.data;
      const how = event.type === 'ItemConsumed' ? 'consumed' : 'destroyed';
      const next: Custody = { kind: 'gone', owner, how };
      return ownedBy(custody, owner) ? { next } : { next, contradiction: `${how} by ${owner}${but}` };
    }
  }
};

interface ItemRecord {
  custody: Custody;
  duplicated: boolean;
  /** The event that put the item in escrow, while it is (kept only then: an item's record stays small). */
  escrowedAt: Where | undefined;
}

export interface EscrowedItem {
  readonly itemId: string;
  readonly holder: ItemHolder;
  readonly owner: string;
  readonly where: Where;
}

export interface ItemCustodyLedger {
  apply(itemId: string, event: ItemEvent, where: Where): void;
  /** Item streams seen. */
  readonly items: number;
  /** Items with at least one contradicting change of custody. */
  readonly duplicated: number;
  /** Items whose stream ends in escrow. */
  escrowed(): Iterable<EscrowedItem>;
}

export const createItemCustodyLedger = (problems: ProblemLog): ItemCustodyLedger => {
  const items = new Map<string, ItemRecord>();
  let duplicated = 0;
  return {
    apply(itemId, event, where) {
      const record = items.get(itemId) ?? { custody: { kind: 'unminted' }, duplicated: false, escrowedAt: undefined };
      const { next, contradiction } = custodyAfter(record.custody, event);
      if (contradiction !== undefined) {
        problems.note(where, `item ${itemId} ${contradiction}`, 'item-duplicated', {
          streams: streamsInvolved(record.custody, event),
          items: [itemId],
        });
        if (!record.duplicated) duplicated += 1;
        record.duplicated = true;
      }
      // An event that leaves custody as it was (a void) keeps where the escrow began.
      if (next !== record.custody) record.escrowedAt = next.kind === 'escrowed' ? where : undefined;
      record.custody = next;
      items.set(itemId, record);
    },
    get items() {
      return items.size;
    },
    get duplicated() {
      return duplicated;
    },
    *escrowed() {
      for (const [itemId, { custody, escrowedAt }] of items) {
        if (custody.kind === 'escrowed' && escrowedAt !== undefined) yield { itemId, holder: custody.holder, owner: custody.owner, where: escrowedAt };
      }
    },
  };
};
