import { LatencyWindow, type LatencySummary } from './latency-window.js';

export type ReadLevel = 'l1' | 'l2' | 'l3';

export interface LevelStats {
  /** Reads this level answered with a value (for L3: the log held one). */
  readonly hits: number;
  /** Reads that found nothing here and went on (L1, L2), or found nothing at all (L3). */
  readonly misses: number;
  /** Latency of the reads this level answered, from the call to the answer. */
  readonly latency: LatencySummary;
}

export interface ReadCacheStats {
  readonly l1: LevelStats & {
    readonly entries: number;
    /** Inventory diffs applied to an entry in place. */
    readonly diffsApplied: number;
    /** Entries dropped by a notification: a gap, a roster change, a version switch, a lost connection. */
    readonly evictions: number;
  };
  /** Misses are authoritative (no key and the projection caught up) unless L3 then answered. */
  readonly l2: LevelStats;
  readonly l3: LevelStats;
  readonly notifications: {
    readonly received: number;
    /** How many batches they were handled in. */
    readonly batches: number;
    /** Payloads that did not decode; ignored. */
    readonly undecodable: number;
  };
  /** Active-version switches seen, and times notifications may have been lost. */
  readonly versionSwitches: number;
  readonly interruptions: number;
}

class LevelCounters {
  hits = 0;
  misses = 0;
  readonly latency = new LatencyWindow();

  snapshot(): LevelStats {
    return { hits: this.hits, misses: this.misses, latency: this.latency.summary() };
  }
}

export class ReadCacheCounters {
  readonly l1 = new LevelCounters();
  readonly l2 = new LevelCounters();
  readonly l3 = new LevelCounters();
  diffsApplied = 0;
  evictions = 0;
  received = 0;
  batches = 0;
  undecodable = 0;
  versionSwitches = 0;
  interruptions = 0;

  /** A level that had nothing and handed the read on. */
  passed(level: ReadLevel): void {
    this[level].misses += 1;
  }

  /** The level that gave the answer, `found` or authoritatively absent. */
  answered(level: ReadLevel, found: boolean, startedAt: number): void {
    const counters = this[level];
    if (found) counters.hits += 1;
    else counters.misses += 1;
    counters.latency.record(performance.now() - startedAt);
  }

  snapshot(entries: number): ReadCacheStats {
    return {
      l1: { ...this.l1.snapshot(), entries, diffsApplied: this.diffsApplied, evictions: this.evictions },
      l2: this.l2.snapshot(),
      l3: this.l3.snapshot(),
      notifications: { received: this.received, batches: this.batches, undecodable: this.undecodable },
      versionSwitches: this.versionSwitches,
      interruptions: this.interruptions,
    };
  }
}
