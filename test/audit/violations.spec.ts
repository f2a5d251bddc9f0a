import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../events/catalog/index.js';
import type { WorldEvent } from '../../events/world.js';
import { auditEvents } from '../../projections/audit/world-audit.js';
import { negotiate, runTrade, worldLog, type WorldLog } from './world-log.js';

/**
 * The audit's violations as a tool shows them: each with its kind, the first event where
 * it appears (stream, revision and position) and the streams and items it concerns; and
 * the check that no command id is applied twice to one stream.
 */

/** The log's events with the command ids (and receipt times) a host would have written. */
const withCommands = (log: WorldLog, commands: readonly { readonly commandId: string; readonly at?: number }[]): RecordedEvent<WorldEvent>[] =>
  log.events.map((event, index) => {
    const command = commands[index];
    if (command === undefined) return event;
    const occurredAt = command.at === undefined ? event.metadata.occurredAt : new Date(command.at);
    return { ...event, metadata: { ...event.metadata, commandId: command.commandId, occurredAt, issuer: 'server:gs1' } };
  });

const AT = Date.UTC(2026, 0, 1);

describe('the audit: a command applied twice', () => {
  const threeLoots = (): WorldLog => {
    const log = worldLog();
    log.credit('alice', 10, 'loot', 'l1');
    log.credit('alice', 10, 'loot', 'l2');
    log.credit('alice', 10, 'loot', 'l3');
    return log;
  };

  it('given one command whose events are contiguous and received at one time, when audited, then nothing is repeated', async () => {
    const log = threeLoots();
    const report = await auditEvents(withCommands(log, [{ commandId: 'c1', at: AT }, { commandId: 'c1', at: AT }, { commandId: 'c2', at: AT }]));

    expect(report).toMatchObject({ commandsRepeated: 0, problems: [] });
  });

  it('given a command id again after another command on the same stream, when audited, then the second application is named at its first event', async () => {
    const log = threeLoots();
    log.credit('alice', 10, 'loot', 'l4');
    const events = withCommands(log, [
      { commandId: 'c1', at: AT },
      { commandId: 'c2', at: AT + 1 },
      { commandId: 'c1', at: AT + 2 },
      { commandId: 'c1', at: AT + 2 },
    ]);

    const report = await auditEvents(events);

    expect(report.commandsRepeated).toBe(1);
    expect(report.violationsByKind['command-repeated']).toBe(1);
    expect(report.violations).toEqual([
      {
        kind: 'command-repeated',
        where: { stream: 'player-alice', revision: 2n, position: events[2]?.position },
        message: 'command c1 (issued by server:gs1) applied again: it was first applied at revision 0',
        streams: ['player-alice'],
        items: [],
      },
    ]);
  });

  it('given a command id on contiguous revisions but received twice, when audited, then it is a second application', async () => {
    const log = threeLoots();
    const report = await auditEvents(withCommands(log, [{ commandId: 'c1', at: AT }, { commandId: 'c1', at: AT + 5_000 }]));

    expect(report.problems).toEqual(['player-alice@1: command c1 (issued by server:gs1) applied again: it was first applied at revision 0']);
  });

  it('given the same command id on two streams, or events without one, when audited, then nothing is repeated', async () => {
    const log = worldLog();
    log.credit('alice', 10, 'loot', 'l1');
    log.credit('bob', 10, 'loot', 'l1');
    log.credit('bob', 10, 'loot', 'l2');

    const report = await auditEvents(withCommands(log, [{ commandId: 'c1' }, { commandId: 'c1' }]));

    expect(report).toMatchObject({ commandsRepeated: 0, problems: [] });
  });

  it('given a repeat further back than the window of command ids per stream, when audited, then it is not seen (the documented bound)', async () => {
    const log = threeLoots();
    log.credit('alice', 10, 'loot', 'l4');
    const events = withCommands(log, [{ commandId: 'c1' }, { commandId: 'c2' }, { commandId: 'c3' }, { commandId: 'c1' }]);

    expect((await auditEvents(events, { commandWindow: 2 })).commandsRepeated).toBe(0);
    expect((await auditEvents(events, { commandWindow: 3 })).commandsRepeated).toBe(1);
  });
});

describe('the audit: what each violation names', () => {
  it('given an item escrowed from a player who gave it away, when audited, then the violation names the item, the trade and both players', async () => {
    const log = worldLog();
    log.mint('sword', 'alice');
    log.transfer('sword', 'alice', 'bob');
    negotiate(log, { tradeId: 't1', initiator: 'alice', counterparty: 'carol', initiatorItems: ['sword'] });
    log.escrow('sword', 'alice', { kind: 'trade', id: 't1' });

    const report = await auditEvents(log.events);

    expect(report.violations[0]).toMatchObject({
      kind: 'item-duplicated',
      where: { stream: 'item-sword', revision: 2n },
      streams: ['item-sword', 'player-bob', 'trade-t1', 'player-alice'],
      items: ['sword'],
    });
    expect(report.violationsByKind).toMatchObject({ 'item-duplicated': 1, 'item-vanished': 0 });
  });

  it('given an item left in escrow of a closed trade, when audited, then it is vanished, named at the escrow with the trade', async () => {
    const log = worldLog();
    log.credit('bob', 10, 'loot', 'l1');
    log.mint('sword', 'alice');
    runTrade(log, { tradeId: 't1', initiator: 'alice', counterparty: 'bob', counterpartyGold: 10 });
    log.escrow('sword', 'alice', { kind: 'trade', id: 't1' });

    const report = await auditEvents(log.events);

    expect(report.violations).toEqual([
      expect.objectContaining({ kind: 'item-vanished', where: expect.objectContaining({ stream: 'item-sword', revision: 1n }), streams: ['item-sword', 'trade-t1'], items: ['sword'] }),
    ]);
  });

  it('given fewer problems kept than found, when audited, then every one is counted by kind', async () => {
    const log = worldLog();
    for (let index = 0; index < 5; index += 1) log.transfer(`ghost-${index}`, 'nobody', 'alice');

    const report = await auditEvents(log.events, { maxProblems: 2 });

    expect(report.violations).toHaveLength(2);
    expect(report.problemCount).toBe(5);
    expect(report.violationsByKind['item-duplicated']).toBe(5);
  });
});
