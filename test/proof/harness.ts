/**
 * The proof suites' machinery: the hub as a child process that can be SIGKILLed and restarted
 * (`Supervisor`), an API client that waits out a dead hub and retries with the same
 * Idempotency-Key, a driver that does a warehouse's work (import, stock, ship in parts, returns)
 * and the end-state checks (orders once, shop-side writes once, stock equal).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type ServedSimulator, serveSimulator } from '../../fixtures/src/common/serve.ts'
import { type HubProcess, spawnHub } from '../helpers/process.ts'
import type { Shop, StockSet } from './kits.ts'
import type { SeededRng } from './rng.ts'

export const ADMIN = 'dh_admin_proof_suite_0123456789abcdef'
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Where a live hub answers right now (null: none does). A Supervisor, or a Cluster of them. */
export interface HubSource {
  readonly url: string | null
}

export class Supervisor implements HubSource {
  hub: HubProcess | null = null
  kills = 0
  restarts = 0
  readonly dataDir = mkdtempSync(join(tmpdir(), 'dockhand-proof-'))
  private starting: Promise<void> | null = null

  constructor(readonly env: Record<string, string> = {}) {}

  get url(): string | null {
    return this.hub && this.hub.child.exitCode === null && this.hub.child.signalCode === null
      ? this.hub.url
      : null
  }

  async start(): Promise<void> {
    this.starting = (async () => {
      this.hub = await spawnHub({
        DOCKHAND_DATA_DIR: this.dataDir,
        DOCKHAND_ADMIN_TOKEN: ADMIN,
        ...this.env,
      })
    })()
    await this.starting
    this.starting = null
  }

  async killAndRestart(): Promise<void> {
    await this.hub?.kill('SIGKILL')
    this.kills++
    await this.start()
    this.restarts++
  }

  /** SIGKILL without a restart (start() brings it back). */
  async kill(): Promise<void> {
    await this.hub?.kill('SIGKILL')
    this.kills++
  }

  async stop(): Promise<void> {
    await this.hub?.kill('SIGTERM')
    this.hub = null
  }

  cleanup(): void {
    rmSync(this.dataDir, { recursive: true, force: true })
  }
}

/**
 * Several hub processes on one database (PostgreSQL), each with its own data dir and port. As a
 * HubSource it hands out the live members' URLs in turn, so an Api on it spreads its calls over
 * every instance and moves on to another when one dies.
 */
export class Cluster implements HubSource {
  readonly members: Supervisor[]
  private turn = 0

  constructor(size: number, env: Record<string, string>) {
    this.members = Array.from({ length: size }, () => new Supervisor(env))
  }

  get url(): string | null {
    for (let i = 0; i < this.members.length; i++) {
      const url = this.members[this.turn++ % this.members.length]!.url
      if (url) return url
    }
    return null
  }

  async start(): Promise<void> {
    await Promise.all(this.members.map((m) => m.start()))
  }

  async stop(): Promise<void> {
    await Promise.all(this.members.map((m) => m.stop()))
  }

  cleanup(): void {
    for (const m of this.members) m.cleanup()
  }
}

export interface ApiResult {
  status: number
  body: any
}

/** API calls that survive the hub dying under them: network failures wait and retry. */
export class Api {
  networkRetries = 0
  constructor(
    private readonly sup: HubSource,
    public token = ADMIN,
  ) {}

