import { describe, expect, it } from 'vitest';
import { FIGURES, selectFigures, type FigureEntry } from '../../scripts/chaos/figures.js';
import { exitCodeFor, figureOutcome, type FigureOutcome, type SpecRun } from '../../scripts/chaos/outcomes.js';
import { parseRecords, type ChaosRecord } from '../../scripts/chaos/records.js';
import { renderReport, type ReportInput } from '../../scripts/chaos/report.js';

const entry = (figure: number, specs: readonly string[]): FigureEntry => ({ figure, checks: `check ${figure}`, how: `how ${figure}`, specs });

const record = (figure: number, overrides: Partial<ChaosRecord> = {}): ChaosRecord => ({
  figure,
  scenario: `scenario ${figure}`,
  verdict: 'pass',
  measurements: { runs: 200, counterexamples: 0 },
  seeds: [20261124],
  method: `Method of ${figure}.`,
  ...overrides,
});

const passedFiles = (path: string): SpecRun['status'] => (path.includes('absent') ? 'absent' : 'passed');

const input = (outcomes: readonly FigureOutcome[], overrides: Partial<ReportInput> = {}): ReportInput => ({
  command: 'npm run chaos -- --short',
  vitestCommand: 'SHARDKEEP_CHAOS_PROFILE=short npx vitest run --config vitest.chaos.config.ts test/a.spec.ts',
  vitestCode: 0,
  profile: 'short',
  startedAt: new Date('2026-12-07T01:00:00Z'),
  durationMs: 185_000,
  machine: { cpus: 2, cpuModel: 'Test CPU', platform: 'Linux 6', node: 'v20.19.0', natsServer: 'v2.9.10', redisServer: '7.0.15' },
  outcomes,
  problems: [],
  ...overrides,
});

describe('the chaos report', () => {
  it('the registry lists each of the fifteen figures once, in order', () => {
    expect(FIGURES.map(({ figure }) => figure)).toEqual(Array.from({ length: 15 }, (_, index) => index + 1));
    expect(selectFigures(FIGURES, [8, 3]).map(({ figure }) => figure)).toEqual([3, 8]);
    expect(() => selectFigures(FIGURES, [16])).toThrow(/no figure 16/);
  });

  it('reads records line by line and reports the lines that are not records', () => {
    const text = [JSON.stringify(record(3)), '', '{oops', JSON.stringify({ ...record(4), verdict: 'maybe' }), JSON.stringify({ ...record(5), extra: true })].join('\n');
    const { records, problems } = parseRecords(text);
    expect(records.map(({ figure }) => figure)).toEqual([3, 5]);
    expect(problems).toEqual(['line 3: not JSON', "line 4: verdict is neither 'pass' nor 'fail'"]);
  });

  it('a figure passes only when it was recorded, every record passed and its files passed', () => {
    const a = entry(1, ['test/a.spec.ts']);
    expect(figureOutcome(a, [record(1)], passedFiles)).toMatchObject({ result: 'pass' });
    expect(figureOutcome(a, [record(1), record(1, { verdict: 'fail', scenario: 'bad run' })], passedFiles)).toMatchObject({
      result: 'fail',
      reason: 'failed: bad run',
    });
    expect(figureOutcome(a, [record(1)], () => 'failed')).toMatchObject({ result: 'fail', reason: 'test/a.spec.ts failed' });
    expect(figureOutcome(a, [record(2)], () => 'failed')).toMatchObject({ result: 'missing', reason: 'nothing recorded; test/a.spec.ts failed' });
  });

  it('a figure whose files are not written yet, or that has none, is missing with no scenario', () => {
    expect(figureOutcome(entry(2, []), [], passedFiles)).toMatchObject({ result: 'missing', reason: 'no scenario' });
    expect(figureOutcome(entry(14, ['test/chaos/absent.chaos.spec.ts']), [], passedFiles)).toMatchObject({
      result: 'missing',
      reason: 'no scenario (test/chaos/absent.chaos.spec.ts not written)',
    });
  });

  it('exits 0 only when every figure passed and vitest succeeded', () => {
    const pass = figureOutcome(entry(1, ['test/a.spec.ts']), [record(1)], passedFiles);
    const missing = figureOutcome(entry(2, []), [], passedFiles);
    expect(exitCodeFor([pass], 0)).toBe(0);
    expect(exitCodeFor([pass], 1)).toBe(1);
    expect(exitCodeFor([pass, missing], 0)).toBe(1);
    expect(exitCodeFor([], null)).toBe(1);
  });

  it('renders how the run was made, one row per figure, the methods and the limits', () => {
    const outcomes = [
      figureOutcome(entry(3, ['test/a.spec.ts']), [record(3, { measurements: { trades: 120, 'items duplicated': 0, 'recovery s': 1.23456 }, seeds: [7, 8] })], passedFiles),
      figureOutcome(entry(9, []), [], passedFiles),
      figureOutcome(entry(12, ['test/b.spec.ts']), [record(12, { verdict: 'fail', scenario: 'hostile | bytes', method: 'Fed bytes.' })], passedFiles),
    ];
    const markdown = renderReport(input(outcomes));

    expect(markdown).toContain('Command: `npm run chaos -- --short` (profile `short`), started 2026-12-07T01:00:00.000Z, took 3 min 5 s.');
    expect(markdown).toContain('It ran `SHARDKEEP_CHAOS_PROFILE=short npx vitest run --config vitest.chaos.config.ts test/a.spec.ts`, which exited with code 0.');
    expect(markdown).toContain('Machine: 2 × Test CPU, Linux 6; Node v20.19.0; nats-server v2.9.10; redis-server 7.0.15.');
    expect(markdown).toContain('Verdict: 1 of 3 figures passed; failed: 12; missing: 9.');
    expect(markdown).toContain('| 3 | check 3 | pass | trades 120, items duplicated 0, recovery s 1.235 | 7, 8 |');
    expect(markdown).toContain('| 9 | check 9 | **missing**: no scenario | – | – |');
    expect(markdown).toContain('| 12 | check 12 | **FAIL**: failed: hostile \\| bytes | runs 200, counterexamples 0 | 20261124 |');
    expect(markdown).toContain('- **scenario 3** (pass): Method of 3.');
    expect(markdown).toContain('No record: no scenario.');
    expect(markdown).toMatch(/## What these runs cannot show[\s\S]*power[\s\S]*disk corruption[\s\S]*partitions between replicas[\s\S]*sync_interval: always/i);
    expect(markdown).toContain("This run's nats-server (v2.9.10) has no `sync_interval: always`");
    expect(renderReport(input(outcomes, { machine: { ...input(outcomes).machine, natsServer: 'v2.10.22' } }))).toContain(
      "This run's nats-server (v2.10.22) was started with `sync_interval: always`",
    );
    // Pure: the same input renders the same bytes.
    expect(renderReport(input(outcomes))).toBe(markdown);
  });

  it('shows each scenario of a figure measured by several, and says when vitest did not run', () => {
    const outcomes = [figureOutcome(entry(1, ['test/a.spec.ts']), [record(1, { scenario: 'players' }), record(1, { scenario: 'items', measurements: { runs: 50 } })], passedFiles)];
    const markdown = renderReport(input(outcomes, { vitestCommand: undefined, vitestCode: null, problems: ['line 2: not JSON'] }));
    expect(markdown).toContain('| 1 | check 1 | pass | players: runs 200, counterexamples 0<br>items: runs 50 | 20261124 |');
    expect(markdown).toContain('vitest was not run');
    expect(markdown).toContain('Unreadable records (ignored): line 2: not JSON.');
  });
});
