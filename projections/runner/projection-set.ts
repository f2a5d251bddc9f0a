import { createProjectionRunner, type ProjectionRunner, type ProjectionRunnerOptions } from './runner.js';
import type { Projection } from './projection.js';
import type { ProjectionRunnerStats } from './runner-stats.js';

/**
 * Several projections side by side, each with its own runner, subscription and checkpoint,
 * so a slow or failing one never holds the others back.
 *
 * A projection without a pinned version follows the active one: when a rebuild retires
 * the version its runner keeps current, a runner on the version now active takes over
 * from that version's checkpoint, where the rebuild left it.
 */
export interface ProjectionSetOptions extends Omit<ProjectionRunnerOptions, 'projection' | 'version' | 'onSuperseded'> {
  readonly projections: readonly {
    readonly projection: Projection;
    /** Default: the active version, or 1 when none is active yet (the first build). */
    readonly version?: number;
  }[];
}

export interface ProjectionSet {
  /** Resolves each projection's version, then starts every runner. */
  start(): Promise<void>;
  stop(): Promise<void>;
  stats(): readonly ProjectionRunnerStats[];
  /** Resolves once every runner has caught up (a runner that took over included). */
  whenCaughtUp(): Promise<void>;
}

export const createProjectionSet = (options: ProjectionSetOptions): ProjectionSet => {
  const { projections, ...shared } = options;
  const names = projections.map(({ projection }) => projection.name);
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  if (twice !== undefined) throw new Error(`projection ${twice} appears twice in the set`);
  const report = shared.onError ?? ((error: unknown, context: string) => console.error(`projection set ${context}:`, error));
  let runners: ProjectionRunner[] = [];

  const startRunner = (index: number, version: number): ProjectionRunner => {
    const entry = projections[index];
    if (entry === undefined) throw new RangeError(`no projection at ${index}`);
    const follows = entry.version === undefined;
    const runner: ProjectionRunner = createProjectionRunner({
      ...shared,
      projection: entry.projection,
      version,
      ...(follows ? { onSuperseded: (active: number) => takeOver(index, runner, active) } : {}),
    });
    runner.start();
    return runner;
  };

  const takeOver = (index: number, retired: ProjectionRunner, active: number): void => {
    // A set stopped meanwhile, or a runner replaced already, takes no successor.
    if (runners[index] !== retired) return;
    runners[index] = startRunner(index, active);
    retired.stop().catch((error: unknown) => report(error, `stopping ${retired.projection}@${retired.version}`));
  };

  return {
    start: async () => {
      if (runners.length > 0) throw new Error('the projection set is already running');
      const versions = await Promise.all(
        projections.map(async ({ projection, version }) => version ?? (await shared.cache.activeVersion(projection.name)) ?? 1),
      );
      runners = projections.map((_, index) => startRunner(index, versions[index] ?? 1));
    },
    stop: async () => {
      const stopping = runners;
      runners = [];
      await Promise.all(stopping.map((runner) => runner.stop()));
    },
    stats: () => runners.map((runner) => runner.stats()),
    whenCaughtUp: async () => {
      for (;;) {
        const current = [...runners];
        const outcomes = await Promise.allSettled(current.map((runner) => runner.whenCaughtUp()));
        const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
        if (failed === undefined) return;
        // A retired runner rejects; wait for its successor instead, unless nothing changed.
        if (current.every((runner, index) => runners[index] === runner)) throw failed.reason;
      }
    },
  };
};
