import { defineConfig } from 'vitest/config';

// Two projects, run together by `npm test`: `unit` (pure tests beside the code, no network, no
// database: seconds) and `integration` (*.int.test.ts beside the code — real HTTP against the
// emulators, on every database in test/support/databases.ts — and the end-to-end and browser tests
// under test/). `npm run test:unit` runs the first alone, for a quick check while editing.
const INTEGRATION = ['src/**/*.int.test.ts', 'emulators/**/*.int.test.ts', 'test/**/*.test.ts'];

export default defineConfig({
  test: {
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts', 'emulators/**/*.test.ts'], exclude: INTEGRATION } },
      { extends: true, test: { name: 'integration', include: INTEGRATION } },
    ],
  },
});
