import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startScript, type ScriptProcess } from '../support/sqlite/script-process.js';

/**
 * `npm start` as a new user runs it: embedded on a fresh data directory, a simulated
 * world, live figures, and on Ctrl-C a drain and an audit whose verdict is clean.
 */
describe('npm start on the embedded default', () => {
  let started: ScriptProcess | undefined;
  let dataDir: string | undefined;
  afterEach(() => {
    started?.child.kill('SIGKILL');
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs a simulated world, prints live figures, and on SIGINT drains and audits the log clean', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'shardkeep-start-'));
    started = startScript('scripts/start.ts', ['--figures-every', '1'], { SHARDKEEP_DATA_DIR: dataDir, SHARDKEEP_SIM_PLAYERS: '40', SHARDKEEP_SIM_RATE: '150', SHARDKEEP_HTTP_PORT: '0' });

    await started.waitFor((lines) => lines.some((line) => /cmd\/s .*trades completed [1-9]/.test(line)), 30_000);
    const endpoint = started.lines.map((line) => /metrics at (http:\S+)/.exec(line)?.[1]).find((url) => url !== undefined);
    expect(endpoint).toBeDefined();
    const metrics = await (await fetch(endpoint ?? '')).text();
    expect(metrics).toMatch(/shardkeep_commands_total\{category="player",command="login",outcome="OK"\} [1-9]/);
    expect(metrics).toMatch(/shardkeep_trades_closed_total\{outcome="completed"\} [1-9]/);
    expect(metrics).toMatch(/shardkeep_projection_lag_seconds\{projection="inventories"\}/);
    started.child.kill('SIGINT');
    const { code } = await started.exited;

    const output = started.lines.join('\n');
    expect(output).toMatch(/event store: SQLite .*events\.sqlite/);
    expect(output).toMatch(/simulating 40 players at 150 actions\/s/);
    expect(output).toMatch(/audit of [\d,]+ events: items duplicated 0, vanished 0; gold created 0/);
    expect(output).toMatch(/verdict: clean/);
    expect(code, started.stderr()).toBe(0);
  }, 60_000);
});
