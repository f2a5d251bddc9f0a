import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{actors,events,projections,infra,scripts,test}/**/*.spec.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Integration suites start their own servers; two workers keep a 2-core box responsive.
    maxWorkers: 2,
  },
});