  async call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    timeoutMs = 120_000,
  ): Promise<ApiResult> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const url = this.sup.url
      if (url) {
        try {
          const res = await fetch(`${url}/api/v1${path}`, {
            method,
            headers: {
              authorization: `Bearer ${this.token}`,
              ...(body === undefined ? {} : { 'content-type': 'application/json' }),
              ...headers,
            },
            body: body === undefined ? undefined : JSON.stringify(body),
            signal: AbortSignal.timeout(30_000),
          })
          const text = await res.text()
          // A 5xx from a hub dying mid-answer is retried like a network failure.
          if (res.status >= 500 && res.status !== 503) {
            this.networkRetries++
          } else return { status: res.status, body: text ? JSON.parse(text) : null }
        } catch {
          this.networkRetries++
        }
      }
      if (Date.now() > deadline) throw new Error(`${method} ${path}: the hub did not answer`)
      await sleep(100)
    }
  }

  async all(path: string, limit = 500): Promise<ApiResult['body'][]> {
    const out = []
    let cursor: string | null = null
    do {
      const sep = path.includes('?') ? '&' : '?'
      const res = await this.call(
        'GET',
        `${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
      )
      if (res.status !== 200)
        throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(res.body)}`)
      out.push(...res.body.data)
      cursor = res.body.next_cursor
    } while (cursor)
    return out
  }
}

export async function serveShop(shop: Shop): Promise<ServedSimulator> {
  const served = await serveSimulator(shop)
  shop.setOrigin(served.url)
  return served
}

/** Owner, WMS token, shipping rules and the connection. Run before any kill. */
export async function setUp(
  api: Api,
  shop: Shop,
  url: string,
  settings: Record<string, unknown> = {},
): Promise<{ ownerId: string; token: string; connectionId: string }> {
  const owner = await api.call('POST', '/goods-owners', { name: `Proof ${shop.platform}` })
  const token = (
    await api.call('POST', '/tokens', {
      name: 'wms',
      role: 'owner',
      goods_owner_id: owner.body.id,
    })
  ).body.token as string
  const wms = new Api((api as unknown as { sup: HubSource }).sup, token)
  await wms.call('PUT', '/shipping-rules', { rules: [{ pattern: '*', way_of_delivery: 'PARCEL' }] })
  const created = await wms.call(
    'POST',
    '/connections',
    shop.connection(url, {
      stock_zero_guard_share: 1,
      interval_minutes: 1440,
      webhooks: false,
      ...settings,
    }),
  )
  if (created.status !== 201) throw new Error(`connection: ${JSON.stringify(created.body)}`)
  return { ownerId: owner.body.id, token, connectionId: created.body.id }
}

const DONE = ['succeeded', 'partial', 'failed', 'cancelled']

/** Queue a run and wait for it (re-queueing if the hub died under it). */
export async function syncAndWait(
  api: Api,
  connectionId: string,
  body: { processes?: string[]; full?: boolean } = {},
  timeoutMs = 120_000,
): Promise<ApiResult['body']> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const res = await api.call('POST', `/connections/${connectionId}/sync`, body)
    if (res.status !== 202) throw new Error(`sync: ${res.status} ${JSON.stringify(res.body)}`)
    const id = res.body.run_id
    for (;;) {
      const r = await api.call('GET', `/runs/${id}`)
      if (DONE.includes(r.body?.status)) {
        if (!String(r.body.error ?? '').startsWith('Interrupted') || Date.now() > deadline)
          return r.body
        break
      }
      if (Date.now() > deadline) return r.body
      await sleep(150)
    }
  }
}

export interface DriverPlan {
  rng: SeededRng
  /** Orders placed before the first import. */
  initialOrders: number
  /** Orders placed while the driver works, in bursts. */
  laterOrders: number
  /** Share of imported orders shipped; of those, the share shipped in two parts. */
  shipShare: number
  partialShare: number
  /** Share of fully shipped orders with a return. */
  returnShare: number
  concurrency: number
}

export interface DriverRecord {
  placed: string[]
  /** Shop items touched by a customer's order after this log seq. */
  shopChanges: Array<{ afterSeq: number; items: string[] }>
  tracking: Map<string, string>
  returns: Map<string, string>
  fullyShipped: Set<string>
  stockRounds: number
  refused: string[]
}

async function parallel<T>(items: T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  let i = 0
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (i < items.length) await fn(items[i++]!)
    }),
  )
}

