import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadResult } from '../../scripts/loadgen.js';
import { shippedNatsConfig } from '../support/authorization/shipped-configs.js';
import { startNatsServer, type NatsServerHandle } from '../support/servers/nats-server.js';
import { startScript, type ScriptProcess } from '../support/sqlite/script-process.js';

/**
 * The load generator against a running `npm start` over a real nats-server with the shipped
 * authorization, as an operator runs it: the host as the `host` user (its trade queue's
 * steps included), the load as the game server `sim-gs`.
 */
describe('the load generator', () => {
  let nats: NatsServerHandle;
  let host: ScriptProcess;
  let dataDir: string;

  beforeAll(async () => {
    nats = await startNatsServer({
      config: await shippedNatsConfig({
        hosts: [{ user: 'host', password: 'pw-host' }],
        gameServers: [{ user: 'sim-gs', password: 'pw-sim-gs' }],
        players: [],
      }),
    });
    dataDir = mkdtempSync(join(tmpdir(), 'shardkeep-loadgen-'));
    host = startScript('scripts/start.ts', ['--figures-every', '60', '--no-audit'], {
      NATS_URL: nats.url,
      NATS_USER: 'host',
      NATS_PASSWORD: 'pw-host',
      SHARDKEEP_DATA_DIR: dataDir,
      SHARDKEEP_HTTP_PORT: 'off',
      SHARDKEEP_LOG_LEVEL: 'warn',
    });
    await host.waitFor((lines) => lines.some((line) => line.includes('shardkeep: running')), 30_000);
  }, 60_000);
  afterAll(async () => {
    host.child.kill('SIGINT');
    await host.exited;
    await nats.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('drives simulated players at a rate and reports throughput, latency percentiles and refusals by code as JSON', async () => {
    const loadgen = startScript('scripts/loadgen.ts', ['--nats-url', nats.url, '--user', 'sim-gs', '--password', 'pw-sim-gs', '--players', '30', '--rate', '200', '--duration', '2', '--json']);
    const { code } = await loadgen.exited;
    expect(code, loadgen.stderr()).toBe(0);
    const result = JSON.parse(loadgen.lines.find((line) => line.startsWith('{')) ?? '{}') as LoadResult;
    expect(result.commands).toBeGreaterThan(100);
    expect(result.commandsPerSecond).toBeGreaterThan(50);
    expect(result.latency.p50).toBeGreaterThan(0);
    expect(result.latency.p99).toBeGreaterThanOrEqual(result.latency.p50);
    expect(result.outcomes['OK']).toBeGreaterThan(result.commands / 2);
    expect(Object.keys(result.outcomes).every((code) => /^[A-Z_]+$/.test(code))).toBe(true);
  }, 60_000);

  it('refuses bad usage with a clear message and exit code', async () => {
    const loadgen = startScript('scripts/loadgen.ts', ['--rate', '10', '--concurrency', '4']);
    const { code } = await loadgen.exited;
    expect(code).not.toBe(0);
    expect(loadgen.stderr()).toMatch(/cannot be used with|conflicts/);
  }, 30_000);
});
