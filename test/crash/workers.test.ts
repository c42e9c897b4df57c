/**
 * Several workers on one PostgreSQL (npm run test:workers): three hub processes share a database
 * and thirty connections to simulated shops (ten per platform, each its own simulator on
 * loopback). Thirty warehouse drivers work against the cluster at once, their API calls spread
 * over all three instances (test/proof/harness.ts: Cluster, Api, drive). While one process holds
 * connection leases with runs in flight it is SIGKILLed; its runs must be resumed by another
 * instance once their lease runs out, and at the end every order must be in the hub once and
 * every shop-side write in the simulators' request logs once (test/proof/kits.ts counts them).
 *
 * Needs PostgreSQL: DOCKHAND_TEST_PG, or the local default postgres://postgres@127.0.0.1:5432/postgres
 * (a fresh database is created and dropped). WORKERS_SEED=<n> replays a run's choices (shops,
 * orders, shipments, returns, which process dies and when); WORKERS_CONNECTIONS=<n> changes the
 * number of connections (default 30); WORKERS_KEEP_DB=1 keeps the database afterwards.
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import type { ServedSimulator } from '../../fixtures/src/common/serve.ts'
import { type TestDatabase, testDatabase } from '../helpers/database.ts'
import { REPO } from '../helpers/process.ts'
import {
  ADMIN,
  Api,
  Cluster,
  converge,
  type DriverRecord,
  drive,
  serveShop,
  setUp,
  type Verdict,
} from '../proof/harness.ts'
import { createShop, PLATFORMS, type Shop } from '../proof/kits.ts'
import { SeededRng, seedFrom } from '../proof/rng.ts'

const SEED = seedFrom('WORKERS_SEED')
const CONNECTIONS = Number(process.env.WORKERS_CONNECTIONS ?? 30)
const HUBS = 3
const PG_SERVER = process.env.DOCKHAND_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres'
/** Short leases so the dead process's runs and writes are taken over within seconds. */
const RUN_LEASE_SECONDS = 4
const OUTBOX_LEASE_SECONDS = 8

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const cleanups: Array<() => Promise<void> | void> = []
afterAll(async () => {
  for (const c of cleanups.reverse()) await c()
})

async function parallel<T>(items: T[], n: number, fn: (t: T, i: number) => Promise<void>) {
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++
        await fn(items[i]!, i)
      }
    }),
  )
}

/** Poll until `fn` gives a value; generous deadlines, never a timing assertion. */
async function until<T>(what: string, timeoutMs: number, fn: () => Promise<T | null>): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v !== null) return v
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(100)
  }
}

interface Line {
  platform: string
  shop: Shop
  served: ServedSimulator
  connectionId: string
  api: Api
  rec?: DriverRecord
  verdict?: Verdict
}

/** The hub's JSON log lines with a given message. */
function logLines(output: string, msg: string): Array<Record<string, unknown>> {
  const out = []
  for (const line of output.split('\n')) {
    if (!line.includes(`"msg":"${msg}"`)) continue
    try {
      out.push(JSON.parse(line) as Record<string, unknown>)
    } catch {
      // a line cut by the kill
    }
  }
  return out
}