/** A warehouse's day against the hub; survives the hub being killed at any point. */
export async function drive(
  api: Api,
  shop: Shop,
  connectionId: string,
  plan: DriverPlan,
  log: (msg: string) => void = () => undefined,
): Promise<DriverRecord> {
  const rec: DriverRecord = {
    placed: [],
    shopChanges: [],
    tracking: new Map(),
    returns: new Map(),
    fullyShipped: new Set(),
    stockRounds: 0,
    refused: [],
  }
  const { rng } = plan
  let seq = 0
  const token = (prefix: 'TRK' | 'RET') => `${prefix}${(++seq).toString(36).toUpperCase()}X`
  const place = (n: number) => {
    for (let i = 0; i < n; i++) {
      const afterSeq = shop.log.entries.at(-1)?.seq ?? 0
      const o = shop.placeOrder(rng, `${rec.placed.length}`)
      rec.placed.push(o.externalId)
      rec.shopChanges.push({ afterSeq, items: o.items })
    }
  }
  const importAll = async () => {
    for (let round = 0; ; round++) {
      await syncAndWait(api, connectionId, { processes: ['articles', 'orders'] })
      const have = new Set((await api.all('/orders')).map((o) => o.external_id))
      const missing = rec.placed.filter((x) => !have.has(x))
      if (!missing.length) return
      if (round > 30) throw new Error(`${missing.length} orders never imported`)
    }
  }
  const setStock = async (share: number) => {
    const articles = (await api.all('/articles')).sort((a, b) =>
      a.article_number.localeCompare(b.article_number),
    )
    const items = articles
      .filter(() => rng.chance(share))
      .map((a) => ({ article_number: a.article_number, on_hand: 5 + rng.int(60) }))
    for (let i = 0; i < items.length; i += 2000) {
      const res = await api.call('POST', '/stock', { items: items.slice(i, i + 2000) })
      if (res.status !== 200) throw new Error(`stock: ${res.status} ${JSON.stringify(res.body)}`)
    }
    rec.stockRounds++
    log(`stock: set ${items.length} balances`)
  }

  place(plan.initialOrders)
  await importAll()
  log(`imported ${rec.placed.length} orders`)
  await setStock(1)
  await syncAndWait(api, connectionId, { processes: ['stock'] })

  const later = Math.floor(plan.laterOrders / 2)
  place(later)
  // Every choice is made up front, in order, so a seed gives the same shipments and returns
  // whatever the timing (the calls then go out in parallel).
  const first = new Set(rec.placed.slice(0, plan.initialOrders))
  const toShip = (await api.all('/orders?status=open'))
    .filter((o) => first.has(o.external_id))
    .sort((a, b) => a.external_id.localeCompare(b.external_id, 'en', { numeric: true }))
    .filter(() => rng.chance(plan.shipShare))
    .map((o) => ({
      id: o.id as string,
      partial: rng.chance(plan.partialShare) ? token('TRK') : null,
      rest: token('TRK'),
      ret: rng.chance(plan.returnShare) ? token('RET') : null,
    }))
  const ship = async (id: string, body: Record<string, unknown>, tracking: string) => {
    const res = await api.call(
      'POST',
      `/orders/${id}/ship`,
      { ...body, tracking_number: tracking, carrier: 'PostNord' },
      { 'idempotency-key': tracking },
    )
    if (res.status === 200 || res.status === 201) {
      rec.tracking.set(tracking, id)
      return true
    }
    rec.refused.push(`ship ${id}: ${res.status} ${res.body?.detail ?? ''}`)
    return false
  }
  await parallel(toShip, plan.concurrency, async (o) => {
    if (o.partial) {
      const full = (await api.call('GET', `/orders/${o.id}`)).body
      const line = full.lines?.[0]
      if (line && (line.quantity > 1 || full.lines.length > 1))
        await ship(o.id, { lines: [{ line_id: line.id, quantity: 1 }] }, o.partial)
    }
    if (await ship(o.id, {}, o.rest)) rec.fullyShipped.add(o.id)
  })
  log(`shipped ${rec.fullyShipped.size} orders in ${rec.tracking.size} shipments`)
  await syncAndWait(api, connectionId, { processes: ['orders'] })

  const returned = toShip.filter((o) => o.ret && rec.fullyShipped.has(o.id))
  await parallel(returned, plan.concurrency, async ({ id, ret }) => {
    const full = (await api.call('GET', `/orders/${id}`)).body
    const line = full.lines?.[0]
    if (!line || !ret) return
    const res = await api.call(
      'POST',
      `/orders/${id}/returns`,
      { lines: [{ line_id: line.id, quantity: 1 }], reason: `Too small ${ret}`, restock: false },
      { 'idempotency-key': ret },
    )
    if (res.status === 200 || res.status === 201) rec.returns.set(ret, id)
    else rec.refused.push(`return ${id}: ${res.status} ${res.body?.detail ?? ''}`)
  })
  log(`registered ${rec.returns.size} returns`)

  place(plan.laterOrders - later)
  await importAll()
  await setStock(0.3)
  await syncAndWait(api, connectionId, {})
  return rec
}

