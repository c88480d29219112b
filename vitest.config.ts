import { defineConfig } from 'vitest/config';

// CI runs the README's `npm test` exactly as written and reads the counts from this JSON file.
const resultsFile = process.env.PCF_TEST_RESULTS;

export default defineConfig({
  test: {
    reporters: resultsFile ? ['default', ['json', { outputFile: resultsFile }]] : ['default'],
    include: ['packages/*/test/**/*.test.ts', 'services/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
    globalSetup: ['./scripts/ensure-built.ts'],
  },
});
