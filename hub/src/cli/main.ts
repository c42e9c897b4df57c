/**
 * dockhand — run and administer a hub from a terminal or a script.
 * Commands act on the local data directory (DOCKHAND_DATA_DIR); `--json` prints machine-readable output.
 */
import { parseArgs } from 'node:util'
import { PROCESSES, type Process } from '../../../shared/src/platforms.ts'
import { ConfigError, loadConfig } from '../config.ts'
import {
  connectionView,
  createConnection,
  createConnectionSchema,
  getConnection,
} from '../domain/connections.ts'
import { createOwner, createToken, getOwner, ownerView, tokenView } from '../domain/owners.ts'
import { runView } from '../domain/runs.ts'
import { applyStockChanges } from '../domain/stock.ts'
import { HubError } from '../errors.ts'
import { createLogger } from '../log.ts'
import { openHub, startServer } from '../server.ts'
import { migrateToLatest, openDb } from '../store/db.ts'
import { buildContext } from '../sync/context.ts'
import { executeRun, queueRun } from '../sync/engine.ts'

const HELP = `dockhand — warehouse integration hub

Usage: dockhand <command> [options]

  serve                                   run the hub (HTTP API + scheduler + outbox worker)
  migrate                                 apply database migrations and exit
  owner add <name>                        create a goods owner
  owner list                              list goods owners
  token create --admin | --owner <id> [--name N]
                                          create an API token (shown once)
  connection add --owner <id> --platform <p> --name <n> [--url U] [--shop S]
                 --cred key=value ... [--setting key=json ...]
  connection list [--owner <id>]
  connection test <id>
  connection sync <id> [--process p ...] [--full] [--wait]
  orders list [--owner <id>] [--status s] [--limit n]
  stock set --owner <id> <article_number>=<on_hand> ...

Options: --json (machine-readable output), --help
Environment: PORT, HOST, DOCKHAND_DATA_DIR, DOCKHAND_ADMIN_TOKEN, DOCKHAND_SECRET_KEY, DOCKHAND_PUBLIC_URL
`

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  strict: true,
  options: {
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
    admin: { type: 'boolean', default: false },
    owner: { type: 'string' },
    name: { type: 'string' },
    platform: { type: 'string' },
    url: { type: 'string' },
    shop: { type: 'string' },
    cred: { type: 'string', multiple: true },
    setting: { type: 'string', multiple: true },
    process: { type: 'string', multiple: true },
    full: { type: 'boolean', default: false },
    wait: { type: 'boolean', default: false },
    status: { type: 'string' },
    limit: { type: 'string' },
  },
})

function out(data: unknown, text: () => string): void {
  process.stdout.write(opts.json ? `${JSON.stringify(data, null, 2)}\n` : `${text()}\n`)
}

function fail(message: string, code = 1): never {
  process.stderr.write(`dockhand: ${message}\n`)
  process.exit(code)
}

function keyValues(list: string[] | undefined, parseValue: boolean): Record<string, unknown> {
  const result: Record<string, unknown> = {}
  for (const item of list ?? []) {
    const i = item.indexOf('=')
    if (i < 1) fail(`expected key=value, got "${item}"`)
    const key = item.slice(0, i)
    const raw = item.slice(i + 1)
    if (!parseValue) result[key] = raw
    else {
      try {
        result[key] = JSON.parse(raw)
      } catch {
        result[key] = raw
      }
    }
  }
  return result
}

async function main(): Promise<void> {
  const [command, sub, ...rest] = positionals
  if (opts.help || !command) {
    process.stdout.write(HELP)
    return
  }
  const config = loadConfig()

  if (command === 'serve') {
    // Handlers first, so a signal that arrives while starting still shuts down cleanly.
    let running: Awaited<ReturnType<typeof startServer>> | null = null
    let requested: string | null = null
    let signals = 0
    const shutdown = (signal: string) => {
      signals++
      if (signals > 1) process.exit(1)
      requested = signal
      if (!running) return
      running.hub.log.info({ signal }, 'shutting down')
      running.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      )
    }
    process.on('SIGTERM', () => shutdown('SIGTERM'))
    process.on('SIGINT', () => shutdown('SIGINT'))
    running = await startServer({ config })
    if (requested) {
      signals = 0
      shutdown(requested)
    }
    return
  }
  if (command === 'migrate') {
    const { db } = openDb({
      dataDir: config.dataDir,
      databaseUrl: config.databaseUrl,
      onConnectionError: (err) => console.error(`PostgreSQL connection failed: ${err.message}`),
    })
    const applied = await migrateToLatest(db)
    await db.destroy()
    out({ applied }, () =>
      applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date',
    )
    return
  }

  const { hub, abort } = await openHub({
    config,
    logger: createLogger(process.env.DOCKHAND_LOG_LEVEL ?? 'warn', process.stderr as never),
  })
  try {
    await dispatch(hub, command, sub, rest)
  } finally {
    abort.abort()
    await hub.db.destroy()
  }
}

