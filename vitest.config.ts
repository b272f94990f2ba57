import { defineConfig } from 'vitest/config';

// One run covers unit tests (beside the code), integration tests (*.int.test.ts, real HTTP against
// the emulators, on every database in test/support/databases.ts) and end-to-end tests under test/.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'emulators/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
