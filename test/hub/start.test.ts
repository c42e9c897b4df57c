/** `npm start` brings up a hub that answers /health, prints its first admin token once, and stops cleanly on SIGTERM. */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { REPO } from '../helpers/process.ts'

const dataDir = mkdtempSync(join(tmpdir(), 'dockhand-start-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

function npmStart() {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', DOCKHAND_DATA_DIR: dataDir }
  delete env.DOCKHAND_ADMIN_TOKEN
  const child = spawn('npm', ['start', '--silent'], {
    cwd: REPO,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.on('data', (d) => (out += String(d)))
  child.stderr.on('data', (d) => (out += String(d)))
  const started = Date.now()
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 30 s:\n${out}`)), 30_000)
    child.stdout.on('data', () => {
      const m = /"url":"(http:\/\/[^"]+)"/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    })
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, url, output: () => out, started, exited }
}

it('answers GET /health within 30 s, creates its data dir and key file, and shuts down on SIGTERM', async () => {
  const first = npmStart()
  const url = await first.url
  const health = await fetch(`${url}/health`)
  expect(health.status).toBe(200)
  expect(Date.now() - first.started).toBeLessThan(30_000)
  expect(first.output()).toMatch(/created an admin API token/)
  const token = /(dh_admin_[A-Za-z0-9_-]+)/.exec(first.output())![1]!
  const authed = await fetch(`${url}/api/v1/goods-owners`, {
    headers: { authorization: `Bearer ${token}` },
  })
  expect(authed.status).toBe(200)
  expect(existsSync(join(dataDir, 'dockhand.sqlite'))).toBe(true)
  expect(statSync(join(dataDir, 'secret.key')).mode & 0o777).toBe(0o600)
  process.kill(hubPid(first.output()), 'SIGTERM')
  expect(await first.exited).toBe(0)
  expect(first.output()).toMatch(/dockhand hub stopped/)

  // The token is printed once: a second start does not print a new one.
  const second = npmStart()
  await second.url
  expect(second.output()).not.toMatch(/created an admin API token/)
  process.kill(hubPid(second.output()), 'SIGTERM')
  expect(await second.exited).toBe(0)
}, 90_000)

function hubPid(output: string): number {
  return Number(/"pid":(\d+)/.exec(output)![1])
}
