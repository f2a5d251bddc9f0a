import { defineConfig } from 'vitest/config';

/**
 * The chaos scenarios of RELIABILITY.md (`npm run chaos`). One file at a time: each starts
 * and kills servers of its own, and the figures they measure must not share the two cores.
 *
 * Besides test/chaos/ (excluded from `npm test`), the specs below measure figures too:
 * they run in `npm test` at their short size, and here at the profile's size, recording
 * their figures (scripts/chaos/figures.ts says which file measures which figure).
 */
export default defineConfig({
  test: {
    include: [
      'test/chaos/**/*.chaos.spec.ts',
      'test/integration/trade-chaos.int.spec.ts',
      'test/process/one-item-many-trades.property.spec.ts',
      'test/process/trade-queue.spec.ts',
      'test/process/amounts.spec.ts',
      'test/integration/projector-kills.int.spec.ts',
      'test/integration/rebuild.int.spec.ts',
    ],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
