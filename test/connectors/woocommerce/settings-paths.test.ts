/**
 * Settings paths through a real hub and the simulator: `complete_when` ('tracking_number', the
 * seed's default, vs 'shipment'), `status_after_import` (written once, also when the first answer
 * is lost), and the daily stock reconcile (`readStock`: the shop's quantities read with `include=`
 * lists of up to 100, only differences written).
 */
import { HttpResponse, http } from 'msw'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from '../../helpers/hub.ts'
import {
  type Env,
  listenMsw,
  mswServer,
  pickProducts,
  SHIPPING,
  startEnv,
  writesTo,
} from './helpers.ts'

beforeAll(() => listenMsw())
afterAll(() => mswServer.close())

async function importOne(env: Env) {
  const picks = pickProducts(env.sim)
  const placed = env.sim.placeOrder({
    lines: [{ product_id: picks.simple.id, quantity: 1 }],
    shipping: SHIPPING,
  })
  await env.sync(['orders'])
  const list = await env.api('GET', `/api/v1/orders?external_id=${placed.id}`)
  expect(list.body.data).toHaveLength(1)
  await env.api('POST', '/api/v1/stock', {
    items: [{ article_number: picks.simple.sku, on_hand: 10 }],
  })
  return { orderId: placed.id, hubOrderId: list.body.data[0].id as string }
}

const fulfilmentResult = async (env: Env) => {
  const row = await env.hub.running.hub.db
    .selectFrom('outbox')
    .select(['status', 'result'])
    .where('connection_id', '=', env.connectionId)
    .where('kind', '=', 'fulfilment')
    .executeTakeFirst()
  return row?.status === 'done' ? (JSON.parse(row.result ?? '{}') as Record<string, unknown>) : null
}

