import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteEventStore } from '../../infra/eventstore/sqlite/index.js';
import { runAudit } from '../../scripts/audit/cli.js';
import { startScript } from '../support/sqlite/script-process.js';
import { breakEscrow, duplicateItem, mintGold, repeatCommand, type InjectedFault } from './faults.js';
import { recordSimulatedLog, type SimulatedLog } from './simulated-log.js';

/**
 * The HTML report as a person sees it, rendered by headless Chromium (Debian's
 * /usr/bin/chromium, driven by playwright-core), over a log the real system wrote and a
 * copy with four faults; and the CLI's exit codes as a child process.
 */

const CHROMIUM = '/usr/bin/chromium';

let log: SimulatedLog;
let faultyFile: string;
let faults: InjectedFault[];
let browser: Browser;

const quiet = { stdout: () => undefined, stderr: () => undefined, env: {} };

beforeAll(async () => {
  log = await recordSimulatedLog((file) => openSqliteEventStore({ path: file, synchronous: 'normal' }), 1_200);
  faultyFile = join(log.dir, 'faulty.sqlite');
  copyFileSync(log.file, faultyFile);
  const store = openSqliteEventStore({ path: faultyFile, synchronous: 'normal' });
  try {
    faults = [
      await duplicateItem(store, log.sword, 'probe-a', 'sim-p1'),
      await mintGold(store, 'sim-p3', 1_000),
      await repeatCommand(store, 'probe-a'),
      await breakEscrow(store, log.tradeId),
    ];
  } finally {
    await store.close();
  }
  browser = await chromium.launch({ executablePath: CHROMIUM });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  if (log !== undefined && existsSync(log.dir)) rmSync(log.dir, { recursive: true, force: true });
});

/** Opens the page, counting every request that leaves the file (there must be none). */
const open = async (file: string): Promise<{ page: Page; outside: string[] }> => {
  const page = await browser.newPage();
  const outside: string[] = [];
  await page.route('**/*', async (route) => {
    const url = route.request().url();
    if (!url.startsWith('file:')) outside.push(url);
    await route.continue();
  });
  await page.goto(pathToFileURL(file).href);
  return { page, outside };
};

describe('audit report, rendered in headless Chromium', () => {
  it('given the log with four faults, when the report is written and opened, then it shows the verdict, the figures, each violation at its event and the provenance of the items involved', async () => {
    const out = join(log.dir, 'faulty.html');
    expect(await runAudit(['report', '--out', out, '--sqlite', faultyFile], quiet)).toBe(1);

    const { page, outside } = await open(out);
    try {
      expect(await page.locator('h1').innerText()).toBe('Shardkeep economy audit');
      expect(await page.locator('h2').allInnerTexts()).toEqual(['Summary', 'Gold', 'Violations', 'Provenance of the items involved']);
      expect(await page.locator('[data-verdict]').innerText()).toMatch(/^4 violations found/);
      expect(await page.locator('[data-figure="goldCreated"]').innerText()).toBe('1,000');
      expect(await page.locator('[data-figure="itemsDuplicated"]').innerText()).toBe('1');
      expect(await page.locator('[data-figure="itemsVanished"]').innerText()).toBe('1');
      expect(await page.locator('[data-figure="commandsRepeated"]').innerText()).toBe('1');
      expect(await page.getByText('Gold created: 1,000').isVisible()).toBe(true);

      const rows = page.locator('tbody tr[data-kind]');
      expect(await rows.count()).toBe(4);
      for (const fault of faults) {
        const row = page.locator(`tr[data-kind="${fault.kind}"]`);
        expect(await row.locator('td').nth(1).innerText()).toBe(fault.at);
        expect(await row.isVisible()).toBe(true);
      }
      expect(await page.locator('tr[data-kind="item-duplicated"] td').nth(4).innerText()).toBe(
        `item ${log.sword} transferred from probe-a to sim-p1, but it is held by probe-b`,
      );

      const sword = page.locator(`section[data-item="${log.sword}"]`);
      expect(await sword.locator('h3').innerText()).toBe(`Item ${log.sword}`);
      expect(await sword.locator('li').count()).toBe(4);
      expect(await sword.locator('li').nth(1).innerText()).toContain(`trade ${log.tradeId} (probe-a ↔ probe-b, completed)`);
      expect(await sword.locator('li.contradiction').innerText()).toContain('Contradiction: transferred from probe-a to sim-p1, but it is held by probe-b');
      expect(await page.locator('section.provenance').count()).toBe(2);
      expect(outside).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('given the log the load wrote, when the report is opened, then it says clean, lists no violation and shows the gold balanced', async () => {
    const out = join(log.dir, 'clean.html');
    expect(await runAudit(['report', '--out', out, '--sqlite', log.file, '--item', log.sword], quiet)).toBe(0);

    const { page, outside } = await open(out);
    try {
      expect(await page.locator('[data-verdict]').innerText()).toMatch(/^Clean/);
      expect(await page.locator('[data-figure="goldCreated"]').innerText()).toBe('0');
      expect(Number((await page.locator('[data-figure="events"]').innerText()).replaceAll(',', ''))).toBeGreaterThan(300);
      expect(await page.getByText('No violations.').isVisible()).toBe(true);
      expect(await page.getByText('Balanced: wallets and escrow hold exactly').isVisible()).toBe(true);
      expect(await page.locator('section.provenance h3').allInnerTexts()).toEqual([`Item ${log.sword}`]);
      expect(outside).toEqual([]);
    } finally {
      await page.close();
    }
    expect(readFileSync(out, 'utf8')).not.toMatch(/(src|href)=["']?https?:/);
  });
});

describe('npm run audit as a child process', () => {
  const run = async (args: readonly string[]): Promise<{ code: number | null; stdout: string }> => {
    const child = startScript('scripts/audit.ts', args);
    const { code } = await child.exited;
    return { code, stdout: child.lines.join('\n') };
  };

  it('given a clean log, a faulty one and bad usage, when run, then the exit codes are 0, 1 and 2', async () => {
    const [clean, faulty, usage] = await Promise.all([
      run(['economy', '--sqlite', log.file]),
      run(['economy', '--sqlite', faultyFile, '--json']),
      run(['actor', 'dragon', 'x']),
    ]);

    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('verdict: clean');
    expect(faulty.code).toBe(1);
    expect(JSON.parse(faulty.stdout)).toMatchObject({ clean: false, problemCount: 4 });
    expect(usage.code).toBe(2);
  }, 60_000);
});