async function dispatch(
  hub: Awaited<ReturnType<typeof openHub>>['hub'],
  command: string,
  sub: string | undefined,
  rest: string[],
) {
  const { db } = hub
  switch (`${command} ${sub ?? ''}`.trim()) {
    case 'owner add': {
      const name = rest.join(' ').trim() || opts.name
      if (!name) fail('owner add needs a name')
      const owner = await createOwner(db, name)
      return out(ownerView(owner), () => `${owner.id}\t${owner.name}`)
    }
    case 'owner list': {
      const owners = await db.selectFrom('goods_owners').selectAll().orderBy('id').execute()
      return out(
        owners.map(ownerView),
        () => owners.map((o) => `${o.id}\t${o.name}`).join('\n') || '(no goods owners)',
      )
    }
    case 'token create': {
      if (!opts.admin && !opts.owner) fail('token create needs --admin or --owner <goods owner id>')
      if (opts.owner) await getOwner(db, opts.owner)
      const { token, row } = await createToken(db, {
        name: opts.name ?? 'cli',
        role: opts.admin ? 'admin' : 'owner',
        goodsOwnerId: opts.admin ? null : (opts.owner ?? null),
      })
      return out({ ...tokenView(row), token }, () => token)
    }
    case 'connection add': {
      if (!opts.owner) fail('connection add needs --owner <goods owner id>')
      await getOwner(db, opts.owner)
      const input = createConnectionSchema.parse({
        platform: opts.platform,
        name: opts.name ?? `${opts.platform} shop`,
        base_url: opts.url,
        shop_ref: opts.shop,
        credentials: keyValues(opts.cred, false),
        settings: keyValues(opts.setting, true),
      })
      const row = await createConnection(db, hub, opts.owner, input)
      return out(connectionView(row, hub.registry), () => `${row.id}\t${row.platform}\t${row.name}`)
    }
    case 'connection list': {
      let q = db.selectFrom('connections').selectAll().orderBy('id')
      if (opts.owner) q = q.where('goods_owner_id', '=', opts.owner)
      const rows = await q.execute()
      return out(
        rows.map((r) => connectionView(r, hub.registry)),
        () =>
          rows
            .map((r) => `${r.id}\t${r.platform}\t${r.status}\t${r.name}\t${r.base_url}`)
            .join('\n') || '(no connections)',
      )
    }
    case 'connection test': {
      const row = await getConnection(db, null, need(rest[0], 'connection id'))
      const connector = hub.registry.get(row.platform)
      if (!connector) fail(`this hub has no ${row.platform} connector`)
      const result = await connector.testConnection(
        buildContext(hub, row, AbortSignal.timeout(30_000)),
      )
      out(result, () =>
        [
          result.summary,
          ...result.checks.map((c) => `  ${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`),
        ].join('\n'),
      )
      if (!result.ok) process.exitCode = 2
      return
    }
    case 'connection sync': {
      const row = await getConnection(db, null, need(rest[0], 'connection id'))
      const processes = (opts.process ?? []) as Process[]
      const bad = processes.filter((p) => !(PROCESSES as readonly string[]).includes(p))
      if (bad.length) fail(`unknown process "${bad[0]}"; use ${PROCESSES.join(', ')}`)
      const run = await queueRun(hub, row, { trigger: 'manual', processes, full: opts.full })
      if (!opts.wait) return out({ run_id: run.id }, () => run.id)
      return waitForRun(hub, run.id)
    }
    case 'orders list': {
      let q = db
        .selectFrom('orders')
        .selectAll()
        .orderBy('id', 'desc')
        .limit(Number(opts.limit ?? 50))
      if (opts.owner) q = q.where('goods_owner_id', '=', opts.owner)
      if (opts.status) q = q.where('status', 'in', opts.status.split(',') as never)
      const rows = await q.execute()
      return out(
        rows.map((o) => ({
          id: o.id,
          order_number: o.order_number,
          status: o.status,
          shop_status: o.shop_status,
          connection_id: o.connection_id,
          created_at: o.created_at,
        })),
        () =>
          rows.map((o) => `${o.id}\t${o.order_number}\t${o.status}\t${o.created_at}`).join('\n') ||
          '(no orders)',
      )
    }
    case 'stock set': {
      if (!opts.owner) fail('stock set needs --owner <goods owner id>')
      const items = rest.map((pair) => {
        const [number, qty] = pair.split('=')
        const n = Number(qty)
        if (!number || !Number.isInteger(n) || n < 0)
          fail(`expected <article_number>=<on_hand>, got "${pair}"`)
        return { article_number: number, on_hand: n }
      })
      if (!items.length) fail('stock set needs at least one <article_number>=<on_hand>')
      const results = await db
        .transaction()
        .execute((trx) => applyStockChanges(trx, opts.owner!, items, 'cli'))
      return out(results, () =>
        results
          .map((r) => `${r.article_number}\ton hand ${r.on_hand}\tavailable ${r.available}`)
          .join('\n'),
      )
    }
    default:
      fail(`unknown command "${[command, sub].filter(Boolean).join(' ')}". Try --help.`, 64)
  }
}

