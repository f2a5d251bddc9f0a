import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { createEventCodec, createEventRegistry, type DomainEvent } from '../../events/catalog/index.js';
import { actorType } from './actor-definition.js';
import { createCell, decideBatch, type PendingCommand } from './actor-cell.js';
import { accept, type Command, type DecisionContext } from './decider.js';

type Seen = DomainEvent<'Seen', { readonly n: number }>;

/** Records the context of every decision; reads `entropy` only for `use`, twice. */
const contexts: { actorId: string; commandId: string; issuer: unknown; now: Date; entropy: Uint8Array[] }[] = [];
const seer = actorType<number, Command<'use' | 'skip', Record<string, never>>, Seen>({
  category: 'seer',
  decider: {
    initialState: () => 0,
    evolve: (n) => n + 1,
    decide: (command, n, context: DecisionContext) => {
      const reads = command.type === 'use' ? [context.entropy, context.entropy] : [];
      contexts.push({ actorId: context.actorId, commandId: context.commandId, issuer: context.issuer, now: context.now, entropy: reads });
      return accept({ type: 'Seen', data: { n } });
    },
  },
  commands: { use: { schema: z.object({}) }, skip: { schema: z.object({}) } },
  events: createEventCodec(createEventRegistry<Seen>([{ type: 'Seen', version: 1 }])),
});

const pending = (type: 'use' | 'skip', commandId: string, at: number): PendingCommand => ({
  command: { type, data: {} },
  commandId,
  issuer: { kind: 'player', id: 'p1' },
  correlationId: commandId,
  receivedAt: new Date(at),
  reply: () => undefined,
});

describe('decideBatch', () => {
  it('hands each decider its own context: entropy drawn on first read only, the same bytes on every read', () => {
    contexts.length = 0;
    let draws = 0;
    const entropy = (): Uint8Array => new Uint8Array(32).fill((draws += 1));
    let ids = 0;
    const cell = createCell(seer, 'x1', 16);
    const batch = [pending('use', 'c1', 1_000), pending('skip', 'c2', 2_000), pending('use', 'c3', 3_000)];
    const decided = decideBatch(cell, batch, () => `00000000-0000-4000-8000-00000000000${(ids += 1)}`, entropy);

    expect(draws).toBe(2);
    expect(contexts.map(({ actorId, commandId, issuer, now }) => ({ actorId, commandId, issuer, now }))).toEqual(
      batch.map((command) => ({ actorId: 'x1', commandId: command.commandId, issuer: command.issuer, now: command.receivedAt })),
    );
    const [first, second, third] = contexts;
    expect(first?.entropy[0]).toBe(first?.entropy[1]);
    expect(first?.entropy[0]?.[0]).toBe(1);
    expect(second?.entropy).toEqual([]);
    expect(third?.entropy[0]?.[0]).toBe(2);
    expect(decided.eventTypes).toEqual(['Seen', 'Seen', 'Seen']);
    expect(decided.commandIds).toEqual(['c1', 'c2', 'c3']);
    expect(decided.state).toBe(3);
  });

  it('answers a repeat inside a batch and a command already applied without deciding them', () => {
    contexts.length = 0;
    const cell = createCell(seer, 'x2', 16);
    cell.applied.record('done', 4n, 'Seen');
    const decided = decideBatch(cell, [pending('skip', 'c1', 0), pending('skip', 'c1', 0), pending('skip', 'done', 0)], () => '00000000-0000-4000-8000-000000000001', () => new Uint8Array(32));
    expect(contexts).toHaveLength(1);
    expect(decided.outcomes.map((outcome) => outcome.kind)).toEqual(['decided', 'repeat', 'duplicate']);
    expect(decided.outcomes[1]).toEqual({ kind: 'repeat', of: 0 });
    expect(decided.outcomes[2]).toEqual({ kind: 'duplicate', revision: 4n, eventTypes: ['Seen'] });
  });
});
