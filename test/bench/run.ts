/**
 * npm run bench — Dockhand against the platform simulators, beside a typical one-call-per-item
 * script. Not part of `npm test`. Prints a table and writes the results as JSON.
 *
 *   npm run bench                                   # all platforms, SQLite, 0 ms and 50 ms, full size
 *   npm run bench -- --quick                        # 2 % of the size, to try it out
 *   npm run bench -- --platforms shopify --latency 0 --db postgres
 *   npm run bench -- --scale 1 --latency 0,50 --latency-scale 0.1 --db both
 *
 * Options (or environment): --platforms a,b (BENCH_PLATFORMS), --scale x (BENCH_SCALE, 1 = 10,000
 * products × 3 variants, 10,000 orders, 30,000 stock levels), --latency 0,50 (BENCH_LATENCY, ms
 * added by the simulator's server before each answer), --latency-scale x (scale for runs with
 * latency > 0; default: --scale), --db sqlite|postgres|both (BENCH_DB), --pg <url> (BENCH_PG_URL,
 * default postgres://postgres@127.0.0.1:5432/postgres; a fresh database is created per run and
 * dropped after), --webhook-orders n, --webhook-interval ms, --quiet-gap s (wait before a second
 * incremental run, default 130; 0 with --quick), --no-baseline, --seed n,
 * --out <file> (default test-artifacts/bench-<timestamp>.json).
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import type { Platform } from '../proof/kits.ts'
import { FLOOR_FORMULAS, type Size } from './floors.ts'
import type { DbKind } from './hub.ts'
import { type JobResult, runPlatform } from './jobs.ts'
import { BASELINE_LEGEND, formatTable } from './report.ts'

const { values } = parseArgs({
  options: {
    platforms: { type: 'string' },
    scale: { type: 'string' },
    quick: { type: 'boolean', default: false },
    latency: { type: 'string' },
    'latency-scale': { type: 'string' },
    db: { type: 'string' },
    pg: { type: 'string' },
    'webhook-orders': { type: 'string' },
    'webhook-interval': { type: 'string' },
    'no-baseline': { type: 'boolean', default: false },
    'quiet-gap': { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
  },
})

const env = process.env
const ALL: Platform[] = ['woocommerce', 'shopify', 'bigcommerce']
const platforms = (values.platforms ?? env.BENCH_PLATFORMS ?? ALL.join(','))
  .split(',')
  .map((p) => p.trim())
  .filter(Boolean) as Platform[]
for (const p of platforms) if (!ALL.includes(p)) throw new Error(`unknown platform ${p}`)
const scale = Number(values.scale ?? env.BENCH_SCALE ?? (values.quick ? 0.02 : 1))
const latencies = (values.latency ?? env.BENCH_LATENCY ?? '0,50').split(',').map(Number)
const latencyScale = Number(values['latency-scale'] ?? env.BENCH_LATENCY_SCALE ?? scale)
const dbOpt = values.db ?? env.BENCH_DB ?? 'sqlite'
const dbs: DbKind[] = dbOpt === 'both' ? ['sqlite', 'postgres'] : [dbOpt as DbKind]
for (const d of dbs) if (d !== 'sqlite' && d !== 'postgres') throw new Error(`unknown db ${d}`)
const pgUrl =
  values.pg ??
  env.BENCH_PG_URL ??
  env.DOCKHAND_TEST_PG ??
  'postgres://postgres@127.0.0.1:5432/postgres'
const webhookOrders = Number(values['webhook-orders'] ?? (values.quick ? 40 : 200))
const webhookIntervalMs = Number(values['webhook-interval'] ?? 100)
const seed = Number(values.seed ?? 7)
const quietGapS = Number(values['quiet-gap'] ?? env.BENCH_QUIET_GAP ?? (values.quick ? 0 : 130))
const stamp = new Date().toISOString().replace(/[:.]/g, '-')
const out = values.out ?? join('test-artifacts', `bench-${stamp}.json`)

function sizeAt(s: number): Size {
  const products = Math.max(1, Math.round(10_000 * s))
  const orders = Math.max(1, Math.round(10_000 * s))
  return { products, variants: 3, orders, stock: products * 3, webhookOrders }
}

function sh(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim()
  } catch {
    return 'unknown'
  }
}

async function machine() {
  const cpuinfo = (() => {
    try {
      return readFileSync('/proc/cpuinfo', 'utf8')
    } catch {
      return ''
    }
  })()
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? 'unknown'
  let postgres: string | null = null
  if (dbs.includes('postgres')) {
    const c = new pg.Client({ connectionString: pgUrl })
    await c.connect()
    postgres = (await c.query<{ v: string }>('SHOW server_version')).rows[0]?.v ?? null
    await c.end()
  }
  const { default: Database } = await import('better-sqlite3')
  const mem = new Database(':memory:')
  const sqlite = (mem.prepare('select sqlite_version() as v').get() as { v: string }).v
  mem.close()
  return {
    nproc: sh('nproc', []),
    cpuModel: model,
    memTotalGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    kernel: sh('uname', ['-r']),
    sqlite,
    postgres,
    loadAverageAtStart: sh('cat', ['/proc/loadavg']),
    commit: sh('git', ['rev-parse', '--short', 'HEAD']),
    /** Files changed in the working tree when the run started (others may be editing it). */
    uncommitted: sh('git', ['status', '--porcelain', '--untracked-files=no'])
      .split('\n')
      .filter(Boolean).length,
  }
}

