/**
 * One platform's benchmark at one latency on one database: the hub's five jobs against a served
 * simulator, then the baseline script's five jobs against a second, identical simulator.
 */
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { LoggedRequest } from '../../fixtures/src/common/request-log.ts'
import { type ServedSimulator, serveSimulator } from '../../fixtures/src/common/serve.ts'
import { createShop, type Platform, type Shop } from '../proof/kits.ts'
import { SeededRng } from '../proof/rng.ts'
import { baselineFor } from './baseline.ts'
import { addCatalog } from './catalog.ts'
import { floorOf, type JobName, type Size } from './floors.ts'
import {
  type BenchDatabase,
  BenchHub,
  benchDatabase,
  cpuMs,
  type DbKind,
  pgBackendCpu,
  resetPeak,
  statusKb,
} from './hub.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export interface PlatformRunOptions {
  platform: Platform
  db: DbKind
  pgUrl: string
  latencyMs: number
  size: Size
  seed: number
  baseline: boolean
  /** Gap between webhook-job orders, ms. */
  webhookIntervalMs: number
  /** Seconds to wait before a second incremental run (past the 2-minute overlap windows); 0: none. */
  quietGapS: number
  log: (line: string) => void
}

export interface Calls {
  total: number
  reads: number
  writes: number
  /** Answers ≥ 400 or injected faults (retried calls, throttling). */
  errors: number
  /** Calls by kind: method and path with ids as {id}, or the GraphQL root fields. */
  byKind: Record<string, number>
}

export interface Latency {
  samples: number
  missing: number
  p50Ms: number | null
  p99Ms: number | null
  maxMs: number | null
}

export interface Measured {
  wallMs: number
  calls: Calls
}

export interface HubMeasured extends Measured {
  cpuMs: number
  /** Peak RSS during the job (VmHWM after a reset), or since start when the reset is refused. */
  peakRssMb: number
  peakIsPerJob: boolean
  /** PostgreSQL only: CPU of the database's server backends during the job. */
  dbServerCpuMs: number | null
  run: { status: string; counts: unknown; issues: unknown } | null
}

export interface JobResult {
  platform: Platform
  db: DbKind
  latencyMs: number
  job: JobName | 'resync' | 'incremental-later'
  size: Size
  hub: HubMeasured
  floor: number | null
  callsPerFloor: number | null
  baseline: Measured | null
  callsVsBaseline: number | null
  wallVsBaseline: number | null
  latency: Latency | null
  baselineLatency: Latency | null
  /** 1-minute load average of the machine at the end of the job (others' processes included). */
  load1: number
  notes: string[]
}

function load1(): number {
  try {
    return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0])
  } catch {
    return -1
  }
}

function countCalls(entries: LoggedRequest[]): Calls {
  let reads = 0
  let writes = 0
  let errors = 0
  const byKind: Record<string, number> = {}
  for (const e of entries) {
    const kind = e.operation?.length
      ? `graphql ${e.operation.join(',')}`
      : `${e.method} ${e.path.replace(/\/\d+/g, '/{id}').replace(/\/stores\/[^/]+/, '')}`
    byKind[kind] = (byKind[kind] ?? 0) + 1
    const mutation = (e.operation ?? []).some((o) => o.startsWith('mutation:'))
    const write = e.operation?.length ? mutation : e.method !== 'GET' && e.method !== 'HEAD'
    if (write) writes++
    else reads++
    if (e.status >= 400 || e.status === 0 || e.fault) errors++
  }
  return { total: entries.length, reads, writes, errors, byKind }
}

function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))
  return Math.round(sorted[i]! * 10) / 10
}

function latencyOf(samples: number[], missing: number): Latency {
  const s = [...samples].sort((a, b) => a - b)
  return {
    samples: s.length,
    missing,
    p50Ms: percentile(s, 0.5),
    p99Ms: percentile(s, 0.99),
    maxMs: s.length ? Math.round(s[s.length - 1]! * 10) / 10 : null,
  }
}

/** The simulator's log since `afterSeq`, once no request has arrived for `quietMs`. */
async function logSince(shop: Shop, afterSeq: number, quietMs = 300): Promise<LoggedRequest[]> {
  let n = shop.log.entries.length
  for (;;) {
    await sleep(quietMs)
    if (shop.log.entries.length === n) break
    n = shop.log.entries.length
  }
  return shop.log.entries.filter((e) => e.seq > afterSeq)
}

const lastSeq = (shop: Shop) => shop.log.entries.at(-1)?.seq ?? 0

