import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{actors,events,projections,infra,scripts,test}/**/*.spec.ts'],
    // The chaos scenarios run under `npm run chaos` (vitest.chaos.config.ts), which records their figures.
    exclude: [...configDefaults.exclude, 'test/chaos/**'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Integration suites start their own servers; two workers keep a 2-core box responsive.
    maxWorkers: 2,
  },
});
