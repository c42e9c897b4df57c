/**
 * Vitest setup (npm test): an error that escapes every test (an unhandled rejection or uncaught
 * exception) fails the run, but Vitest's report of it can be short and far from the end of a long
 * CI log. This prints each with its whole cause chain and the test that was running, behind a
 * marker `.ci/run` greps for, and appends it to test-artifacts/unhandled.log.
 */
import { appendFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { beforeEach } from 'vitest'

const state = ((
  globalThis as { __dockhandUnhandled?: { current: string; on: boolean } }
).__dockhandUnhandled ??= { current: '(between tests)', on: false })
beforeEach((ctx) => {
  state.current = `${ctx.task.file?.name ?? '?'} > ${ctx.task.name}`
})

function record(kind: string, err: unknown): void {
  const text = `[dockhand-unhandled] ${kind} in pid ${process.pid}, last test: ${state.current}\n${inspect(
    err,
    { depth: 6 },
  )}\n`
  process.stderr.write(text)
  try {
    const dir = join(process.cwd(), 'test-artifacts')
    mkdirSync(dir, { recursive: true })
    appendFileSync(join(dir, 'unhandled.log'), `${new Date().toISOString()} ${text}`)
  } catch {
    // the report on stderr is what counts
  }
}

if (!state.on) {
  state.on = true
  process.on('unhandledRejection', (reason) => record('unhandled rejection', reason))
  process.on('uncaughtExceptionMonitor', (err) => record('uncaught exception', err))
}