/** A shop of the benchmark's size: plain catalogue, N open orders spread over the last hours. */
function buildShop(o: PlatformRunOptions): { shop: Shop; rng: SeededRng } {
  const shop = createShop(o.platform, {
    seed: o.seed,
    products: 0,
    variantsPerProduct: o.size.variants,
    // The benchmark measures the hub, not the platform's throttle: an effectively unlimited
    // Shopify cost bucket and BigCommerce quota (see docs/performance.md for what they cost).
    simulator:
      o.platform === 'shopify'
        ? { bucket: { maximumAvailable: 1e9, restoreRate: 1e9 } }
        : o.platform === 'bigcommerce'
          ? { quota: 1e9 }
          : {},
  })
  addCatalog(o.platform, shop.sim, { products: o.size.products, variants: o.size.variants })
  const rng = new SeededRng(o.seed)
  const placed: string[] = []
  for (let i = 0; i < o.size.orders; i++) placed.push(shop.placeOrder(rng, `b${i}`).externalId)
  // Orders arrived one a second up to now (a real backlog), not all in the same second.
  const now = Math.floor(Date.now() / 1000) * 1000
  placed.forEach((id, i) => {
    const t = now - (placed.length - i) * 1000
    if (o.platform === 'woocommerce') {
      const rec = shop.sim.store.orders.get(Number(id))
      rec.created = t
      rec.modified = t
      if (rec.paid !== null) rec.paid = t
    } else if (o.platform === 'shopify') {
      const rec = shop.sim.store.orders.get(Number(id.split('/').pop()))
      const iso = new Date(t).toISOString()
      rec.createdAt = iso
      rec.updatedAt = iso
      rec.processedAt = iso
    } else {
      const rec = shop.sim.store.orders.get(Number(id))
      rec.date_created = new Date(t)
      rec.date_modified = new Date(t)
    }
  })
  shop.log.clear()
  return { shop, rng }
}

async function serve(shop: Shop, latencyMs: number): Promise<ServedSimulator> {
  const served = await serveSimulator(shop, { latencyMs })
  shop.setOrigin(served.url)
  return served
}

/** Article numbers of the plain catalogue (the SKUs catalog.ts gives the variants). */
function skus(size: Size): string[] {
  const out: string[] = []
  for (let p = 1; p <= size.products; p++)
    for (let v = 1; v <= size.variants; v++) out.push(`BENCH-${p}-${v}`)
  return out
}

export async function runPlatform(o: PlatformRunOptions): Promise<JobResult[]> {
  const hubResults = await runHub(o)
  let base: Awaited<ReturnType<typeof runBaseline>> | null = null
  if (o.baseline) {
    try {
      base = await runBaseline(o)
    } catch (err) {
      o.log(`  baseline failed: ${(err as Error).stack ?? err}`)
      for (const r of hubResults) r.notes.push(`baseline failed: ${(err as Error).message}`)
    }
  }
  return hubResults.map((r) => {
    const b = base?.get(r.job === 'incremental-later' ? 'incremental' : r.job) ?? null
    return {
      ...r,
      baseline: b?.measured ?? null,
      baselineLatency: b?.latency ?? null,
      callsVsBaseline: b?.measured.calls.total
        ? round(r.hub.calls.total / b.measured.calls.total)
        : null,
      wallVsBaseline: b?.measured.wallMs ? round(r.hub.wallMs / b.measured.wallMs) : null,
    }
  })
}

const round = (x: number) => Math.round(x * 1000) / 1000

