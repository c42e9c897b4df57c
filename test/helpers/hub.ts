/**
 * Start a real hub (HTTP server on a loopback port, SQLite file in a temp dir) for a test.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { loadConfig } from '../../hub/src/config.ts'
import { createLogger } from '../../hub/src/log.ts'
import { type RunningHub, startServer } from '../../hub/src/server.ts'
import type { ConnectorRegistry } from '../../hub/src/sync/connector.ts'
import { type TestDatabase, testDatabase } from './database.ts'

export const ADMIN_TOKEN = 'dh_admin_test_token_0123456789abcdef'

export interface TestHub {
  running: RunningHub
  url: string
  dataDir: string
  database: TestDatabase
  logs: string[]
  request(
    method: string,
    path: string,
    body?: unknown,
    token?: string | null,
    headers?: Record<string, string>,
  ): Promise<TestResponse>
  stop(): Promise<void>
}

export interface TestResponse {
  status: number
  headers: Headers
  body: any
  text: string
}

export async function startTestHub(
  options: {
    registry?: ConnectorRegistry
    env?: Record<string, string>
    worker?: boolean
    dataDir?: string
    /** Use the hub's own loopback URL as its public URL (platform webhooks then point at it). */
    publicUrlIsSelf?: boolean
  } = {},
): Promise<TestHub> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'dockhand-test-'))
  const database = await testDatabase()
  const logs: string[] = []
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk))
      cb()
    },
  })
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DOCKHAND_DATA_DIR: dataDir,
    DOCKHAND_ADMIN_TOKEN: ADMIN_TOKEN,
    DOCKHAND_LOG_LEVEL: 'debug',
    DOCKHAND_WORKER: options.worker === false ? '0' : '1',
    ...database.env,
    ...options.env,
  })
  const running = await startServer({
    config,
    logger: createLogger('debug', sink),
    ...(options.registry ? { registry: options.registry } : {}),
    announce: (t) => logs.push(t),
  })
  if (options.publicUrlIsSelf) running.hub.config.publicUrl = running.url
  const request: TestHub['request'] = async (
    method,
    path,
    body,
    token = ADMIN_TOKEN,
    headers = {},
  ) => {
    const h: Record<string, string> = { ...headers }
    if (token) h.authorization = `Bearer ${token}`
    let payload: string | undefined
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body)
      h['content-type'] ??= 'application/json'
    }
    const res = await fetch(`${running.url}${path}`, { method, headers: h, body: payload })
    const text = await res.text()
    let parsed: unknown = null
    try {
      parsed = text ? JSON.parse(text) : null
    } catch {
      parsed = text
    }
    return { status: res.status, headers: res.headers, body: parsed, text }
  }
  return {
    running,
    url: running.url,
    dataDir,
    database,
    logs,
    request,
    stop: async () => {
      await running.stop()
      await database.drop()
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** Poll until `fn` returns a truthy value (tests never depend on timing, only on eventual state). */
export async function eventually<T>(
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const v = await fn()
      if (v) return v
    } catch (err) {
      last = err
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}
