import { createEmbeddedProjectionCache } from '../../infra/cache/index.js';
import { describeProjectionCacheContract } from './projection-cache.contract.js';

describeProjectionCacheContract('embedded', async () => {
  let now = Date.UTC(2025, 0, 1);
  const cache = createEmbeddedProjectionCache({ clock: () => new Date(now), sweepEveryMs: 1_000 });
  return {
    cache,
    advance: async (ms) => {
      now += ms;
    },
    dispose: () => cache.close(),
  };
});
