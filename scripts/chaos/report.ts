import type { FigureOutcome } from './outcomes.js';
import type { ChaosRecord } from './records.js';

/** Where a run happened: the report's figures mean little without it. */
export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly platform: string;
  readonly node: string;
  readonly natsServer: string;
  readonly redisServer: string;
}

export interface ReportInput {
  /** The command as typed: `npm run chaos -- --short`. */
  readonly command: string;
  /** The vitest command it ran, or undefined when no file was there to run. */
  readonly vitestCommand: string | undefined;
  readonly vitestCode: number | null;
  readonly profile: 'short' | 'full';
  readonly startedAt: Date;
  readonly durationMs: number;
  readonly machine: MachineInfo;
  readonly outcomes: readonly FigureOutcome[];
  /** Record lines that could not be read. */
  readonly problems: readonly string[];
}

const RESULT_LABEL = { pass: 'pass', fail: '**FAIL**', missing: '**missing**' } as const;

/** Markdown table cells: no pipes or line breaks from the records. */
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

const formatValue = (value: number | string): string =>
  typeof value === 'number' && !Number.isInteger(value) ? String(Number(value.toPrecision(4))) : String(value);

const measurementsOf = (record: ChaosRecord): string =>
  Object.entries(record.measurements)
    .map(([name, value]) => `${name} ${formatValue(value)}`)
    .join(', ');

const seedsOf = (records: readonly ChaosRecord[]): string => {
  const seeds = [...new Set(records.flatMap((record) => record.seeds ?? []))];
  return seeds.length === 0 ? '–' : seeds.join(', ');
};

const resultOf = (outcome: FigureOutcome): string =>
  outcome.reason === undefined ? RESULT_LABEL[outcome.result] : `${RESULT_LABEL[outcome.result]}: ${outcome.reason}`;

/** One scenario's measurements, prefixed with its name when a figure has several. */
const measurementsCell = (records: readonly ChaosRecord[]): string => {
  if (records.length === 0) return '–';
  if (records.length === 1) return measurementsOf(records[0] as ChaosRecord);
  return records.map((record) => `${record.scenario}: ${measurementsOf(record)}`).join('<br>');
};

const formatDuration = (ms: number): string => {
  const seconds = Math.round(ms / 1_000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
};

const tableRows = (outcomes: readonly FigureOutcome[]): string[] => [
  '| # | what it checks | result | measurements | seeds |',
  '|---|---|---|---|---|',
  ...outcomes.map(({ entry, records, ...outcome }) =>
    `| ${entry.figure} | ${cell(entry.checks)} | ${cell(resultOf({ entry, records, ...outcome }))} | ${cell(measurementsCell(records))} | ${cell(seedsOf(records))} |`,
  ),
];

const methodSection = (outcome: FigureOutcome): string[] => {
  const { entry, records } = outcome;
  const files = outcome.specs.length === 0 ? 'none yet' : outcome.specs.map((spec) => `\`${spec.path}\`${spec.status === 'absent' ? ' (not written yet)' : ''}`).join(', ');
  const lines = [`### ${entry.figure}. ${entry.checks}`, '', `How: ${entry.how}. Spec files: ${files}.`, ''];
  if (records.length === 0) return [...lines, `No record: ${outcome.reason ?? 'nothing recorded'}.`, ''];
  for (const record of records) lines.push(`- **${record.scenario}** (${record.verdict}): ${record.method}`);
  return [...lines, ''];
};

/** `[2, 9]` from `v2.9.10`; undefined when the version is not one. */
const majorMinor = (version: string): readonly [number, number] | undefined => {
  const match = /(\d+)\.(\d+)/.exec(version);
  return match === null ? undefined : [Number(match[1]), Number(match[2])];
};

/**
 * What the nats-server of this run promised about acknowledged messages: `sync_interval:
 * always` arrived in 2.10, and the harness (test/support/servers/nats-server.ts) asks for
 * it only where the server knows it (2.9 refuses the whole configuration).
 */
const natsDurability = (version: string): string[] => {
  const parsed = majorMinor(version);
  const syncs = parsed !== undefined && (parsed[0] > 2 || (parsed[0] === 2 && parsed[1] >= 10));
  if (syncs) {
    return [
      `This run's nats-server (${version}) was started with \`sync_interval: always\`: JetStream fsyncs before`,
      'every acknowledgement. No run here cuts the power to check it; that guarantee is the engine\'s.',
    ];
  }
  return [
    `This run's nats-server (${version}) has no \`sync_interval: always\` (it arrived in 2.10, and older servers`,
    'refuse the whole configuration with it), so the harness leaves it out. JetStream still hands each message to',
    'the operating system before acknowledging it, so a SIGKILLed server loses nothing it acknowledged, but it',
    'fsyncs only every two minutes: a power loss can lose acknowledged messages, and these runs say nothing about that.',
  ];
};

/**
 * The Markdown of one chaos run: how it was produced, one row per figure, each figure's
 * method, and what such runs cannot show. Pure: everything it prints comes in `input`.
 */
export const renderReport = (input: ReportInput): string => {
  const { machine, outcomes } = input;
  const passed = outcomes.filter((outcome) => outcome.result === 'pass').length;
  const missing = outcomes.filter((outcome) => outcome.result === 'missing').map((outcome) => outcome.entry.figure);
  const failed = outcomes.filter((outcome) => outcome.result === 'fail').map((outcome) => outcome.entry.figure);
  const verdict = [
    `${passed} of ${outcomes.length} figures passed`,
    ...(failed.length > 0 ? [`failed: ${failed.join(', ')}`] : []),
    ...(missing.length > 0 ? [`missing: ${missing.join(', ')}`] : []),
  ].join('; ');
  const vitest =
    input.vitestCommand === undefined
      ? 'No spec file of the figures asked for exists yet, so vitest was not run.'
      : `It ran \`${input.vitestCommand}\`, which exited with code ${input.vitestCode ?? 'none (killed)'}.`;
  return [
    '# Reliability figures',
    '',
    'The fifteen reliability figures, as the last `npm run chaos` measured them; this file is written by that',
    'command, not by hand. Every server was started by the test harness itself (`nats-server`,',
    '`redis-server --save ""`, on free loopback ports in temporary folders, killed by their own PIDs); seeds',
    'are fixed and printed so a run can be replayed.',
    '',
    '## How this report was produced',
    '',
    `- Command: \`${input.command}\` (profile \`${input.profile}\`), started ${input.startedAt.toISOString()}, took ${formatDuration(input.durationMs)}.`,
    `- ${vitest}`,
    `- Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.platform}; Node ${machine.node}; nats-server ${machine.natsServer}; redis-server ${machine.redisServer}.`,
    `- Verdict: ${verdict}.`,
    ...(input.problems.length > 0 ? [`- Unreadable records (ignored): ${input.problems.join('; ')}.`] : []),
    '',
    '## The figures',
    '',
    ...tableRows(outcomes),
    '',
    '## How each figure was measured',
    '',
    ...outcomes.flatMap(methodSection),
    '## What these runs cannot show',
    '',
    'Every fault above is one a process on this machine can inject: kills, restarts, flushes, dropped replies,',
    'failed writes, hostile bytes. Power loss, disk corruption and partitions between replicas are not among',
    'them: no run here cuts the power under an fsync, flips bits on a disk, or splits a cluster, because the',
    'harness runs one server of each kind. For those we rely on the engines\' own guarantees and say so:',
    'JetStream with `sync_interval: always`, EventStoreDB\'s own durability.',
    '',
    ...natsDurability(machine.natsServer),
    '',
  ].join('\n');
};
