/**
 * Opens the store. SQLite (better-sqlite3) by default, in WAL mode with foreign keys on and
 * synchronous=FULL so a committed write survives a crash or power loss.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type Transaction } from 'kysely'
import pg from 'pg'
import { dropNulPlugin } from './drop-nul.ts'
import { migrationProvider } from './migrations/index.ts'
import type { Database } from './schema.ts'

export type Db = Kysely<Database>
export type Tx = Transaction<Database>
/** Either the database or an open transaction: repositories accept both. */
export type Queryable = Kysely<Database> | Transaction<Database>

export interface OpenDbOptions {
  dataDir: string
  /** File name inside dataDir (default dockhand.sqlite). */
  file?: string
  /** postgres://… to use PostgreSQL instead of the embedded SQLite file. */
  databaseUrl?: string | undefined
  /**
   * An idle pooled PostgreSQL connection that fails (the server restarted, an administrator or a
   * failover terminated it): reported here; the pool drops it and opens a new one on demand.
   */
  onConnectionError?: (err: Error) => void
}

export type Dialect = 'sqlite' | 'postgres'

// int8 (counts, bigserial sequence numbers) as JS numbers: our values stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v))

/** U+0000 is dropped from every string bound into a query (see drop-nul.ts). */
const plugins = [dropNulPlugin]

export function openDb(options: OpenDbOptions): { db: Db; path: string; dialect: Dialect } {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 })
    // Without a listener, pg re-throws an idle client's error as an uncaught exception, and a
    // PostgreSQL restart would take the hub down with it.
    pool.on('error', (err) => options.onConnectionError?.(err))
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins })
    return { db, path: redactUrl(options.databaseUrl), dialect: 'postgres' }
  }
  mkdirSync(options.dataDir, { recursive: true })
  const path = join(options.dataDir, options.file ?? 'dockhand.sqlite')
  const sqlite = new SQLite(path)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = FULL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }), plugins })
  return { db, path, dialect: 'sqlite' }
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return 'postgres'
  }
}

export function dialectOf(db: Kysely<any>): Dialect {
  return db.getExecutor().adapter.constructor.name.toLowerCase().includes('postgres')
    ? 'postgres'
    : 'sqlite'
}

/**
 * Lock a row for the rest of the transaction. PostgreSQL: SELECT … FOR UPDATE, so concurrent
 * workers serialise on it. SQLite serialises whole write transactions already, so nothing to do.
 */
export async function lockRow(
  db: Queryable,
  table: 'orders' | 'stock_balances' | 'connections',
  key: string,
): Promise<void> {
  if (dialectOf(db) !== 'postgres') return
  const column = table === 'stock_balances' ? 'article_id' : 'id'
  await db
    .selectFrom(table)
    .select(column as never)
    .where(column as never, '=', key as never)
    .forUpdate()
    .execute()
}

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider })
  const { error, results } = await migrator.migrateToLatest()
  if (error) throw error instanceof Error ? error : new Error(String(error))
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}

export function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (text === null || text === undefined || text === '') return fallback
  try {
    return JSON.parse(text) as T
  } catch {
    return fallback
  }
}