const log = (line: string) => process.stdout.write(`${line}\n`)

const info = await machine()
log(
  `Dockhand bench: ${platforms.join(', ')}; db ${dbs.join(', ')}; latency ${latencies.join(', ')} ms; scale ${scale}${latencies.some((l) => l > 0) && latencyScale !== scale ? ` (latency runs: ${latencyScale})` : ''}`,
)
log(
  `machine: ${info.nproc} CPUs (${info.cpuModel}), ${info.memTotalGb} GB, Node ${info.node}, SQLite ${info.sqlite}${info.postgres ? `, PostgreSQL ${info.postgres}` : ''}; load ${info.loadAverageAtStart}`,
)
const results: JobResult[] = []
const started = Date.now()
const failures: string[] = []
for (const db of dbs) {
  for (const latencyMs of latencies) {
    const size = sizeAt(latencyMs > 0 ? latencyScale : scale)
    for (const platform of platforms) {
      log(
        `\n${platform} · ${db} · ${latencyMs} ms · ${size.products} products × ${size.variants}, ${size.orders} orders, ${size.stock} stock levels, ${size.webhookOrders} webhook orders`,
      )
      try {
        results.push(
          ...(await runPlatform({
            platform,
            db,
            pgUrl,
            latencyMs,
            size,
            seed,
            baseline: !values['no-baseline'],
            webhookIntervalMs,
            quietGapS,
            log,
          })),
        )
      } catch (err) {
        const msg = `${platform} · ${db} · ${latencyMs} ms failed: ${(err as Error).stack ?? err}`
        failures.push(msg)
        log(msg)
      }
      writeResults()
    }
  }
}

function writeResults() {
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(
    out,
    `${JSON.stringify(
      {
        command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
        startedAt: new Date(started).toISOString(),
        durationS: Math.round((Date.now() - started) / 1000),
        machine: info,
        options: {
          platforms,
          scale,
          latencyScale,
          latencies,
          dbs,
          webhookOrders,
          webhookIntervalMs,
          seed,
        },
        floors: FLOOR_FORMULAS,
        baseline: BASELINE_LEGEND,
        results,
        failures,
      },
      null,
      2,
    )}\n`,
  )
}

log(`\n${formatTable(results)}`)
log(`\nresults: ${out} (${Math.round((Date.now() - started) / 1000)} s)`)
if (failures.length) {
  log(`${failures.length} run(s) failed`)
  process.exitCode = 1
}
