import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore } from '../../events/store/index.js';
import { formatPosition } from '../../events/store/position.js';
import { createEsdbEventStore } from '../../infra/eventstore/esdb/index.js';
import { runAudit } from '../../scripts/audit/cli.js';
import { mintGold } from '../audit/faults.js';
import { agreeTrade, seedWorld, startInProcessWorld, tradeOutcome } from '../process/world-fixture.js';
import { startEsdbEmulator, type EsdbEmulator } from '../support/esdb-emulator/index.js';

/**
 * The audit CLI through the EventStoreDB adapter: a world writes its log through the
 * adapter into the emulator (a protocol stand-in, not EventStoreDB), then the CLI reads
 * it back with --esdb.
 */

let emulator: EsdbEmulator;
let store: EventStore;

const audit = async (...argv: string[]): Promise<{ code: number; body: Record<string, unknown> }> => {
  let stdout = '';
  let stderr = '';
  const code = await runAudit([...argv, '--esdb', emulator.connectionString, '--json'], { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env: {} });
  if (stdout === '') throw new Error(`no output (exit ${code}): ${stderr}`);
  return { code, body: JSON.parse(stdout) as Record<string, unknown> };
};

beforeAll(async () => {
  emulator = await startEsdbEmulator({ batchAppend: true });
  store = createEsdbEventStore({ connectionString: emulator.connectionString });
  const world = await startInProcessWorld({ store });
  try {
    await seedWorld(world.bus, ['alice', 'bob'], { gold: 100, items: 1 });
    const agreed = await agreeTrade(world.bus, { tradeId: 'esdb-t1', initiator: 'alice', counterparty: 'bob', initiatorItems: ['alice-i0'], counterpartyGold: 30 });
    if (!agreed.ok) throw new Error(`trade refused: ${agreed.error.message}`);
    expect(await tradeOutcome(store, 'esdb-t1')).toBe('completed');
  } finally {
    await world.stop();
  }
}, 60_000);

afterAll(async () => {
  await store?.close();
  await emulator?.stop();
});

describe('npm run audit over EventStoreDB (the emulator)', () => {
  it('given a log a world wrote through the EventStoreDB adapter, when audited with --esdb, then the economy is clean, the sword has its provenance and a player its state at a position; a credit with no source is then caught at its event', async () => {
    const clean = await audit('economy');
    expect(clean.code).toBe(0);
    expect(clean.body).toMatchObject({ clean: true, tradesCompleted: 1, goldMinted: 200, goldInWallets: 200, problemCount: 0 });
    expect(clean.body['store']).toMatch(/^EventStoreDB at esdb:\/\//);

    const sword = await audit('item', 'alice-i0');
    expect(sword.code).toBe(0);
    expect(sword.body).toMatchObject({ owners: ['alice', 'bob'], current: { kind: 'owned', owner: 'bob' } });

    const events: { revision: bigint; position: string }[] = [];
    for await (const stored of store.read('player-alice')) events.push({ revision: stored.revision, position: formatPosition(stored.position) });
    const granted = events[1];
    if (granted === undefined) throw new Error('alice has no grant');
    const atGrant = await audit('actor', 'player', 'alice', '--at-position', granted.position);
    expect(atGrant.body).toMatchObject({ revision: 1, state: { balance: 100 } });
    expect((await audit('actor', 'player', 'alice')).body).toMatchObject({ state: { balance: 130 } });

    const fault = await mintGold(store, 'alice', 500);
    const faulty = await audit('economy');
    expect(faulty.code).toBe(1);
    expect(faulty.body['violations']).toEqual([
      expect.objectContaining({ kind: fault.kind, where: expect.objectContaining({ stream: 'player-alice', revision: Number(fault.at.split('@')[1]) }) }),
    ]);
  });
});