/** For a failed stock comparison: what the shop and the hub each did to that item, in order. */
async function explainStock(sql: pg.Client, line: Line, problem: string): Promise<string> {
  // "stock of SKU (item): shop …" or "stock of item set to … twice in a row"
  const m = /stock of (\S+) \((\S+)\)/.exec(problem) ?? /stock of (\S+) set/.exec(problem)
  if (!m) return ''
  const item = m[2] ?? m[1]!
  const sku = m[2]
    ? m[1]!
    : (
        await sql.query<{ article_number: string }>(
          'SELECT article_number FROM stock_balances b JOIN articles a ON a.id = b.article_id JOIN connections c ON c.goods_owner_id = a.goods_owner_id WHERE c.id = $1',
          [line.connectionId],
        )
      ).rows.find((r) => line.shop.itemOfSku(r.article_number) === item)?.article_number
  const out: string[] = [`  ${line.platform} ${line.connectionId} ${sku} (${item}):`]
  for (const e of line.shop.log.entries) {
    for (const s of line.shop.stockSets(e))
      if (s.item === item)
        out.push(`    shop #${e.seq} ${e.at} set ${s.quantity} (status ${e.status})`)
  }
  line.rec!.shopChanges.forEach((c, i) => {
    if (c.items.includes(item!))
      out.push(`    shop: order ${line.rec!.placed[i]} placed after #${c.afterSeq}`)
  })
  const art = await sql.query<{ id: string }>(
    'SELECT a.id FROM articles a JOIN connections c ON c.goods_owner_id = a.goods_owner_id WHERE c.id = $1 AND a.article_number = $2',
    [line.connectionId, sku],
  )
  const articleId = art.rows[0]?.id
  const journal = await sql.query(
    'SELECT j.created_at, j.on_hand_delta, j.allocated_delta, j.on_hand_after, j.allocated_after, j.reason, o.external_id FROM stock_journal j LEFT JOIN orders o ON o.id = j.reference WHERE j.article_id = $1 ORDER BY j.id',
    [articleId],
  )
  for (const j of journal.rows)
    out.push(
      `    hub ${j.created_at} ${j.reason} ${j.external_id ?? ''} on_hand ${j.on_hand_delta}→${j.on_hand_after} allocated ${j.allocated_delta}→${j.allocated_after}`,
    )
  const link = await sql.query(
    'SELECT id, pushed_quantity, queued_quantity FROM article_links WHERE connection_id = $1 AND article_id = $2',
    [line.connectionId, articleId],
  )
  const l = link.rows[0]
  out.push(`    link ${l?.id} pushed ${l?.pushed_quantity} queued ${l?.queued_quantity}`)
  const writes = await sql.query(
    "SELECT id, status, attempts, created_at, delivered_at, payload FROM outbox WHERE connection_id = $1 AND kind = 'stock.set' ORDER BY id",
    [line.connectionId],
  )
  for (const w of writes.rows) {
    const items = (JSON.parse(w.payload).items ?? []) as Array<{ linkId: string; quantity: number }>
    const mine = items.find((x) => x.linkId === l?.id)
    if (mine)
      out.push(
        `    outbox ${w.id} set ${mine.quantity} ${w.status} attempts ${w.attempts} created ${w.created_at} delivered ${w.delivered_at}`,
      )
  }
  const runs = await sql.query(
    `SELECT id, processes, status, "full", trigger, started_at, finished_at FROM sync_runs WHERE connection_id = $1 ORDER BY id`,
    [line.connectionId],
  )
  for (const r of runs.rows)
    out.push(
      `    run ${r.id} ${r.processes} full=${r.full} ${r.status} ${r.started_at} → ${r.finished_at}`,
    )
  return out.join('\n')
}

