/**
 * PostgreSQL terminating the hub's connections (a server restart, a failover, an administrator's
 * pg_terminate_backend) must not take the hub down: pg reports an idle pooled client's error on the
 * pool, and without a listener that is an uncaught exception. The hub logs it and goes on.
 *
 * Needs PostgreSQL (DOCKHAND_TEST_PG or the local default); skipped with the reason outside CI when
 * none answers.
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestDatabase, testDatabase } from '../helpers/database.ts'
import { eventually, startTestHub, type TestHub } from '../helpers/hub.ts'

const SERVER = process.env.DOCKHAND_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres'

async function reachable(): Promise<string | null> {
  const c = new pg.Client({ connectionString: SERVER, connectionTimeoutMillis: 3000 })
  try {
    await c.connect()
    await c.end()
    return null
  } catch (err) {
    return (err as Error).message
  }
}

const unreachable = await reachable()
if (unreachable && process.env.CI)
  throw new Error(`CI needs PostgreSQL at ${SERVER}: ${unreachable}`)

describe.skipIf(unreachable !== null)(
  `PostgreSQL ends the hub's connections${unreachable ? ` (skipped: ${unreachable})` : ''}`,
  () => {
    let db: TestDatabase
    let hub: TestHub
    beforeAll(async () => {
      db = await testDatabase(SERVER)
      hub = await startTestHub({ env: db.env, worker: false })
    })
    afterAll(async () => {
      await hub?.stop()
      await db?.drop()
    })

    it('the hub logs it, replaces the connections and keeps answering', async () => {
      expect((await hub.request('GET', '/api/v1/goods-owners')).status).toBe(200)
      const name = new URL(db.env.DATABASE_URL!).pathname.slice(1)
      const admin = new pg.Client({ connectionString: SERVER })
      await admin.connect()
      const ended = await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [name],
      )
      await admin.end()
      expect(ended.rowCount).toBeGreaterThan(0)
      await eventually(
        async () => hub.logs.some((l) => l.includes('a PostgreSQL connection in the pool failed')),
        10_000,
        'the pool error in the log',
      )
      // A request may still meet a connection the server is closing; the next ones succeed.
      await eventually(
        async () => (await hub.request('GET', '/api/v1/goods-owners')).status === 200,
        10_000,
        'the hub answering again',
      )
      const created = await hub.request('POST', '/api/v1/goods-owners', { name: 'After restart' })
      expect(created.status).toBe(201)
    })
  },
)
