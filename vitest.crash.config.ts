import { defineConfig } from 'vitest/config'

/** npm run test:crash — the proof suite's SIGKILL runs (test/crash/crash.test.ts), kept out of `npm test`. */
export default defineConfig({
  test: {
    include: ['test/crash/crash.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
})
