/**
 * Boots a hub: configuration, store (migrated), master key, admin token, HTTP server, worker.
 * Used by `dockhand serve` (npm start) and by tests that need a real process or server.
 */
import { randomUUID } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { createApp } from './api/app.ts'
import type { HubConfig } from './config.ts'
import { createRegistry } from './connectors/index.ts'
import { SecretBox } from './crypto/secret-box.ts'
import { hashToken } from './crypto/tokens.ts'
import { createToken } from './domain/owners.ts'
import type { Hub } from './hub.ts'
import { createLogger, type Logger } from './log.ts'
import { type Db, dialectOf, migrateToLatest, openDb } from './store/db.ts'
import type { ConnectorRegistry } from './sync/connector.ts'
import { Worker } from './sync/worker.ts'

export interface RunningHub {
  hub: Hub
  url: string
  port: number
  /** Stop accepting requests, let in-flight work finish, close the store. */
  stop(): Promise<void>
}

export interface OpenHubOptions {
  config: HubConfig
  logger?: Logger
  registry?: ConnectorRegistry
  /** Print the generated admin token here (default: stdout). */
  announce?: (text: string) => void
}

/** The store, key and registry without HTTP or worker (CLI commands use this). */
export async function openHub(
  options: OpenHubOptions,
): Promise<{ hub: Hub; abort: AbortController; worker: Worker }> {
  const { config } = options
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 })
  const log = options.logger ?? createLogger(config.logLevel)
  const { db } = openDb({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    onConnectionError: (err) =>
      log.warn({ err }, 'a PostgreSQL connection in the pool failed; it is replaced'),
  })
  await migrateToLatest(db)
  const box = SecretBox.load({ secretKey: config.secretKey, dataDir: config.dataDir })
  const abort = new AbortController()
  let worker: Worker | null = null
  const hub: Hub = {
    config,
    db,
    box,
    registry: options.registry ?? createRegistry(),
    log,
    instanceId: `${process.pid}-${randomUUID().slice(0, 8)}`,
    shutdown: abort.signal,
    kick: () => worker?.kick(),
  }
  worker = new Worker(hub)
  return { hub, abort, worker }
}

/** Make sure an admin can get in: the env token, or a generated one printed once. */
export async function ensureAdminToken(
  db: Db,
  config: HubConfig,
  announce: (text: string) => void,
): Promise<void> {
  if (config.adminToken) {
    const hash = hashToken(config.adminToken)
    const found = await db
      .selectFrom('api_tokens')
      .select('id')
      .where('token_hash', '=', hash)
      .executeTakeFirst()
    if (found) return
    try {
      await createToken(db, {
        name: 'DOCKHAND_ADMIN_TOKEN',
        role: 'admin',
        goodsOwnerId: null,
        token: config.adminToken,
      })
    } catch (err) {
      // Several processes starting at once on one PostgreSQL: another one stored it first.
      const stored = await db
        .selectFrom('api_tokens')
        .select('id')
        .where('token_hash', '=', hash)
        .executeTakeFirst()
      if (!stored) throw err
    }
    return
  }
  const any = await db
    .selectFrom('api_tokens')
    .select('id')
    .where('role', '=', 'admin')
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  if (any) return
  const { token } = await createToken(db, {
    name: 'first start',
    role: 'admin',
    goodsOwnerId: null,
  })
  announce(
    [
      '',
      '  Dockhand created an admin API token. It is shown only this once; store it somewhere safe:',
      '',
      `    ${token}`,
      '',
      '  Use it as "Authorization: Bearer <token>". Set DOCKHAND_ADMIN_TOKEN to choose your own.',
      '',
    ].join('\n'),
  )
}

/**
 * With SQLite one hub process owns the data directory, so whatever a previous process left
 * in flight died with it: its outbox writes go back to the queue (their attempt count tells the
 * connector to check the shop before writing again) and its runs are closed as interrupted.
 */
export async function recoverAfterRestart(db: Db): Promise<{ writes: number; runs: number }> {
  const writes = await db
    .updateTable('outbox')
    .set({ status: 'pending', lease_until: null, next_attempt_at: new Date(0).toISOString() })
    .where('status', '=', 'delivering')
    .executeTakeFirst()
  const runs = await db
    .updateTable('sync_runs')
    .set({
      status: 'failed',
      error:
        'Interrupted: the hub process stopped during this run. The next run resumes from the saved checkpoints.',
      finished_at: new Date().toISOString(),
    })
    .where('status', '=', 'running')
    .executeTakeFirst()
  await db.deleteFrom('leases').execute()
  return { writes: Number(writes.numUpdatedRows), runs: Number(runs.numUpdatedRows) }
}

export async function startServer(options: OpenHubOptions): Promise<RunningHub> {
  const { hub, abort, worker } = await openHub(options)
  const { config } = options
  // SQLite: one process per data dir, so what is in flight died with the previous process.
  // PostgreSQL: other workers may be mid-delivery; a dead worker's leases expire instead.
  if (dialectOf(hub.db) === 'sqlite') {
    const recovered = await recoverAfterRestart(hub.db)
    if (recovered.writes || recovered.runs)
      hub.log.warn(recovered, 'recovered work interrupted by the previous stop')
  }
  await ensureAdminToken(
    hub.db,
    config,
    options.announce ?? ((t) => process.stdout.write(`${t}\n`)),
  )
  const app = createApp(hub)
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () =>
      resolve(s),
    )
  })
  const port = (server.address() as AddressInfo).port
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`
  if (config.worker) worker.start()
  hub.log.info(
    { url, pid: process.pid, data_dir: config.dataDir, worker: config.worker },
    'dockhand hub listening',
  )
  let stopping: Promise<void> | null = null
  return {
    hub,
    url,
    port,
    stop: () => {
      stopping ??= (async () => {
        abort.abort(new Error('hub shutting down'))
        await new Promise<void>((resolve) => server.close(() => resolve()))
        await worker.stop()
        await hub.db.destroy()
        hub.log.info('dockhand hub stopped')
      })()
      return stopping
    },
  }
}
