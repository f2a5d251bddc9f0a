import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScript, type ScriptProcess } from '../support/sqlite/script-process.js';

/**
 * The web console as an operator sees it: `npm start` running a simulated world, the
 * page opened in headless Chromium (Debian's `chromium`), the live figures and charts
 * filling in, and a player and an item looked up.
 */
const CHROMIUM = '/usr/bin/chromium';

describe('the web console', () => {
  let host: ScriptProcess;
  let browser: Browser;
  let dataDir: string;
  let base: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'shardkeep-console-'));
    host = startScript('scripts/start.ts', ['--figures-every', '60', '--no-audit'], {
      SHARDKEEP_DATA_DIR: dataDir,
      SHARDKEEP_HTTP_PORT: '0',
      SHARDKEEP_SIM_PLAYERS: '30',
      SHARDKEEP_SIM_RATE: '100',
      SHARDKEEP_LOG_LEVEL: 'warn',
    });
    await host.waitFor((lines) => lines.some((line) => line.includes('console at http')), 30_000);
    base = /console at (http:\/\/\S+?)\/ /.exec(host.lines.join('\n'))?.[1] ?? '';
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 60_000);
  afterAll(async () => {
    await browser.close();
    host.child.kill('SIGINT');
    await host.exited;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows live throughput, latency, resident actors, projection lag and the trade queue as charts', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    await expect(page.title()).resolves.toBe('Shardkeep console');
    // A string, evaluated in the page: this file is compiled without the DOM's types.
    await page.waitForFunction("Number(document.getElementById('now-throughput')?.textContent) > 0", undefined, { timeout: 15_000 });
    for (const chart of ['throughput', 'latency', 'resident', 'lag', 'queue']) {
      expect(await page.locator(`#chart-${chart} canvas`).count(), chart).toBeGreaterThan(0);
    }
    expect(Number(await page.locator('#now-resident').textContent())).toBeGreaterThan(0);
    expect(await page.locator('#now-latency').textContent()).toMatch(/^[\d.]+ \/ [\d.]+$/);
    await page.close();
  }, 30_000);

  it('looks up a player with its state and latest events, and an item with its history', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    await page.fill('#lookup-id', 'sim-p1');
    await page.click('button[type=submit]');
    await page.waitForSelector('#lookup-state');
    const state = JSON.parse((await page.locator('#lookup-state').textContent()) ?? '{}') as { status?: string; playerId?: string; balance?: number };
    expect(state).toMatchObject({ status: 'registered', playerId: 'sim-p1' });
    expect(state.balance).toBeGreaterThan(0);
    expect(await page.locator('#lookup-events tr').count()).toBeGreaterThan(2);
    expect(await page.locator('#lookup-events').textContent()).toContain('PlayerRegistered');

    await page.selectOption('#lookup-category', 'item');
    await page.fill('#lookup-id', 'sim-p1-i0');
    await page.click('button[type=submit]');
    await page.waitForFunction("document.querySelector('#lookup-result h3')?.textContent?.startsWith('item sim-p1-i0') === true");
    expect(await page.locator('#lookup-result').textContent()).toContain('Provenance');
    expect(await page.locator('#lookup-events').textContent()).toContain('ItemMinted');

    await page.fill('#lookup-id', 'no-such-item');
    await page.click('button[type=submit]');
    await page.waitForSelector('#lookup-result .error');
    expect(await page.locator('#lookup-result .error').textContent()).toContain('does not exist');
    await page.close();
  }, 30_000);
});
