import { defineConfig } from 'vitest/config'

/** npm run test:faults — the proof suite's fault soak (test/faults), kept out of `npm test`. */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    testTimeout: 900_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
})