export interface Verdict {
  ok: boolean
  problems: string[]
  counts: Record<string, number>
}

/** The end state: every shop order once in the hub, every shop-side write once, stock equal. */
export async function verify(api: Api, shop: Shop, rec: DriverRecord): Promise<Verdict> {
  const problems: string[] = []
  const counts: Record<string, number> = {}
  const orders = await api.all('/orders')
  const byExternal = new Map<string, number>()
  for (const o of orders) byExternal.set(o.external_id, (byExternal.get(o.external_id) ?? 0) + 1)
  for (const [x, n] of byExternal) if (n > 1) problems.push(`order ${x} is in the hub ${n} times`)
  for (const x of rec.placed) if (!byExternal.has(x)) problems.push(`order ${x} was not imported`)
  counts.orders = orders.length

  const writes = shop.log.writes()
  const keys = new Map<string, number>()
  const sets: StockSet[] = []
  for (const e of writes) {
    for (const wr of shop.classify(e)) {
      const k = `${wr.category}:${wr.key}`
      keys.set(k, (keys.get(k) ?? 0) + 1)
    }
    sets.push(...shop.stockSets(e))
  }
  for (const [k, n] of keys) if (n > 1) problems.push(`${k} written ${n} times`)
  const cat = (c: string) => [...keys.keys()].filter((k) => k.startsWith(`${c}:`))
  for (const c of ['fulfilment', 'note', 'status', 'refund']) counts[`${c} writes`] = cat(c).length
  for (const t of rec.tracking.keys())
    if (!keys.has(`fulfilment:${t}`)) problems.push(`shipment ${t} never reached the shop`)
  for (const k of cat('fulfilment'))
    if (!rec.tracking.has(k.slice(11))) problems.push(`${k} was not a shipment of this run`)
  for (const r of rec.returns.keys())
    if (!keys.has(`refund:${r}`)) problems.push(`return ${r} never became a refund`)
  // WooCommerce and BigCommerce: every imported order's status is written back (on-hold / 9).
  if (shop.platform !== 'shopify') {
    const written = new Set(cat('status').map((k) => k.slice(7, k.lastIndexOf(':'))))
    for (const x of rec.placed)
      if (!written.has(x)) problems.push(`order ${x}: its status was never written back`)
  }
  if (shop.platform === 'woocommerce' && cat('note').length !== rec.tracking.size)
    problems.push(`${cat('note').length} shipment notes for ${rec.tracking.size} shipments`)

  // Stock: no item set to the same quantity twice in a row unless a customer's order changed
  // it in between; the last value equals the hub's available quantity.
  const byItem = new Map<string, StockSet[]>()
  for (const s of sets) {
    const list = byItem.get(s.item) ?? []
    list.push(s)
    byItem.set(s.item, list)
  }
  let repeated = 0
  for (const [item, list] of byItem) {
    for (let i = 1; i < list.length; i++) {
      const a = list[i - 1]!
      const b = list[i]!
      if (a.quantity !== b.quantity) continue
      const touched = rec.shopChanges.some(
        (c) => c.afterSeq >= a.seq && c.afterSeq < b.seq && c.items.includes(item),
      )
      if (!touched) {
        repeated++
        problems.push(`stock of ${item} set to ${b.quantity} twice in a row (#${a.seq}, #${b.seq})`)
      }
    }
  }
  counts['stock sets'] = sets.length
  counts['stock items'] = byItem.size
  counts['stock repeats'] = repeated
  const stock = await api.all('/stock')
  let compared = 0
  for (const s of stock) {
    const item = shop.itemOfSku(s.article_number)
    if (!item) continue
    const q = shop.shopQuantity(item)
    if (q === null) continue
    compared++
    // Shops may go below zero (orders after the last push); the hub never pushes below zero.
    if (Math.max(0, q) !== Math.max(0, s.available)) {
      const list = byItem.get(item) ?? []
      problems.push(
        `stock of ${s.article_number} (${item}): shop ${q}, hub available ${s.available}; ` +
          `set ${list.length}× [${list.map((x) => x.quantity).join(',')}]`,
      )
    }
  }
  counts['stock compared'] = compared
  counts.shipments = rec.tracking.size
  counts.returns = rec.returns.size
  counts['log requests'] = shop.log.entries.length
  counts['log writes'] = writes.length
  return { ok: problems.length === 0, problems, counts }
}