async function runHub(o: PlatformRunOptions): Promise<JobResult[]> {
  const { shop, rng } = buildShop(o)
  const served = await serve(shop, o.latencyMs)
  let db: BenchDatabase | null = null
  const hub = new BenchHub((db = await benchDatabase(o.db, o.pgUrl)))
  const results: JobResult[] = []
  try {
    await hub.start()
    o.log(`  hub pid ${hub.pid} on ${o.db}, simulator ${served.url} (+${o.latencyMs} ms)`)
    const owner = await hub.ok('POST', '/goods-owners', { name: `Bench ${o.platform}` })
    const { token } = await hub.ok('POST', '/tokens', {
      name: 'wms',
      role: 'owner',
      goods_owner_id: owner.id,
    })
    await hub.ok(
      'PUT',
      '/shipping-rules',
      { rules: [{ pattern: '*', way_of_delivery: 'PARCEL' }] },
      token,
    )
    const body = shop.connection(served.url, {
      interval_minutes: 1440,
      webhooks: false,
      ...(o.platform === 'woocommerce' ? { status_after_import: null } : {}),
    }) as { credentials: Record<string, string> }
    if (o.platform === 'shopify') body.credentials.api_secret = shop.sim.credentials.apiSecret

    const measure = async (
      job: JobResult['job'],
      fn: () => Promise<{ run?: any; latency?: Latency; notes?: string[] } | undefined>,
    ): Promise<JobResult> => {
      const seq0 = lastSeq(shop)
      const perJob = resetPeak(hub.pid)
      const cpu0 = cpuMs(hub.pid)
      const pg0 = await pgBackendCpu(db!)
      const t0 = Date.now()
      const out = (await fn()) ?? {}
      const tEnd = Date.now()
      const cpu1 = cpuMs(hub.pid)
      const peak = statusKb(hub.pid, 'VmHWM')
      const pg1 = await pgBackendCpu(db!)
      const entries = await logSince(shop, seq0)
      const lastAt = entries.length ? Date.parse(entries.at(-1)!.at) : t0
      let dbCpu: number | null = null
      if (o.db === 'postgres') {
        dbCpu = 0
        for (const [pid, ms] of pg1) dbCpu += ms - (pg0.get(pid) ?? 0)
      }
      const calls = countCalls(entries)
      const floor =
        job === 'resync'
          ? null
          : floorOf(o.platform, job === 'incremental-later' ? 'incremental' : job, o.size)
      const r: JobResult = {
        platform: o.platform,
        db: o.db,
        latencyMs: o.latencyMs,
        job,
        size: o.size,
        hub: {
          wallMs: Math.max(tEnd, lastAt) - t0,
          calls,
          cpuMs: Math.round(cpu1 - cpu0),
          peakRssMb: Math.round(peak / 102.4) / 10,
          peakIsPerJob: perJob,
          dbServerCpuMs: dbCpu === null ? null : Math.round(dbCpu),
          run: out.run
            ? { status: out.run.status, counts: out.run.counts, issues: out.run.issues }
            : null,
        },
        floor,
        callsPerFloor: floor ? round(calls.total / floor) : null,
        baseline: null,
        callsVsBaseline: null,
        wallVsBaseline: null,
        latency: out.latency ?? null,
        baselineLatency: null,
        load1: load1(),
        notes: out.notes ?? [],
      }
      if (out.run && out.run.status !== 'succeeded')
        r.notes.push(`run ${out.run.status}: ${out.run.error ?? ''}`)
      shop.log.clear()
      o.log(
        `  hub ${String(job).padEnd(11)} ${(r.hub.wallMs / 1000).toFixed(1).padStart(7)} s  ${String(calls.total).padStart(6)} calls  floor ${floor ?? '-'}  cpu ${(r.hub.cpuMs / 1000).toFixed(1)} s  rss ${r.hub.peakRssMb} MB  load ${r.load1}${out.run ? `  ${out.run.status}` : ''}`,
      )
      results.push(r)
      return r
    }

    let connectionId = ''
    await measure('products', async () => {
      // Created and synced at once: the scheduler's first run (due at creation) then finds this
      // run open and only moves the next one 24 h out.
      connectionId = (await hub.ok('POST', '/connections', body, token)).id
      return { run: await hub.sync(connectionId, { processes: ['articles'] }) }
    })
    const runs = await hub.ok('GET', `/connections/${connectionId}/runs`)
    if (runs.data.some((r: { trigger: string }) => r.trigger !== 'manual'))
      throw new Error('the scheduler queued a run before the benchmark did; run again')

    const orders = await measure('orders', async () => ({
      run: await hub.sync(connectionId, { processes: ['orders', 'fulfilments'] }),
    }))
    const created = (orders.hub.run?.counts as { orders?: { created?: number } })?.orders?.created
    if (created !== o.size.orders) {
      const note = `imported ${created ?? 0} of the shop's ${o.size.orders} open orders`
      orders.notes.push(note)
      o.log(`  !! ${note}`)
    }

    // Stock: a first push reconciles against the shop (not measured), then every balance changes.
    const all = skus(o.size)
    const setStock = async (value: (i: number) => number) => {
      for (let i = 0; i < all.length; i += 10_000) {
        const items = all
          .slice(i, i + 10_000)
          .map((article_number, j) => ({ article_number, on_hand: value(i + j) }))
        await hub.ok('POST', '/stock', { items }, token)
      }
    }
    await setStock(() => 1000)
    const seqBefore = lastSeq(shop)
    const reconcile = await hub.sync(connectionId, { processes: ['stock'] })
    const reconcileCalls = (await logSince(shop, seqBefore)).length
    shop.log.clear()
    o.log(`  (stock reconcile before the push: ${reconcileCalls} calls, ${reconcile.status})`)
    await setStock((i) => 2000 + (i % 97))
    await measure('stock', async () => ({
      run: await hub.sync(connectionId, { processes: ['stock'] }),
    }))

    await measure('resync', async () => ({
      run: await hub.sync(connectionId, {}),
      notes: ['first full run after the jobs: reads back what the hub itself changed in the shop'],
    }))
    await measure('incremental', async () => ({ run: await hub.sync(connectionId, {}) }))
    if (o.quietGapS > 0) {
      o.log(`  (waiting ${o.quietGapS} s, past the connectors' 2-minute overlap windows)`)
      await sleep(o.quietGapS * 1000)
      await measure('incremental-later', async () => ({
        run: await hub.sync(connectionId, {}),
        notes: [`incremental run ${o.quietGapS} s after the previous one, nothing changed`],
      }))
    }

    // Webhooks: register (not measured), then orders arrive one every interval.
    await hub.ok('PATCH', `/connections/${connectionId}`, { settings: { webhooks: true } }, token)
    const reg = await hub.sync(connectionId, { processes: ['orders'] })
    shop.log.clear()
    o.log(`  (webhooks registered: ${reg.status})`)
    await measure('webhook', async () => {
      const samples: number[] = []
      let missing = 0
      const watch = async (externalId: string, t0: number) => {
        const q = `/orders?external_id=${encodeURIComponent(externalId)}`
        while (performance.now() - t0 < 30_000) {
          const res = await hub.call('GET', q)
          if (res.body?.data?.length) {
            samples.push(performance.now() - t0)
            return
          }
          await sleep(5)
        }
        missing++
      }
      const watchers: Promise<void>[] = []
      for (let i = 0; i < o.size.webhookOrders; i++) {
        const t0 = performance.now()
        const { externalId } = shop.placeOrder(rng, `w${i}`)
        watchers.push(watch(externalId, t0))
        await sleep(o.webhookIntervalMs)
      }
      await Promise.all(watchers)
      return { latency: latencyOf(samples, missing) }
    })
  } catch (err) {
    o.log(`  hub output (tail):\n${hub.lastOutput().slice(-3000)}`)
    throw err
  } finally {
    await hub.stop()
    hub.cleanup()
    await db?.drop().catch(() => undefined)
    await served.close()
  }
  return results
}

