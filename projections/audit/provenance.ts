import type { RecordedEvent } from '../../events/catalog/index.js';
import { describeHolder, type ItemEvent, type ItemHolder } from '../../events/item.js';
import type { Position } from '../../events/store/position.js';
import type { WorldEvent } from '../../events/world.js';
import { custodyAfter, type Custody } from './item-custody.js';

/**
 * An item's provenance: every change of custody from its minting to now (its whole
 * stream), each with the custody before and after, the trade or auction that held it,
 * and the command that moved it (command id, issuer, correlation and causation). A step
 * that contradicts the custody before it is marked, as the economy audit counts it.
 */

/** A trade or an auction as a provenance step names it: who took part and how it ended. */
export interface HolderSummary {
  readonly holder: ItemHolder;
  /** Trade: initiator and counterparty; auction: the seller, then the winner once won. */
  readonly parties: readonly string[];
  /** `completed`, `failed`, `cancelled` (trades); `settled`, `returned`, `cancelled` (auctions); undefined while running. */
  readonly outcome: string | undefined;
  /** Whether its stream exists at all. */
  readonly exists: boolean;
}

export interface ProvenanceStep {
  readonly revision: bigint;
  readonly position: Position;
  readonly created: Date;
  readonly occurredAt: Date;
  readonly type: ItemEvent['type'];
  readonly before: Custody;
  readonly after: Custody;
  /** The trade or auction of an escrow or a release. */
  readonly holder: ItemHolder | undefined;
  readonly via: HolderSummary | undefined;
  readonly commandId: string | undefined;
  readonly issuer: string | undefined;
  readonly correlationId: string;
  readonly causationId: string | undefined;
  /** Why the step could not have happened from the custody before it (a duplicated item). */
  readonly contradiction: string | undefined;
}

export interface ItemProvenance {
  readonly itemId: string;
  readonly templateId: string | undefined;
  readonly steps: readonly ProvenanceStep[];
  /** Every player who owned it, in order (one entry per ownership, so a player may come back). */
  readonly owners: readonly string[];
  readonly current: Custody;
  readonly contradictions: number;
}

const holderKey = (holder: ItemHolder): string => `${holder.kind}:${holder.id}`;

const holderOfEvent = (event: ItemEvent): ItemHolder | undefined =>
  event.type === 'ItemEscrowed' || event.type === 'ItemReleased' ? event.data.holder : undefined;

/** The trades and auctions an item's events name, each once: the streams to summarise. */
export const holdersNamed = (events: readonly RecordedEvent<ItemEvent>[]): ItemHolder[] => {
  const found = new Map<string, ItemHolder>();
  for (const event of events) {
    const holder = holderOfEvent(event);
    if (holder !== undefined) found.set(holderKey(holder), holder);
  }
  return [...found.values()];
};

/** A trade's or an auction's summary from its own stream's events. */
export const summarizeHolder = (holder: ItemHolder, events: readonly RecordedEvent<WorldEvent>[]): HolderSummary => {
  const parties: string[] = [];
  let outcome: string | undefined;
  for (const event of events) {
    if (event.type === 'TradeProposed') parties.push(event.data.initiator, event.data.counterparty);
    else if (event.type === 'AuctionListed') parties.push(event.data.seller);
    else if (event.type === 'AuctionWon') parties.push(event.data.winner);
    else if (event.type === 'TradeClosed' || event.type === 'AuctionEnded') outcome ??= event.data.outcome;
  }
  return { holder, parties, outcome, exists: events.length > 0 };
};

const ownerOf = (custody: Custody): string | undefined => (custody.kind === 'owned' ? custody.owner : undefined);

export const itemProvenance = (
  itemId: string,
  events: readonly RecordedEvent<ItemEvent>[],
  holders: readonly HolderSummary[] = [],
): ItemProvenance => {
  const summaries = new Map(holders.map((summary) => [holderKey(summary.holder), summary]));
  let custody: Custody = { kind: 'unminted' };
  let templateId: string | undefined;
  let contradictions = 0;
  const owners: string[] = [];
  const steps = events.map((event): ProvenanceStep => {
    const { next, contradiction } = custodyAfter(custody, event);
    if (contradiction !== undefined) contradictions += 1;
    if (event.type === 'ItemMinted') templateId ??= event.data.templateId;
    const owner = ownerOf(next);
    if (owner !== undefined && owner !== ownerOf(custody)) owners.push(owner);
    const holder = holderOfEvent(event);
    const step: ProvenanceStep = {
      revision: event.revision,
      position: event.position,
      created: event.created,
      occurredAt: event.metadata.occurredAt,
      type: event.type,
      before: custody,
      after: next,
      holder,
      via: holder === undefined ? undefined : summaries.get(holderKey(holder)),
      commandId: event.metadata.commandId,
      issuer: event.metadata.issuer,
      correlationId: event.metadata.correlationId,
      causationId: event.metadata.causationId,
      contradiction,
    };
    custody = next;
    return step;
  });
  return { itemId, templateId, steps, owners, current: custody, contradictions };
};

/** `trade t-42 (alice ↔ bob, completed)`. */
export const describeVia = (summary: HolderSummary): string => {
  const separator = summary.holder.kind === 'trade' ? ' ↔ ' : ' → ';
  const parties = summary.parties.length === 0 ? '' : summary.parties.join(separator);
  const state = summary.exists ? (summary.outcome ?? 'running') : 'no such stream';
  return `${describeHolder(summary.holder)} (${[parties, state].filter((part) => part !== '').join(', ')})`;
};