describe.each([
  { mode: undefined, label: "complete_when 'tracking_number' (default)", completes: false },
  { mode: 'shipment', label: "complete_when 'shipment'", completes: true },
])('$label: everything shipped without a tracking number', ({ mode, completes }) => {
  let env: Env
  beforeAll(async () => {
    env = await startEnv({
      transport: 'https',
      settings: { stock_zero_guard_share: 1, ...(mode ? { complete_when: mode } : {}) },
    })
  }, 60_000)
  afterAll(async () => env?.stop())

  it(completes ? 'completes the order' : 'writes the note but leaves the order open', async () => {
    const { orderId, hubOrderId } = await importOne(env)
    const shipped = await env.api('POST', `/api/v1/orders/${hubOrderId}/ship`, {})
    expect(shipped.status).toBe(201)
    await env.sync(['fulfilments'])
    const result = await eventually(() => fulfilmentResult(env), 30_000, 'fulfilment delivered')
    const notes = env.sim.store.orders.get(orderId)!.notes.filter((n) => /\[dockhand:/.test(n.note))
    expect(notes).toHaveLength(1)
    expect(notes[0]!.note).toMatch(/^Shipped: 1 × /)
    expect(notes[0]!.note).not.toMatch(/Tracking/)
    const puts = writesTo(env.sim, 'PUT', new RegExp(`/orders/${orderId}$`))
    if (completes) {
      expect(env.sim.getOrder(orderId)!.status).toBe('completed')
      expect(puts).toHaveLength(1)
      expect(result.status).toBe('completed')
    } else {
      expect(env.sim.getOrder(orderId)!.status).toBe('processing')
      expect(puts).toHaveLength(0)
      expect(result.not_completed).toMatch(/no tracking number/)
    }
  }, 60_000)
})

describe("status_after_import: 'on-hold'", () => {
  let env: Env
  beforeAll(async () => {
    env = await startEnv({
      transport: 'https',
      settings: { status_after_import: 'on-hold', stock_zero_guard_share: 1 },
    })
  }, 60_000)
  afterAll(async () => env?.stop())

  it('sets the imported order to the status once, also when the first answer is lost', async () => {
    let dropped = 0
    mswServer.use(
      http.put(`${env.sim.origin}/wp-json/wc/v3/orders/:id`, async ({ request }) => {
        if (dropped > 0) return undefined
        dropped++
        await env.sim.handle(request)
        return HttpResponse.error()
      }),
    )
    const picks = pickProducts(env.sim)
    const placed = env.sim.placeOrder({
      lines: [{ product_id: picks.simple.id, quantity: 1 }],
      shipping: SHIPPING,
    })
    await env.sync(['orders'])
    await env.sync(['fulfilments'])
    await eventually(async () => {
      const row = await env.hub.running.hub.db
        .selectFrom('outbox')
        .select('status')
        .where('connection_id', '=', env.connectionId)
        .where('kind', '=', 'order.status')
        .executeTakeFirst()
      return row?.status === 'done'
    }, 30_000)
    expect(dropped).toBe(1)
    expect(env.sim.getOrder(placed.id)!.status).toBe('on-hold')
    const puts = writesTo(env.sim, 'PUT', new RegExp(`/orders/${placed.id}$`))
    expect(puts).toHaveLength(1)
    expect(puts[0]!.body).toEqual({ status: 'on-hold' })
    // Seeing the order again does not write again.
    await env.sync(['orders'], true)
    await env.sync(['fulfilments'])
    expect(writesTo(env.sim, 'PUT', new RegExp(`/orders/${placed.id}$`))).toHaveLength(1)
  }, 60_000)

  it('writes nothing when the setting is off (the default)', async () => {
    const other = await startEnv({ transport: 'https', settings: { stock_zero_guard_share: 1 } })
    try {
      const { orderId } = await importOne(other)
      await other.sync(['fulfilments'])
      expect(writesTo(other.sim, 'PUT', new RegExp(`/orders/${orderId}$`))).toHaveLength(0)
    } finally {
      await other.stop()
    }
  }, 60_000)
})

describe('daily stock reconcile', () => {
  let env: Env
  beforeAll(async () => {
    env = await startEnv({ transport: 'https', settings: { stock_zero_guard_share: 1 } })
  }, 60_000)
  afterAll(async () => env?.stop())

  it('reads the shop with include= lists and corrects only what differs', async () => {
    const picks = pickProducts(env.sim)
    await env.api('POST', '/api/v1/stock', {
      items: [
        { article_number: picks.simple.sku, on_hand: 31 },
        { article_number: picks.variation.sku, on_hand: 7 },
      ],
    })
    await env.sync(['stock'])
    await eventually(
      async () =>
        env.sim.getProduct(picks.simple.id)!.stock_quantity === 31 &&
        env.sim.getVariation(picks.variation.id)!.stock_quantity === 7,
      30_000,
    )
    // Someone edits the quantities in the shop by hand; the incremental push does not notice.
    env.sim.updateProduct(picks.simple.id, { stock_quantity: 5 })
    env.sim.updateVariation(picks.variation.productId, picks.variation.id, { stock_quantity: 2 })
    const from = env.sim.log.entries.length
    const incremental = await env.sync(['stock'])
    expect(incremental.counts.stock?.reconciled ?? 0).toBe(0)
    expect(writesTo(env.sim, 'POST', /\/batch$/).filter((e) => e.seq > from)).toHaveLength(0)

    const mark = env.sim.log.entries.length
    const full = await env.sync(['stock'], true)
    expect(full.counts.stock?.reconciled).toBeGreaterThan(2)
    await eventually(
      async () =>
        env.sim.getProduct(picks.simple.id)!.stock_quantity === 31 &&
        env.sim.getVariation(picks.variation.id)!.stock_quantity === 7,
      30_000,
      'reconciled stock in the shop',
    )
    const after = env.sim.log.entries.slice(mark)
    // Reads: one include= list for the simple products, one per parent for variations; no
    // per-item reads.
    const reads = after.filter((e) => e.method === 'GET')
    expect(reads.filter((e) => /\/products\/\d+$|\/variations\/\d+$/.test(e.path))).toEqual([])
    const productLists = reads.filter((e) => /\/wc\/v3\/products$/.test(e.path))
    expect(productLists).toHaveLength(1)
    const variationLists = reads.filter((e) => /\/products\/\d+\/variations$/.test(e.path))
    expect(variationLists.length).toBeGreaterThan(0)
    expect(new Set(variationLists.map((e) => e.path)).size).toBe(variationLists.length)
    for (const r of [...productLists, ...variationLists]) {
      expect(r.query.include).toMatch(/^\d+(,\d+)*$/)
      expect(r.query.per_page).toBe('100')
    }
    expect(reads).toHaveLength(productLists.length + variationLists.length)
    // Writes: only the two items that differed.
    const batches = writesTo(env.sim, 'POST', /\/batch$/).filter((e) => e.seq > mark)
    const updates = batches.flatMap(
      (b) => (b.body as { update: Array<{ id: number; stock_quantity: number }> }).update,
    )
    expect(updates.sort((a, b) => a.id - b.id)).toEqual(
      [
        { id: picks.simple.id, stock_quantity: 31 },
        { id: picks.variation.id, stock_quantity: 7 },
      ].sort((a, b) => a.id - b.id),
    )
  }, 60_000)
})