async function runBaseline(
  o: PlatformRunOptions,
): Promise<Map<string, { measured: Measured; latency: Latency | null }>> {
  const { shop, rng } = buildShop(o)
  const served = await serve(shop, o.latencyMs)
  const script = baselineFor(o.platform, shop, served.url)
  const out = new Map<string, { measured: Measured; latency: Latency | null }>()
  let receiver: Server | null = null
  const measure = async (job: JobName, fn: () => Promise<unknown>) => {
    const seq0 = lastSeq(shop)
    const t0 = Date.now()
    const res = await fn()
    const tEnd = Date.now()
    const entries = await logSince(shop, seq0)
    const lastAt = entries.length ? Date.parse(entries.at(-1)!.at) : t0
    const measured = { wallMs: Math.max(tEnd, lastAt) - t0, calls: countCalls(entries) }
    out.set(job, { measured, latency: typeof res === 'object' && res ? (res as Latency) : null })
    shop.log.clear()
    o.log(
      `  baseline ${job.padEnd(11)} ${(measured.wallMs / 1000).toFixed(1).padStart(7)} s  ${String(measured.calls.total).padStart(6)} calls`,
    )
  }
  try {
    await measure('products', () => script.products())
    await measure('orders', () => script.orders())
    const all = skus(o.size)
    await measure('stock', () =>
      script.stock(all.map((sku, i) => ({ sku, quantity: 2000 + (i % 97) }))),
    )
    await measure('incremental', async () => {
      await script.products()
      return script.orders()
    })

    const visible = new Map<string, number>()
    const failures: string[] = []
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        res.writeHead(200).end()
        script
          .onWebhook(Buffer.concat(chunks).toString('utf8'))
          .then((id) => {
            if (id && !visible.has(id)) visible.set(id, performance.now())
          })
          .catch((err) => failures.push(String(err)))
      })
    })
    await new Promise<void>((r) => receiver!.listen(0, '127.0.0.1', () => r()))
    const port = (receiver.address() as { port: number }).port
    await script.subscribe(`http://127.0.0.1:${port}/hook`)
    shop.log.clear()
    await measure('webhook', async () => {
      const placed: Array<{ id: string; t0: number }> = []
      for (let i = 0; i < o.size.webhookOrders; i++) {
        const t0 = performance.now()
        placed.push({ id: shop.placeOrder(rng, `w${i}`).externalId, t0 })
        await sleep(o.webhookIntervalMs)
      }
      const deadline = performance.now() + 30_000
      while (placed.some((p) => !visible.has(p.id)) && performance.now() < deadline) await sleep(10)
      const samples = placed.filter((p) => visible.has(p.id)).map((p) => visible.get(p.id)! - p.t0)
      if (failures.length) o.log(`  baseline webhook failures: ${failures.slice(0, 3).join('; ')}`)
      return latencyOf(samples, placed.length - samples.length)
    })
  } finally {
    receiver?.close()
    await served.close()
  }
  return out
}
