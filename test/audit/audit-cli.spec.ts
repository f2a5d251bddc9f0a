import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPosition } from '../../events/store/position.js';
import { openSqliteEventStore } from '../../infra/eventstore/sqlite/index.js';
import { runAudit } from '../../scripts/audit/cli.js';
import { breakEscrow, duplicateItem, mintGold, repeatCommand, type InjectedFault } from './faults.js';
import { recordSimulatedLog, type SimulatedLog } from './simulated-log.js';

/**
 * The audit CLI, run in this process, over a log the real system wrote under a simulated
 * load (SQLite), and over copies of it with one fault injected each.
 */

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export const audit = async (...argv: string[]): Promise<Run> => {
  let stdout = '';
  let stderr = '';
  const code = await runAudit(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env: {} });
  return { code, stdout, stderr };
};

const json = async (...argv: string[]): Promise<{ readonly code: number; readonly body: Record<string, unknown> }> => {
  const run = await audit(...argv, '--json');
  if (run.stdout === '') throw new Error(`no output: ${run.stderr}`);
  return { code: run.code, body: JSON.parse(run.stdout) as Record<string, unknown> };
};

let log: SimulatedLog;
let copies = 0;

/** A copy of the simulated log with `inject` applied through a writable store. */
const faulty = async <T>(inject: (store: ReturnType<typeof openSqliteEventStore>) => Promise<T>): Promise<{ file: string; fault: T }> => {
  copies += 1;
  const file = join(log.dir, `faulty-${copies}.sqlite`);
  copyFileSync(log.file, file);
  const store = openSqliteEventStore({ path: file, synchronous: 'normal' });
  try {
    return { file, fault: await inject(store) };
  } finally {
    await store.close();
  }
};

beforeAll(async () => {
  log = await recordSimulatedLog((file) => openSqliteEventStore({ path: file, synchronous: 'normal' }));
}, 60_000);

afterAll(() => {
  if (log !== undefined && existsSync(log.dir)) rmSync(log.dir, { recursive: true, force: true });
});

