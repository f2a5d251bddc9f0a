import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { formatRate } from './measure.js';
import type { MemoryFigures } from './memory-process.js';
import { spawnScript } from './processes.js';

/** Figure 5: runs memory-process.ts in a child with --expose-gc and reads its one JSON line. */
export interface MemoryOptions {
  readonly actors: number;
  readonly distinctIds: number;
  readonly maxResident: number;
}

export const benchMemory = async (options: MemoryOptions): Promise<MemoryFigures> => {
  const child = spawnScript(new URL('./memory-process.ts', import.meta.url), [JSON.stringify(options)], ['--expose-gc']);
  const exited = once(child, 'exit');
  try {
    if (child.stdout === null) throw new Error('memory bench: stdout is not piped');
    let line: string | undefined;
    for await (const text of createInterface({ input: child.stdout })) line = text;
    const [code] = (await exited) as [number | null];
    if (code !== 0 || line === undefined) throw new Error(`memory bench child exited with ${code ?? 'a signal'}`);
    return JSON.parse(line) as MemoryFigures;
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
};

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export const memoryTable = (figures: MemoryFigures): string => {
  const expected = figures.maxResident * figures.bytesPerActor;
  const bounded = figures.peakResident <= figures.maxResident;
  return [
    `In-process, embedded bus, a store that keeps nothing; heapUsed after forced GCs (node --expose-gc).`,
    '',
    '| scenario | actors resident | heap | per actor | commands/s |',
    '|---|---:|---:|---:|---:|',
    `| ${figures.actors.toLocaleString('en')} actors, one command each | ${figures.actors.toLocaleString('en')} (+10,000 warm-up) | ` +
      `${mb(figures.heapWithActorsBytes)} | ${Math.round(figures.bytesPerActor)} B | ${formatRate(figures.activationRate)} |`,
    `| ${figures.distinctIds.toLocaleString('en')} distinct ids, maxResidentActors ${figures.maxResident.toLocaleString('en')} | ` +
      `peak ${figures.peakResident.toLocaleString('en')} | ${mb(figures.lruHeapBytes)} (+${mb(figures.lruHeapDeltaBytes)}) | ` +
      `${Math.round(figures.lruHeapDeltaBytes / figures.maxResident)} B | ${formatRate(figures.lruRate)} |`,
    '',
    `Each further command an actor applied stays in its idempotency window (up to ${figures.idempotencyWindow} per actor): ` +
      `${Math.round(figures.bytesPerAppliedCommand)} B each, so an idle actor with a full window holds ≈ ` +
      `${((figures.bytesPerActor + (figures.idempotencyWindow - 1) * figures.bytesPerAppliedCommand) / 1024).toFixed(0)} KiB.`,
    '',
    `LRU bound ${bounded ? 'held' : 'NOT held'}: peak ${figures.peakResident.toLocaleString('en')} resident of ` +
      `${figures.maxResident.toLocaleString('en')} allowed, ${figures.passivations.toLocaleString('en')} passivations; heap growth at the end ` +
      `${mb(figures.lruHeapDeltaBytes)} = ${(figures.lruHeapDeltaBytes / expected).toFixed(2)} × (${figures.maxResident.toLocaleString('en')} × the per-actor figure); ` +
      `commands/s with eviction vs without: ${(figures.lruRate / figures.activationRate).toFixed(2)}.`,
  ].join('\n');
};
