import { defineConfig } from 'vitest/config'

/**
 * npm run test:workers — three hub processes on one PostgreSQL, one SIGKILLed (test/crash/workers),
 * kept out of `npm test` and of `npm run test:crash`.
 */
export default defineConfig({
  test: {
    include: ['test/crash/workers.test.ts'],
    testTimeout: 900_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
})
