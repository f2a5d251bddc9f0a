import { createInventoriesProjection } from './inventories/index.js';
import { createRostersProjection } from './rosters/index.js';
import type { Projection } from './runner/index.js';
import { createSessionsProjection } from './sessions/index.js';

/**
 * The projections a deployment runs, in one list, so the live runners and the rebuild
 * tool build the same keys with the same options.
 */
export const createWorldProjections = (): Projection[] => [createSessionsProjection(), createInventoriesProjection(), createRostersProjection()];
