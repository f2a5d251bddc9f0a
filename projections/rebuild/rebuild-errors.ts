import { ShardkeepError } from '../../events/errors.js';

/** A rebuild that could not finish: what was built so far is kept, and running it again resumes. */
export class RebuildError extends ShardkeepError {
  readonly code = 'REBUILD';
}

/** Stopped on request (Ctrl-C): the version being built keeps its checkpoint, to resume from. */
export class RebuildInterruptedError extends ShardkeepError {
  readonly code = 'REBUILD_INTERRUPTED';
}

/** The active version changed under the rebuild (another rebuild, or an operator): nothing was switched. */
export class RebuildConflictError extends ShardkeepError {
  readonly code = 'REBUILD_CONFLICT';
}
