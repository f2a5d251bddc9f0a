import type { Command } from 'commander';
import type { RecordedEvent } from '../../events/catalog/index.js';
import type { ItemEvent } from '../../events/item.js';
import type { EventStore } from '../../events/store/index.js';
import { formatPosition } from '../../events/store/position.js';
import { STREAM_ID_PATTERN } from '../../events/store/stream-name.js';
import { isItemEvent } from '../../projections/audit/event-kinds.js';
import { describeCustody } from '../../projections/audit/item-custody.js';
import { describeVia, holdersNamed, itemProvenance, summarizeHolder, type ItemProvenance } from '../../projections/audit/provenance.js';
import { EXIT_CLEAN, EXIT_NOT_CLEAN, UsageError, type AuditIo, type CommonOptions } from './context.js';
import { iso, table, toJson } from './format.js';
import { readStream } from './log.js';
import { withAuditStore } from './store.js';

/**
 * `audit item <itemId>`: the item's provenance from its minting to now: every owner and
 * escrow, the trade or auction that held it (parties, outcome) and the commands that
 * moved it. Exit 1 when the item was never minted or its history contradicts itself.
 */

/** Reads the item's stream and the streams of the trades and auctions it names. */
export const readProvenance = async (store: EventStore, itemId: string): Promise<ItemProvenance> => {
  const events = (await readStream(store, `item-${itemId}`)).filter((event): event is RecordedEvent<ItemEvent> => isItemEvent(event));
  const holders = await Promise.all(
    holdersNamed(events).map(async (holder) => summarizeHolder(holder, await readStream(store, `${holder.kind}-${holder.id}`))),
  );
  return itemProvenance(itemId, events, holders);
};

export const provenanceText = (provenance: ItemProvenance): string => {
  const { itemId, templateId, steps, owners, current, contradictions } = provenance;
  if (steps.length === 0) return `item ${itemId}: never minted (no events in item-${itemId})\n`;
  const rows = steps.map((step) => [
    step.revision.toString(),
    formatPosition(step.position),
    iso(step.created),
    step.type.replace(/^Item/, '').toLowerCase(),
    describeCustody(step.after),
    step.via === undefined ? '' : describeVia(step.via),
    step.commandId ?? '',
    step.issuer ?? '',
    step.correlationId,
    step.contradiction === undefined ? '' : `CONTRADICTION: ${step.contradiction}`,
  ]);
  const verdict = contradictions === 0 ? 'a consistent history' : `${contradictions} step(s) contradict the custody before them`;
  return [
    `item ${itemId} (template ${templateId ?? '?'}): ${describeCustody(current)}; owners ${owners.join(' → ')}; ${verdict}`,
    table(['rev', 'position', 'written', 'step', 'custody after', 'trade or auction', 'command', 'issuer', 'correlation', ''], rows),
  ].join('\n');
};

export const runItem = async (itemId: string, options: CommonOptions, io: AuditIo): Promise<number> => {
  if (!STREAM_ID_PATTERN.test(itemId)) throw new UsageError(`invalid item id ${JSON.stringify(itemId)}: expected [A-Za-z0-9_-]{1,64}`);
  const provenance = await withAuditStore(options, io, ({ store }) => readProvenance(store, itemId));
  io.stdout(options.json === true ? toJson({ minted: provenance.steps.length > 0, ...provenance }) : provenanceText(provenance));
  return provenance.steps.length > 0 && provenance.contradictions === 0 ? EXIT_CLEAN : EXIT_NOT_CLEAN;
};

export const addItemCommand = (program: Command, io: AuditIo, run: (work: () => Promise<number>) => Promise<void>): Command =>
  program
    .command('item')
    .description("An item's provenance from its minting to now: every owner and escrow, the trade or auction that held it, the commands that moved it.")
    .argument('<itemId>', 'the item id, e.g. sim-p7-i2')
    .addHelpText('after', '\nExit codes: 0 a consistent history; 1 never minted, or a step contradicts the one before (a duplicated item).\nExample:\n  npm run audit -- item sim-p7-i2')
    .action((itemId: string, options: CommonOptions) => run(() => runItem(itemId, options, io)));
