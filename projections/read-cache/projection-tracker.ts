import { comparePositions, type AllFilter, type Position } from '../../events/store/index.js';
import type { ReadCacheL2, ReadCacheLog } from './ports.js';

/** Where a projection stands against the log, as last measured. */
export interface Lag {
  /** The log holds events of the projection's streams past its checkpoint (or nothing is active yet). */
  readonly behind: boolean;
  /** The active version's checkpoint; undefined when none is active or it has applied nothing. */
  readonly checkpoint: Position | undefined;
}

/**
 * One projection as readers see it: the active key version, resolved once and replaced
 * when an activation notice arrives (re-resolved while none is active, at most once per
 * `freshnessMs`); and whether it has caught up with the log, measured from its checkpoint
 * and the position of the newest event of its streams, both trusted for `freshnessMs`.
 */
export class ProjectionTracker {
  private version: number | undefined;
  private versionCheckedAt = Number.NEGATIVE_INFINITY;
  private resolving: Promise<number | undefined> | undefined;
  private lag: { readonly at: number; readonly version: number | undefined; readonly value: Promise<Lag> } | undefined;
  /** Bumped by every switch: a read that started under another generation is not cached. */
  generation = 0;

  constructor(
    readonly projection: string,
    private readonly filter: AllFilter | undefined,
    private readonly cache: ReadCacheL2,
    private readonly log: ReadCacheLog,
    private readonly now: () => number,
    private readonly freshnessMs: number,
  ) {}

  async activeVersion(): Promise<number | undefined> {
    if (this.version !== undefined) return this.version;
    if (this.resolving !== undefined) return this.resolving;
    if (this.now() - this.versionCheckedAt < this.freshnessMs) return undefined;
    const generation = this.generation;
    const resolving = this.cache.activeVersion(this.projection).then(
      (version) => {
        if (generation === this.generation) {
          this.version = version;
          this.versionCheckedAt = this.now();
        }
        return version;
      },
    );
    this.resolving = resolving;
    try {
      return await resolving;
    } finally {
      if (this.resolving === resolving) this.resolving = undefined;
    }
  }

  /** A switch announced on the activation subject. */
  switchTo(version: number): void {
    this.generation += 1;
    this.version = version;
    this.resolving = undefined;
    this.lag = undefined;
  }

  /** Notifications may have been lost: resolve the version and measure the lag again. */
  forget(): void {
    this.generation += 1;
    this.version = undefined;
    this.versionCheckedAt = Number.NEGATIVE_INFINITY;
    this.resolving = undefined;
    this.lag = undefined;
  }

  async measureLag(): Promise<Lag> {
    const now = this.now();
    // Known already: no await, so concurrent callers share one measurement.
    const version = this.version ?? (await this.activeVersion());
    if (this.lag !== undefined && this.lag.version === version && now - this.lag.at < this.freshnessMs) return this.lag.value;
    const value = this.measure(version);
    const lag = { at: now, version, value };
    this.lag = lag;
    // A failed measurement is not kept.
    value.catch(() => {
      if (this.lag === lag) this.lag = undefined;
    });
    return value;
  }

  private async measure(version: number | undefined): Promise<Lag> {
    if (version === undefined) return { behind: true, checkpoint: undefined };
    const [checkpoint, head] = await Promise.all([this.cache.checkpoint(this.projection, version), this.newestPosition()]);
    const behind = head !== undefined && (checkpoint === undefined || comparePositions(checkpoint, head) < 0);
    return { behind, checkpoint };
  }

  /** The position of the newest event in the projection's streams. */
  private async newestPosition(): Promise<Position | undefined> {
    const options = { from: 'end', direction: 'backwards', maxCount: 1 } as const;
    for await (const event of this.log.readAll(this.filter === undefined ? options : { ...options, filter: this.filter })) return event.position;
    return undefined;
  }
}
