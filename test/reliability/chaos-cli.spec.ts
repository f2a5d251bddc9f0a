import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runChaos, type ChaosIo } from '../../scripts/chaos/cli.js';
import { FIGURES, type FigureEntry } from '../../scripts/chaos/figures.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The real table, with no scenario for figure 2 and a file not written for figure 14: vitest is never spawned. */
const REGISTRY: readonly FigureEntry[] = FIGURES.map((entry) =>
  entry.figure === 2 ? { ...entry, specs: [] } : entry.figure === 14 ? { ...entry, specs: ['test/chaos/not-written.chaos.spec.ts'] } : entry,
);

/** The CLI in this process. */
const chaos = async (argv: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
  let stdout = '';
  let stderr = '';
  const io: ChaosIo = { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text), env: process.env, root: ROOT };
  const code = await runChaos(argv, io, REGISTRY);
  return { code, stdout, stderr };
};

describe('npm run chaos', () => {
  const folders: string[] = [];
  afterAll(async () => {
    for (const folder of folders) await rm(folder, { recursive: true, force: true });
  });

  it('exits 2 on bad usage: figures that are not numbers or not in the table, and stray arguments', async () => {
    expect((await chaos(['--only', '3,x'])).code).toBe(2);
    const unknown = await chaos(['--only', '16']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no figure 16');
    expect((await chaos(['--short', 'extra'])).code).toBe(2);
    expect((await chaos(['--frobnicate'])).code).toBe(2);
  });

  it('names a figure with no scenario as missing, writes the report where --out says, and exits 1', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'shardkeep-chaos-cli-'));
    folders.push(folder);
    const out = join(folder, 'report.md');
    const run = await chaos(['--short', '--only', '2,14', '--out', out]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('chaos: figure 2 missing: no scenario');
    expect(run.stderr).toContain('chaos: figure 14 missing: no scenario (test/chaos/not-written.chaos.spec.ts not written)');
    expect(run.stdout).toContain(`report written to ${out}`);
    const report = await readFile(out, 'utf8');
    expect(report).toContain('Command: `npm run chaos -- --short --only 2,14 --out');
    expect(report).toMatch(/\| 2 \| ambiguous acks[^|]*\| \*\*missing\*\*: no scenario \|/);
    expect(report).toContain('vitest was not run');
  });

  it('with --short and no --out, writes to a temporary file and prints its path', async () => {
    const run = await chaos(['--short', '--only', '2']);
    const path = /report written to (\S+)/.exec(run.stdout)?.[1] ?? '';
    expect(path.startsWith(tmpdir())).toBe(true);
    folders.push(join(path, '..'));
    expect(await readFile(path, 'utf8')).toContain('# Reliability figures');
  });
});
