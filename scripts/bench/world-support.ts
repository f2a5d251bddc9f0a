import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CommandReply } from '../../actors/runtime/protocol/reply.js';
import type { EventStore } from '../../events/store/index.js';
import { createMemoryEventStore } from '../../infra/eventstore/memory/memory-event-store.js';
import { openSqliteEventStore } from '../../infra/eventstore/sqlite/index.js';
import { countAppendTurns } from './append-turns.js';
import { percentile } from './measure.js';

/**
 * Shared by the world benchmarks (guild batching, item transfers). Kept apart from the
 * runtime suite's helpers so the two suites can change independently.
 */

export type WorldStoreKind = 'memory' | 'sqlite';

export interface CountedStore {
  readonly kind: WorldStoreKind;
  readonly store: EventStore;
  /** Calls to `append`: one per actor append (the host's own `appends` counter agrees). */
  appends(): number;
  /**
   * Turns of the event loop in which appends were made. The SQLite store's group commit
   * puts every append of one turn into one transaction (one fsync, up to 1 000 appends),
   * so on SQLite this is the number of transactions actually committed.
   */
  transactions(): number;
  /** Closes the store and removes its temp directory. */
  dispose(): Promise<void>;
}

/**
 * A fresh store for one measured run: memory, or SQLite in a temp directory with the
 * production defaults (`synchronous=full`, group commit on), so fsyncs cost what they
 * cost in production.
 */
export const openWorldStore = (kind: WorldStoreKind): CountedStore => {
  let dir: string | undefined;
  let inner: EventStore;
  if (kind === 'sqlite') {
    dir = mkdtempSync(join(tmpdir(), 'shardkeep-world-bench-'));
    inner = openSqliteEventStore({ path: join(dir, 'events.sqlite'), synchronous: 'full', groupCommit: true });
  } else {
    inner = createMemoryEventStore();
  }
  const counted = countAppendTurns(inner);
  return {
    kind,
    store: counted.store,
    appends: counted.appends,
    transactions: counted.turns,
    dispose: async () => {
      await inner.close();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
};

export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Collects latencies without reallocating per sample; a typed array also sorts numerically. */
export class LatencyRecorder {
  private samples = new Float64Array(4096);
  private size = 0;

  add(ms: number): void {
    if (this.size === this.samples.length) {
      const grown = new Float64Array(this.samples.length * 2);
      grown.set(this.samples);
      this.samples = grown;
    }
    this.samples[this.size] = ms;
    this.size += 1;
  }

  summary(): LatencySummary {
    const sorted = Array.from(this.samples.subarray(0, this.size).sort());
    return { count: this.size, p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99), maxMs: sorted.at(-1) ?? 0 };
  }
}

/** Replies by outcome: `OK` or the error code. */
export class OutcomeTally {
  private readonly counts = new Map<string, number>();

  add(reply: CommandReply): void {
    const key = reply.ok ? 'OK' : reply.error.code;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  count(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** Every outcome but `OK`, most frequent first. */
  rejections(): Readonly<Record<string, number>> {
    return Object.fromEntries([...this.counts].filter(([key]) => key !== 'OK').sort((a, b) => b[1] - a[1]));
  }
}

export interface PacedLoopResult {
  readonly sent: number;
  /** Sends per second of the schedule, to check that the offered rate was kept. */
  readonly sentPerSecond: number;
  /** From the first send to the last reply. */
  readonly seconds: number;
  readonly latency: LatencySummary;
}

const TICK_MS = 1;

/**
 * Open loop: `rate` sends per second for `durationMs`, whether or not earlier ones were
 * answered, so a slow answer cannot lower the offered load. One timer per ~1 ms tick
 * sends every action due by then (never a timer per action: at thousands per second the
 * timers themselves would be the load). Latency runs from each action's *scheduled* send
 * time to its reply, so a sender delayed by a blocked event loop (SQLite's fsync runs on
 * it) is charged to the system, not hidden (no coordinated omission).
 */
export const pacedLoop = async (
  send: (index: number) => Promise<void>,
  rate: number,
  durationMs: number,
): Promise<PacedLoopResult> => {
  const total = Math.max(1, Math.floor((rate * durationMs) / 1000));
  const intervalMs = 1000 / rate;
  const latencies = new LatencyRecorder();
  const replies: Promise<void>[] = [];
  let sent = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const due = Math.min(total, Math.floor(((performance.now() - started) * rate) / 1000) + 1);
      for (; sent < due; sent += 1) {
        const scheduledAt = started + sent * intervalMs;
        replies.push(send(sent).then(() => latencies.add(performance.now() - scheduledAt)));
      }
      if (sent < total) setTimeout(tick, TICK_MS);
      else resolve();
    };
    tick();
  });
  const sendSeconds = (performance.now() - started) / 1000;
  await Promise.all(replies);
  return {
    sent,
    sentPerSecond: sent / Math.max(sendSeconds, durationMs / 1000),
    seconds: (performance.now() - started) / 1000,
    latency: latencies.summary(),
  };
};

/** The same seeded generator the simulated world uses, so every run offers the same sequence of work. */
export { seededRandom } from '../simulation/random.js';

/** Runs `work` on `inFlight` workers until every item of `items` was handed to one. */
export const forEachConcurrently = async <T>(items: readonly T[], inFlight: number, work: (item: T) => Promise<void>): Promise<void> => {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(inFlight, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next] as T;
        next += 1;
        await work(item);
      }
    }),
  );
};

/** How a store is named in the benchmark tables. */
export const storeLabel = (kind: WorldStoreKind): string => (kind === 'sqlite' ? 'sqlite full' : 'memory');

export const formatMs = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
export const formatCount = (value: number): string => Math.round(value).toLocaleString('en-US');
export const formatPercent = (fraction: number): string => `${(fraction * 100).toFixed(1)}%`;

/** True when this module is the script node was started with (`npx tsx <file>`). */
export const isMainModule = (moduleUrl: string): boolean => moduleUrl === pathToFileURL(process.argv[1] ?? '').href;

/** The header line every standalone run prints, as `npm run bench` does. */
export const runBanner = (name: string): string =>
  `shardkeep bench ${name}, ${new Date().toISOString()}, node ${process.version}, ${process.platform}/${process.arch}`;