/** Wait until `verify` passes (the outbox drains), then once more to see nothing moves. */
export async function converge(
  api: Api,
  shop: Shop,
  connectionId: string,
  rec: DriverRecord,
  timeoutMs = 90_000,
): Promise<Verdict> {
  const deadline = Date.now() + timeoutMs
  let v = await verify(api, shop, rec)
  while (!v.ok && Date.now() < deadline) {
    // Only the "not yet" kinds of problem can go away by waiting.
    if (v.problems.some((p) => / times$|twice in a row|not a shipment/.test(p))) break
    await syncAndWait(api, connectionId, {})
    await sleep(500)
    v = await verify(api, shop, rec)
  }
  return v
}

export interface EndState {
  orders: string[]
  writes: string[]
  stock: string[]
}

/**
 * What a clean and a disturbed run must agree on: hub orders, shop-side writes, shop stock.
 * Shop order ids are handed out by the simulator in call order, so they differ between runs
 * whose calls interleave differently; orders are named by their place in the driver's record
 * (`#12`) instead. WooCommerce notes carry a mark derived from the hub's own write id, which
 * differs between runs too: notes are compared by their number.
 */
export async function endState(api: Api, shop: Shop, rec: DriverRecord): Promise<EndState> {
  const placeOf = new Map(rec.placed.map((x, i) => [x, `#${i}`]))
  const name = (external: string) => placeOf.get(external) ?? `unplaced ${external}`
  const orders = (await api.all('/orders')).map((o) => `${name(o.external_id)}:${o.status}`).sort()
  const writes = new Set<string>()
  let notes = 0
  for (const e of shop.log.writes())
    for (const wr of shop.classify(e)) {
      if (wr.category === 'note') notes++
      else if (wr.category === 'status') {
        const at = wr.key.lastIndexOf(':')
        writes.add(`status:${name(wr.key.slice(0, at))}:${wr.key.slice(at + 1)}`)
      } else writes.add(`${wr.category}:${wr.key}`)
    }
  if (notes) writes.add(`note:${notes} notes`)
  const stock: string[] = []
  for (const s of await api.all('/stock')) {
    const item = shop.itemOfSku(s.article_number)
    const q = item ? shop.shopQuantity(item) : null
    if (q !== null) stock.push(`${s.article_number}=${Math.max(0, q)}/${Math.max(0, s.available)}`)
  }
  return { orders, writes: [...writes].sort(), stock: stock.sort() }
}