describe(`several workers on PostgreSQL (WORKERS_SEED=${SEED})`, () => {
  it(`${HUBS} hub processes, ${CONNECTIONS} connections, one SIGKILLed mid-run: every order once, every shop-side write once`, async () => {
    const started = Date.now()
    const say = (m: string) =>
      console.log(`[workers seed=${SEED} +${Math.round((Date.now() - started) / 1000)}s] ${m}`)
    const killRng = new SeededRng(SEED * 7 + 5)

    let db: TestDatabase
    try {
      db = await testDatabase(PG_SERVER)
    } catch (err) {
      throw new Error(
        `This test needs PostgreSQL at ${PG_SERVER} (set DOCKHAND_TEST_PG to use another): ${(err as Error).message}`,
      )
    }
    // WORKERS_KEEP_DB=1 keeps the database for a post-mortem (its name is printed).
    if (process.env.WORKERS_KEEP_DB === '1') say(`keeping the database ${db.env.DATABASE_URL}`)
    else cleanups.push(() => db.drop())
    const sql = new pg.Client({ connectionString: db.env.DATABASE_URL })
    await sql.connect()
    cleanups.push(() => sql.end())

    const cluster = new Cluster(HUBS, {
      ...db.env,
      // Every process must be able to open the credentials the others sealed.
      DOCKHAND_SECRET_KEY: randomBytes(32).toString('hex'),
      DOCKHAND_RUN_LEASE_SECONDS: String(RUN_LEASE_SECONDS),
      DOCKHAND_OUTBOX_LEASE_SECONDS: String(OUTBOX_LEASE_SECONDS),
      DOCKHAND_CONCURRENT_RUNS: '4',
    })
    cleanups.push(async () => {
      await cluster.stop()
      cluster.cleanup()
    })
    // All three start at once on the empty database (migrations and the admin token race).
    await cluster.start()
    const urls = cluster.members.map((m) => m.url)
    say(`hubs at ${urls.join(' ')}`)
    const admin = new Api(cluster, ADMIN)

    // Thirty shops, ten per platform, each its own simulator; one goods owner per connection.
    const lines: Line[] = []
    for (let i = 0; i < CONNECTIONS; i++) {
      const platform = PLATFORMS[i % PLATFORMS.length]!
      const shop = createShop(platform, {
        seed: ((SEED + i * 7919) % 100_000) + 1,
        products: 20,
        variantsPerProduct: 2,
      })
      const served = await serveShop(shop)
      cleanups.push(() => served.close())
      lines.push({ platform, shop, served, connectionId: '', api: admin })
    }
    await parallel(lines, 6, async (line) => {
      const { token, connectionId } = await setUp(admin, line.shop, line.served.url)
      line.connectionId = connectionId
      line.api = new Api(cluster, token)
    })
    say(`${lines.length} connections set up`)

    // The warehouse's day on every connection at once.
    let driving = lines.length
    /** Drivers past their first import (shipments, stock and returns go out from then on). */
    let imported = 0
    const driven = Promise.all(
      lines.map(async (line, i) => {
        try {
          line.rec = await drive(
            line.api,
            line.shop,
            line.connectionId,
            {
              rng: new SeededRng(SEED + 1000 + i),
              initialOrders: 30,
              laterOrders: 12,
              shipShare: 0.7,
              partialShare: 0.4,
              returnShare: 0.3,
              concurrency: 2,
            },
            (m) => {
              if (m.startsWith('imported')) imported++
            },
          )
        } finally {
          driving--
        }
      }),
    )
    // Whatever happens below, let the drivers settle before the cleanups stop the hubs.
    cleanups.push(() => driven.then(() => undefined).catch(() => undefined))

    // ── The kill: one process, at a moment when it holds leases with runs in flight. ──────────
    const victimIndex = killRng.int(HUBS)
    const victim = cluster.members[victimIndex]!
    const victimPid = victim.hub!.child.pid!
    // Once a third to two thirds of the drivers are shipping, and the process holds two leases.
    const killAfterImported = Math.ceil(lines.length * (1 / 3 + killRng.next() / 3))
    const heldBefore = await until(
      'the chosen process to hold two connection leases',
      240_000,
      async () => {
        if (driving === 0) throw new Error('the drivers finished before the kill')
        if (imported < killAfterImported) return null
        const r = await sql.query<{ name: string }>(
          'SELECT name FROM leases WHERE holder LIKE $1 AND expires_at > $2',
          [`${victimPid}-%`, new Date().toISOString()],
        )
        return r.rows.length >= 2 ? r.rows.map((x) => x.name) : null
      },
    )
    await victim.kill()
    const killedOutput = victim.hub!.output()
    say(
      `${imported} drivers past their first import; SIGKILLed hub ${victimIndex} (pid ${victimPid}) holding ${heldBefore.length} leases; ${driving} drivers still working`,
    )

    // Its leases stay behind until they expire; their connections' running runs are the orphans,
    // as the runs API shows them.
    const left = await sql.query<{ name: string }>('SELECT name FROM leases WHERE holder LIKE $1', [
      `${victimPid}-%`,
    ])
    const orphans: Array<{ runId: string; connectionId: string }> = []
    for (const { name } of left.rows) {
      const connectionId = name.replace(/^connection:/, '')
      const runs = await admin.call('GET', `/connections/${connectionId}/runs?limit=20`)
      expect(runs.status).toBe(200)
      for (const r of runs.body.data as Array<{ id: string; status: string }>)
        if (r.status === 'running') orphans.push({ runId: r.id, connectionId })
    }
    const delivering = await sql.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM outbox WHERE status = 'delivering'",
    )
    say(
      `at the kill: ${left.rows.length} leases left behind, ${orphans.length} runs running on it ` +
        `(${orphans.map((o) => o.runId).join(', ')}), ${delivering.rows[0]!.n} writes being delivered in the cluster`,
    )
    expect(orphans.length, 'the killed process had runs in flight').toBeGreaterThan(0)

    // Another instance resumes every orphaned run once its lease has run out, and finishes it.
    for (const o of orphans) {
      const run = await until(`run ${o.runId} to be resumed and finish`, 180_000, async () => {
        const r = await admin.call('GET', `/runs/${o.runId}`)
        return ['succeeded', 'partial', 'failed', 'cancelled'].includes(r.body?.status)
          ? r.body
          : null
      })
      const issues = (await admin.call('GET', `/runs/${o.runId}/issues`)).body.data as Array<{
        code: string
        message: string
      }>
      expect(
        issues.filter((x) => x.code === 'run_resumed'),
        `run ${o.runId} recorded as resumed`,
      ).toHaveLength(1)
      expect(run.status, `run ${o.runId}: ${run.error ?? ''}`).toBe('succeeded')
      const resumedBy = cluster.members
        .filter((m) => m !== victim)
        .flatMap((m) => logLines(m.hub?.output() ?? '', 'sync run resumed'))
        .filter((l) => l.run_id === o.runId)
        .map((l) => String(l.instance))
      expect(resumedBy, `run ${o.runId} resumed by a surviving instance`).toHaveLength(1)
      expect(resumedBy[0]!.startsWith(`${victimPid}-`)).toBe(false)
    }
    say(`all ${orphans.length} orphaned runs resumed by the surviving instances and finished`)

    // The dead process comes back and joins in again.
    await victim.start()
    say(`hub ${victimIndex} restarted at ${victim.url}`)

    await driven
    say('all drivers done; converging')

    await parallel(lines, 6, async (line) => {
      line.verdict = await converge(line.api, line.shop, line.connectionId, line.rec!, 120_000)
    })

    // Across the whole database as well: one order per (connection, shop order), one
    // order.received per order, and nothing left undelivered.
    const doubled = await sql.query(
      'SELECT connection_id, external_id, count(*)::int AS n FROM orders GROUP BY 1, 2 HAVING count(*) > 1',
    )
    const received = await sql.query(
      "SELECT subject_id, count(*)::int AS n FROM events WHERE type = 'order.received' GROUP BY 1 HAVING count(*) > 1",
    )
    const outbox = await sql.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM outbox GROUP BY 1 ORDER BY 1',
    )
    const reclaimed = await sql.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM outbox WHERE attempts > 1',
    )
    const resumedRuns = await sql.query<{ n: number }>(
      "SELECT count(DISTINCT run_id)::int AS n FROM run_issues WHERE code = 'run_resumed'",
    )

    // Counts, per platform and in total.
    const total: Record<string, number> = {}
    const perPlatform: Record<string, Record<string, number>> = {}
    for (const line of lines) {
      const p = (perPlatform[line.platform] ??= {})
      const add = (k: string, v: number) => {
        total[k] = (total[k] ?? 0) + v
        p[k] = (p[k] ?? 0) + v
      }
      add('placed', line.rec!.placed.length)
      for (const [k, v] of Object.entries(line.verdict!.counts)) add(k, v)
      add('refused', line.rec!.refused.length)
    }
    const fmt = (c: Record<string, number>) =>
      Object.entries(c)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')
    for (const [platform, c] of Object.entries(perPlatform)) say(`${platform}: ${fmt(c)}`)
    const runsBy = cluster.members.map(
      (m) =>
        logLines(m.hub?.output() ?? '', 'sync run started').length +
        logLines(m.hub?.output() ?? '', 'sync run resumed').length,
    )
    say(
      `total: ${fmt(total)} | outbox ${outbox.rows.map((r) => `${r.status}=${r.n}`).join(' ')} | ` +
        `writes delivered on a second attempt=${reclaimed.rows[0]!.n} | resumed runs=${resumedRuns.rows[0]!.n} | runs by the survivors (and the restarted one) ${runsBy.join('/')} | ` +
        `api retries=${lines.reduce((n, l) => n + l.api.networkRetries, admin.networkRetries)} | ` +
        `time=${Math.round((Date.now() - started) / 1000)}s`,
    )
    for (const line of lines)
      if (line.rec!.refused.length)
        say(
          `${line.platform} ${line.connectionId} refused: ${line.rec!.refused.slice(0, 3).join('; ')}`,
        )

    for (const line of lines)
      for (const p of line.verdict!.problems.filter((x) => x.startsWith('stock of')).slice(0, 2))
        say(await explainStock(sql, line, p))
    // The hubs' logs, for a failure's post-mortem.
    const artifacts = join(REPO, 'test-artifacts', 'workers', String(SEED))
    mkdirSync(artifacts, { recursive: true })
    writeFileSync(join(artifacts, `hub-${victimIndex}-killed.log`), killedOutput)
    cluster.members.forEach((m, i) => {
      writeFileSync(join(artifacts, `hub-${i}.log`), m.hub?.output() ?? '')
    })
    say(`hub logs in ${artifacts}`)
    const problems = lines.flatMap((l) =>
      l.verdict!.problems.map((p) => `${l.platform} ${l.connectionId}: ${p}`),
    )
    expect(problems.slice(0, 30)).toEqual([])
    expect(doubled.rows).toEqual([])
    expect(received.rows).toEqual([])
    expect(outbox.rows.filter((r) => r.status !== 'done')).toEqual([])
    expect(total.orders).toBe(total.placed)
  }, 900_000)
})
