import { createProjectionRunner, type ProjectionRunner, type ProjectionRunnerOptions } from './runner.js';
import type { Projection } from './projection.js';
import type { ProjectionRunnerStats } from './runner-stats.js';

/**
 * Several projections side by side, each with its own runner, subscription and checkpoint,
 * so a slow or failing one never holds the others back.
 */
export interface ProjectionSetOptions extends Omit<ProjectionRunnerOptions, 'projection' | 'version'> {
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
  /** Resolves once every runner has caught up. */
  whenCaughtUp(): Promise<void>;
}

export const createProjectionSet = (options: ProjectionSetOptions): ProjectionSet => {
  const { projections, ...shared } = options;
  const names = projections.map(({ projection }) => projection.name);
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  if (twice !== undefined) throw new Error(`projection ${twice} appears twice in the set`);
  let runners: ProjectionRunner[] = [];

  return {
    start: async () => {
      if (runners.length > 0) throw new Error('the projection set is already running');
      const versions = await Promise.all(
        projections.map(async ({ projection, version }) => version ?? (await shared.cache.activeVersion(projection.name)) ?? 1),
      );
      runners = projections.map(({ projection }, index) =>
        createProjectionRunner({ ...shared, projection, version: versions[index] ?? 1 }),
      );
      for (const runner of runners) runner.start();
    },
    stop: async () => {
      const stopping = runners;
      runners = [];
      await Promise.all(stopping.map((runner) => runner.stop()));
    },
    stats: () => runners.map((runner) => runner.stats()),
    whenCaughtUp: async () => {
      await Promise.all(runners.map((runner) => runner.whenCaughtUp()));
    },
  };
};
