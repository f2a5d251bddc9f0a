import { defineConfig } from 'vitest/config';

/**
 * The chaos scenarios of RELIABILITY.md (`npm run chaos`). One file at a time: each starts
 * and kills servers of its own, and the figures they measure must not share the two cores.
 */
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.chaos.spec.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