function need(v: string | undefined, what: string): string {
  if (!v) fail(`missing ${what}`)
  return v
}

/** Run it here (or wait for the server that holds the lease), showing progress. */
async function waitForRun(hub: Awaited<ReturnType<typeof openHub>>['hub'], runId: string) {
  const tty = process.stdout.isTTY && !opts.json
  let last = ''
  const show = async () => {
    const run = await hub.db
      .selectFrom('sync_runs')
      .selectAll()
      .where('id', '=', runId)
      .executeTakeFirstOrThrow()
    const view = runView(run)
    const parts = Object.entries(view.progress).map(
      ([p, v]) =>
        `${p} ${v.done}/${v.total ?? '?'}${v.state === 'done' ? ' ✓' : v.state === 'failed' ? ' ✗' : ''}`,
    )
    const line = `${view.status}: ${parts.join('  ')}`
    if (tty) {
      const done = Object.values(view.progress).filter(
        (v) => v.state === 'done' || v.state === 'skipped' || v.state === 'failed',
      ).length
      const total = Object.keys(view.progress).length || 1
      const width = 24
      const filled = Math.round((done / total) * width)
      process.stdout.write(
        `\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${line}`
          .padEnd(process.stdout.columns ?? 100)
          .slice(0, (process.stdout.columns ?? 100) - 1),
      )
    } else if (line !== last && !opts.json) {
      process.stdout.write(`${line}\n`)
    }
    last = line
    return view
  }
  const ticker = setInterval(() => void show().catch(() => undefined), 250)
  try {
    for (;;) {
      const ran = await executeRun(hub, runId)
      if (ran) break
      await new Promise((r) => setTimeout(r, 1000))
    }
    // The server may be running it: wait until it ends.
    for (;;) {
      const run = await hub.db
        .selectFrom('sync_runs')
        .select('status')
        .where('id', '=', runId)
        .executeTakeFirstOrThrow()
      if (!['queued', 'running'].includes(run.status)) break
      await new Promise((r) => setTimeout(r, 500))
    }
  } finally {
    clearInterval(ticker)
  }
  const view = await show()
  if (tty) process.stdout.write('\n')
  if (opts.json) process.stdout.write(`${JSON.stringify(view, null, 2)}\n`)
  if (view.status !== 'succeeded') process.exitCode = 2
}

main().catch((err) => {
  if (err instanceof ConfigError) fail(err.message, 78)
  if (err instanceof HubError) fail(err.detail, 2)
  if (err && typeof err === 'object' && 'issues' in err)
    fail(`invalid input: ${JSON.stringify((err as { issues: unknown }).issues)}`, 2)
  fail((err as Error).stack ?? String(err))
})