describe('audit economy over a log the real system wrote', () => {
  it('given the log of a simulated load, when audited, then it is clean and says so with exit code 0', async () => {
    const { code, body } = await json('economy', '--sqlite', log.file);

    expect(code).toBe(0);
    expect(body).toMatchObject({ clean: true, problems: [], problemCount: 0, goldCreated: 0, itemsDuplicated: 0, itemsVanished: 0, commandsRepeated: 0 });
    expect(body['events']).toBeGreaterThan(1_000);
    expect(body['tradesCompleted']).toBeGreaterThan(0);
    expect((body['goldMinted'] as number) - (body['goldSunk'] as number)).toBe((body['goldInWallets'] as number) + (body['goldInEscrow'] as number));
  });

  it('given the same log, when audited for people, then the table ends with a clean verdict', async () => {
    const { code, stdout } = await audit('economy', '--sqlite', log.file);

    expect(code).toBe(0);
    expect(stdout).toMatch(/^economy audit of [\d,]+ events in SQLite /);
    expect(stdout).toMatch(/commands applied twice\s+0/);
    expect(stdout).toContain('verdict: clean');
  });

  const FAULTS: readonly [string, () => Promise<{ file: string; fault: InjectedFault }>][] = [
    ['a duplicated item (the sword handed on again by its former owner)', () => faulty((store) => duplicateItem(store, log.sword, 'probe-a', 'sim-p1'))],
    ['minted gold (a trade credit no trade paid for)', () => faulty((store) => mintGold(store, 'sim-p3', 1_000))],
    ['a repeated command id (a loot credit applied again)', () => faulty((store) => repeatCommand(store, 'probe-a'))],
    ['a broken escrow (an item escrowed by a trade already closed)', () => faulty((store) => breakEscrow(store, log.tradeId))],
  ];

  it.each(FAULTS)('given the log with %s, when audited, then exactly that fault is named at its event and the exit code is 1', async (_name, inject) => {
    const { file, fault } = await inject();

    const { code, body } = await json('economy', '--sqlite', file);
    const text = await audit('economy', '--sqlite', file);

    expect(code).toBe(1);
    expect(body['clean']).toBe(false);
    const violations = body['violations'] as { kind: string; where: { stream: string; revision: number } }[];
    expect(violations.map((violation) => [violation.kind, `${violation.where.stream}@${violation.where.revision}`])).toEqual([[fault.kind, fault.at]]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('VIOLATIONS');
    expect(text.stdout).toMatch(new RegExp(`${fault.kind}\\s+${fault.at.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s`));
  });

  it('given the log with all four faults, when audited, then each is named at its own event, in log order', async () => {
    const { file, fault } = await faulty(async (store) => [
      await duplicateItem(store, log.sword, 'probe-a', 'sim-p1'),
      await mintGold(store, 'sim-p3', 1_000),
      await repeatCommand(store, 'probe-a'),
      await breakEscrow(store, log.tradeId),
    ]);

    const { code, body } = await json('economy', '--sqlite', file);

    expect(code).toBe(1);
    const named = (body['violations'] as { kind: string; where: { stream: string; revision: number } }[]).map((violation) => [violation.kind, `${violation.where.stream}@${violation.where.revision}`]);
    expect(named.slice(0, 3)).toEqual(fault.slice(0, 3).map((injected) => [injected.kind, injected.at]));
    // Vanished items are found at the end of the log, so they come after what the replay saw on its way.
    expect(named[3]).toEqual([fault[3]?.kind, fault[3]?.at]);
    expect(body['violationsByKind']).toMatchObject({ 'item-duplicated': 1, 'gold-created': 1, 'command-repeated': 1, 'item-vanished': 1 });
  });
});

describe('audit actor and world: answers checked against what the load replied at the time', () => {
  it('given each balance a probe command replied with, when the player is asked at the position of that reply, at its revision and at a time just after, then the state holds that balance', async () => {
    expect(log.probes.length).toBeGreaterThanOrEqual(4);
    for (const probe of log.probes) {
      const byPosition = await json('actor', 'player', probe.playerId, '--sqlite', log.file, '--at-position', formatPosition(probe.position));
      const byRevision = await json('actor', 'player', probe.playerId, '--sqlite', log.file, '--at-revision', String(probe.revision));
      const byTime = await json('actor', 'player', probe.playerId, '--sqlite', log.file, '--at-time', probe.after.toISOString());

      for (const { code, body } of [byPosition, byRevision, byTime]) {
        expect(code, probe.what).toBe(0);
        expect(body, probe.what).toMatchObject({ revision: probe.revision, state: { status: 'registered', balance: probe.balance } });
      }
    }
  });

  it('given a player, when asked for its timeline, then each event names its command, issuer, correlation and causation', async () => {
    const { body } = await json('actor', 'player', 'probe-b', '--sqlite', log.file);
    const timeline = body['timeline'] as Record<string, unknown>[];

    expect(timeline.map((entry) => entry['type'])).toEqual(['PlayerRegistered', 'GoldCredited', 'GoldDebited', 'GoldDebited']);
    expect(timeline[2]).toMatchObject({ issuer: 'server:trade-queue', correlationId: log.tradeId, data: { cause: 'trade', reference: `${log.tradeId}-escrow` } });
    for (const entry of timeline) expect(entry).toEqual(expect.objectContaining({ commandId: expect.any(String), causationId: expect.any(String), occurredAt: expect.any(String) }));
  });

  it('given an actor of every category, when asked at the end, then its state prints as plain JSON (the trade as its state machine reports itself)', async () => {
    const store = openSqliteEventStore({ path: log.file, readonly: true });
    const first = async (prefix: string): Promise<string> => {
      for await (const stored of store.readAll({ filter: { on: 'streamName', prefixes: [prefix] }, maxCount: 1 })) return stored.stream.slice(prefix.length);
      throw new Error(`no ${prefix} stream`);
    };
    const [auction, guild] = [await first('auction-'), await first('guild-')];
    await store.close();

    const trade = await json('actor', 'trade', log.tradeId, '--sqlite', log.file);
    expect(trade).toMatchObject({ code: 0, body: { state: { value: 'completed', context: { tradeId: log.tradeId, initiator: 'probe-a', counterparty: 'probe-b' } } } });
    expect((await json('actor', 'auction', auction, '--sqlite', log.file)).body['state']).toMatchObject({ itemId: expect.any(String) });
    expect((await json('actor', 'guild', guild, '--sqlite', log.file)).body['state']).toMatchObject({ members: expect.any(Object) });
    expect((await json('actor', 'item', log.sword, '--sqlite', log.file)).body['state']).toMatchObject({ status: 'owned', owner: 'probe-b' });
  });

  it('given the moments before and after the probe trade, when the world is read at each, then the sword and the gold are where the load left them', async () => {
    const before = await json('world', '--sqlite', log.file, '--at-time', log.swordWithA.toISOString());
    const after = await json('world', '--sqlite', log.file, '--at-time', log.swordWithB.toISOString());
    const find = <T extends Record<string, unknown>>(body: Record<string, unknown>, key: string, field: string, id: string): T =>
      (body[key] as T[]).find((entry) => entry[field] === id) as T;

    expect(find(before.body, 'items', 'itemId', log.sword)).toMatchObject({ custody: { kind: 'owned', owner: 'probe-a' } });
    expect(find(after.body, 'items', 'itemId', log.sword)).toMatchObject({ custody: { kind: 'owned', owner: 'probe-b' } });
    expect(find(before.body, 'players', 'playerId', 'probe-a')).toMatchObject({ balance: 380 });
    expect(find(after.body, 'players', 'playerId', 'probe-a')).toMatchObject({ balance: 455 });
    expect(find(after.body, 'players', 'playerId', 'probe-b')).toMatchObject({ balance: 225 });
  });

  it('given the two moments, when the world is diffed, then the sword moved from probe-a to probe-b and both balances changed by the price', async () => {
    const { code, body } = await json('world', '--sqlite', log.file, '--diff', log.swordWithA.toISOString(), log.swordWithB.toISOString());

    expect(code).toBe(0);
    const players = body['players'] as { id: string; before: { balance: number }; after: { balance: number } }[];
    expect(players.find((change) => change.id === 'probe-a')).toMatchObject({ before: { balance: 380 }, after: { balance: 455 } });
    expect(players.find((change) => change.id === 'probe-b')).toMatchObject({ before: { balance: 300 }, after: { balance: 225 } });
    expect((body['items'] as { id: string }[]).find((change) => change.id === log.sword)).toMatchObject({
      before: { custody: { owner: 'probe-a' } },
      after: { custody: { owner: 'probe-b' } },
    });
  });

  it('given the end of the log, when the world is read, then every player and item agrees with its own actor folded by its decider', async () => {
    const { body } = await json('world', '--sqlite', log.file);
    const players = (body['players'] as { playerId: string; balance: number; guildId: string | null }[]).slice(0, 8);
    const items = (body['items'] as { itemId: string; custody: { kind: string; owner?: string } }[]).filter((item) => item.custody.kind === 'owned').slice(0, 8);

    for (const player of players) {
      const actor = await json('actor', 'player', player.playerId, '--sqlite', log.file);
      expect(actor.body['state']).toMatchObject({ balance: player.balance, guildId: player.guildId });
    }
    for (const item of items) {
      const actor = await json('actor', 'item', item.itemId, '--sqlite', log.file);
      expect(actor.body['state']).toMatchObject({ status: 'owned', owner: item.custody.owner });
    }
  });
});

describe('audit item', () => {
  it('given the traded sword, when its provenance is asked, then it shows the mint, the escrow and release by the trade with its parties, and the commands', async () => {
    const { code, body } = await json('item', log.sword, '--sqlite', log.file);

    expect(code).toBe(0);
    expect(body).toMatchObject({ minted: true, owners: ['probe-a', 'probe-b'], contradictions: 0, current: { kind: 'owned', owner: 'probe-b' } });
    const steps = body['steps'] as Record<string, unknown>[];
    expect(steps.map((step) => step['type'])).toEqual(['ItemMinted', 'ItemEscrowed', 'ItemReleased']);
    expect(steps[0]).toMatchObject({ issuer: 'server:gs1', commandId: expect.any(String) });
    for (const step of steps.slice(1)) {
      expect(step).toMatchObject({
        correlationId: log.tradeId,
        issuer: 'server:trade-queue',
        via: { holder: { kind: 'trade', id: log.tradeId }, parties: ['probe-a', 'probe-b'], outcome: 'completed' },
      });
    }
  });

  it('given the sword handed on again by its former owner, when its provenance is asked, then the contradiction is shown and the exit code is 1', async () => {
    const { file } = await faulty((store) => duplicateItem(store, log.sword, 'probe-a', 'sim-p1'));

    const { code, stdout } = await audit('item', log.sword, '--sqlite', file);

    expect(code).toBe(1);
    expect(stdout).toContain('owners probe-a → probe-b → sim-p1');
    expect(stdout).toContain('CONTRADICTION: transferred from probe-a to sim-p1, but it is held by probe-b');
  });

  it('given an id never minted, when asked, then it says so with exit code 1', async () => {
    const { code, stdout } = await audit('item', 'no-such-item', '--sqlite', log.file);

    expect(code).toBe(1);
    expect(stdout).toBe('item no-such-item: never minted (no events in item-no-such-item)\n');
  });
});

describe('audit usage', () => {
  it.each([
    [['actor', 'dragon', 'x'], /unknown category dragon: expected player, item, guild, trade, auction/],
    [['actor', 'player', 'probe-a', '--at-time', 'yesterday'], /--at-time yesterday: expected an ISO 8601 time/],
    [['actor', 'player', 'probe-a', '--at-revision', '1', '--at-position', '1/1'], /give one of --at-revision, --at-position and --at-time/],
    [['world', '--at-revision', '3'], /unknown option '--at-revision'/],
    [['world', '--diff', '1/1'], /--diff takes two points/],
    [['economy', '--sqlite', 'a.sqlite', '--esdb', 'esdb://localhost:2113'], /give --sqlite or --esdb, not both/],
    [['economy', '--esdb', 'http://localhost:2113'], /expected an esdb:\/\/ connection string/],
    [['economy', '--sqlite', '/nonexistent/events.sqlite'], /no SQLite log at \/nonexistent\/events.sqlite/],
    [['economy', '--max-violations', '0'], /expected a whole number of at least 1/],
    [['ledger'], /unknown command 'ledger'/],
  ])('given %j, when run, then it explains and exits with 2', async (argv, message) => {
    const { code, stderr } = await audit(...argv);

    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it.each([[[]], [['actor']], [['world']], [['item']], [['economy']], [['report']]])('given --help after %j, when run, then it prints its usage and exits with 0', async (argv) => {
    const { code, stdout } = await audit(...argv, '--help');

    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: audit/);
    expect(stdout).toContain('--sqlite');
  });

  it('given no --sqlite or --esdb, when run, then it reads the configured log (SHARDKEEP_DATA_DIR)', async () => {
    let stdout = '';
    const code = await runAudit(['economy', '--json'], { stdout: (text) => (stdout += text), stderr: () => undefined, env: { SHARDKEEP_DATA_DIR: log.dir } });

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ store: `SQLite ${join(log.dir, 'events.sqlite')}`, clean: true });
  });
});
