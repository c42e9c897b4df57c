#!/usr/bin/env node
// Runs a command with DOCKHAND_TEST_PG set, so every test hub gets its own fresh PostgreSQL
// database. Defaults to the local server (127.0.0.1:5432, trust auth); override with DOCKHAND_TEST_PG.
import { spawnSync } from 'node:child_process'

const url = process.env.DOCKHAND_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const [cmd, ...args] = process.argv.slice(2)
const r = spawnSync(process.platform === 'win32' ? `${cmd}.cmd` : cmd, args, {
  stdio: 'inherit',
  env: {
    ...process.env,
    DOCKHAND_TEST_PG: url,
    PATH: `${process.cwd()}/node_modules/.bin:${process.env.PATH}`,
  },
})
process.exit(r.status ?? 1)
