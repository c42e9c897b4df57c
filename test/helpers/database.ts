/**
 * Which database a test hub uses. By default each test hub gets its own SQLite file in a temp dir.
 * With DOCKHAND_TEST_PG=postgres://user@host:port/db set, each gets a fresh PostgreSQL database
 * on that server instead (created here, dropped afterwards), so the same suite runs on both.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'

export const TEST_PG = process.env.DOCKHAND_TEST_PG

export interface TestDatabase {
  /** Environment for the hub: DATABASE_URL when on PostgreSQL, nothing for SQLite. */
  env: Record<string, string>
  kind: 'sqlite' | 'postgres'
  drop(): Promise<void>
}

/** `server`: a PostgreSQL server to use even when DOCKHAND_TEST_PG is unset (tests that need one). */
export async function testDatabase(server: string | undefined = TEST_PG): Promise<TestDatabase> {
  if (!server) return { env: {}, kind: 'sqlite', drop: async () => undefined }
  const name = `dockhand_t_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: server })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const url = new URL(server)
  url.pathname = `/${name}`
  return {
    env: { DATABASE_URL: url.toString() },
    kind: 'postgres',
    drop: async () => {
      const c = new pg.Client({ connectionString: server })
      await c.connect()
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await c.end()
    },
  }
}
