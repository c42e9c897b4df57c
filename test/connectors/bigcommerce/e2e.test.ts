/**
 * End to end through a real hub and the BigCommerce simulator: articles, orders by status id
 * (default and added ones), status write-back, a partial then complete shipment with tracking,
 * changes and cancellations before picking, stock off by default then incremental + reconcile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from '../../helpers/hub.ts'
import { type BcHarness, startBc } from './helpers.ts'

let h: BcHarness
let firstRun: any
let status11: number[]

beforeAll(async () => {
  h = await startBc({
    prepare(sim) {
      status11 = [...sim.store.orders.values()]
        .filter((o) => o.status_id === 11 && !o.is_deleted)
        .map((o) => o.id)
    },
  })
  firstRun = await h.syncNow()
})
afterAll(async () => {
  await h?.stop()
})

const orderPuts = (id: number) =>
  h.sim.log.filter(
    (e) => e.method === 'PUT' && e.path.endsWith(`/v2/orders/${id}`) && e.status === 200,
  )

async function hubOrder(externalId: number) {
  const res = await h.hub.request(
    'GET',
    `/api/v1/orders?external_id=${externalId}`,
    undefined,
    h.token,
  )
  return res.body.data[0]
}

describe('connection', () => {
  it('takes the pasted API path apart into origin and store hash', async () => {
    const got = await h.hub.request(
      'GET',
      `/api/v1/connections/${h.connectionId}`,
      undefined,
      h.token,
    )
    expect(got.body.shop_ref).toBe(h.sim.storeHash)
    expect(got.body.base_url).toBe('https://api.bigcommerce.com')
    expect(got.body.settings).toMatchObject({
      pull_status_ids: [11],
      after_pull_status_id: 9,
      processes: { stock: false },
    })
  })

  it('says the connection works and that webhooks need a public HTTPS URL', async () => {
    const res = await h.hub.request(
      'POST',
      `/api/v1/connections/${h.connectionId}/test`,
      undefined,
      h.token,
    )
    expect(res.body.ok).toBe(true)
    expect(res.body.summary).toMatch(/Connected to store/)
    expect(res.body.checks.find((c: { name: string }) => c.name === 'webhooks').detail).toMatch(
      /no public URL.*polling/,
    )
  })
})

describe('articles', () => {
  it('makes every variant with a SKU an article and reports the ones that need a SKU or tracking', async () => {
    expect(firstRun.status).toBe('succeeded')
    const sim = h.sim
    const expected = [...sim.store.products.values()]
      .filter((p) => p.type === 'physical')
      .flatMap((p) => sim.store.variantsOf(p.id))
      .filter((v) => v.sku)
    const list = await h.hub.request('GET', '/api/v1/articles?limit=500', undefined, h.token)
    expect(list.body.data.map((a: { article_number: string }) => a.article_number).sort()).toEqual(
      expected.map((v) => v.sku).sort(),
    )
    const issues = await h.issues(firstRun.id)
    const codes = issues.filter((i) => i.process === 'articles').map((i) => i.code)
    expect(codes).toContain('missing_sku')
    expect(codes).toContain('inventory_not_tracked')
    expect(codes).toContain('inventory_tracked_by_product')
    const noSku = issues.find((i) => i.code === 'missing_sku')!
    expect(noSku.message).toMatch(/has no SKU.*Give it a SKU in BigCommerce/)
    const untracked = issues.find((i) => i.code === 'inventory_not_tracked')!
    expect(untracked.message).toMatch(
      /inventory tracking off.*shipments and stock can't be confirmed/,
    )
  })
})

describe('orders', () => {
  it('imports the Awaiting Fulfillment orders and sets them to Awaiting Shipment once', async () => {
    expect(status11.length).toBeGreaterThan(0)
    for (const id of status11) {
      const o = await hubOrder(id)
      expect(o, `order ${id}`).toBeTruthy()
      expect(h.sim.store.orders.get(id)!.status_id).toBe(9)
      expect(orderPuts(id)).toHaveLength(1)
      expect(orderPuts(id)[0]!.body).toEqual({ status_id: 9 })
    }
    const all = await h.hub.request('GET', '/api/v1/orders?limit=200', undefined, h.token)
    expect(all.body.data).toHaveLength(status11.length)
    // Another run neither imports nor writes again.
    await h.syncNow({ processes: ['orders', 'fulfilments'] })
    for (const id of status11) expect(orderPuts(id)).toHaveLength(1)
  })

  it('maps lines, address, customer message and shipping method (RFC 2822 dates, money strings)', async () => {
    const order = h.sim.placeOrder({
      lines: [{ sku: 'BC-001-1', quantity: 2, price: 12.5 }],
      customerMessage: 'Ring the bell twice',
      shippingMethod: 'DHL Express Worldwide',
      currencyCode: 'SEK',
    })
    await h.syncNow({ processes: ['orders'] })
    const o = await hubOrder(order.id)
    const full = await h.hub.request('GET', `/api/v1/orders/${o.id}`, undefined, h.token)
    expect(full.body).toMatchObject({
      remark: 'Ring the bell twice',
      shipping_method: { name: 'DHL Express Worldwide' },
      currency: 'SEK',
      total_price: '25.00',
      way_of_delivery: 'PARCEL',
    })
    expect(full.body.order_date).toBe(order.date_created.toISOString())
    expect(full.body.customer).toMatchObject({ city: 'Göteborg', countryCode: 'SE' })
    expect(full.body.lines[0]).toMatchObject({
      article_number: 'BC-001-1',
      quantity: 2,
      unit_price: '12.50',
    })
  })

  it('imports added statuses, given by name or id', async () => {
    const manual = [...h.sim.store.orders.values()].filter((o) => o.status_id === 12)
    expect(manual.length).toBeGreaterThan(0)
    await h.patchSettings({ pull_status_ids: [11, 'Manual Verification Required'] })
    await h.syncNow({ processes: ['orders', 'fulfilments'] })
    for (const o of manual) {
      expect(await hubOrder(o.id)).toBeTruthy()
      expect(h.sim.store.orders.get(o.id)!.status_id).toBe(9)
    }
    await h.patchSettings({ pull_status_ids: [11] })
  })

  it('applies changes before picking and cancels when the shop cancels', async () => {
    const changed = h.sim.placeOrder({ lines: [{ sku: 'BC-001-2', quantity: 1 }] })
    const cancelled = h.sim.placeOrder({ lines: [{ sku: 'BC-001-3', quantity: 1 }] })
    await h.syncNow({ processes: ['orders', 'fulfilments'] })
    expect(h.sim.store.orders.get(changed.id)!.status_id).toBe(9)
    // The merchant edits the (now Awaiting Shipment) order and cancels the other one.
    const o = h.sim.store.orders.get(changed.id)!
    o.customer_message = 'Deliver after 17:00'
    o.date_modified = h.sim.store.now()
    h.sim.setOrderStatus(cancelled.id, 5)
    await h.syncNow({ processes: ['orders'] })
    expect((await hubOrder(changed.id)).remark).toBe('Deliver after 17:00')
    expect((await hubOrder(cancelled.id)).status).toBe('cancelled')
  })
})

describe('orders the merchant moved to Awaiting Shipment by hand', () => {
  it('are not imported: the after-pull status is read for changes to known orders only', async () => {
    const handled = h.sim.placeOrder({ lines: [{ sku: 'BC-001-1', quantity: 1 }], statusId: 9 })
    const run = await h.syncNow({ processes: ['orders'] })
    expect(run.counts.orders.created ?? 0).toBe(0)
    expect(await hubOrder(handled.id)).toBeFalsy()
  })
})

describe('shipments', () => {
  it('creates a partial then a complete shipment with tracking, ending Partially Shipped then Shipped', async () => {
    const order = h.sim.placeOrder({
      lines: [
        { sku: 'BC-001-1', quantity: 3 },
        { sku: 'BC-003-1', quantity: 1 },
      ],
    })
    await h.syncNow({ processes: ['orders', 'fulfilments'] })
    const o = await hubOrder(order.id)
    expect(o.status).toBe('open')
    const part = await h.hub.request(
      'POST',
      `/api/v1/orders/${o.id}/ship`,
      {
        lines: [{ article_number: 'BC-001-1', quantity: 1 }],
        tracking_number: 'TRK-PART-1',
        carrier: 'DHL',
        tracking_url: 'https://dhl.example/TRK-PART-1',
      },
      h.token,
    )
    expect(part.status, JSON.stringify(part.body)).toBe(201)
    await h.syncNow({ processes: ['fulfilments'] })
    let shipments = h.sim.store.shipmentsOf(order.id)
    expect(shipments).toHaveLength(1)
    expect(shipments[0]).toMatchObject({ tracking_number: 'TRK-PART-1', tracking_carrier: 'dhl' })
    expect(shipments[0]!.items).toEqual([expect.objectContaining({ quantity: 1 })])
    expect(h.sim.store.orders.get(order.id)!.status_id).toBe(3)

    const rest = await h.hub.request(
      'POST',
      `/api/v1/orders/${o.id}/ship`,
      { tracking_number: 'TRK-REST-2', carrier: 'UPS' },
      h.token,
    )
    expect(rest.status).toBe(201)
    await h.syncNow({ processes: ['fulfilments'] })
    shipments = h.sim.store.shipmentsOf(order.id)
    expect(shipments).toHaveLength(2)
    expect(shipments[1]).toMatchObject({ tracking_number: 'TRK-REST-2', shipping_provider: 'ups' })
    expect(h.sim.store.orders.get(order.id)!.status_id).toBe(2)
    // BigCommerce set 3 and 2 itself: the hub wrote only the after-pull status.
    expect(orderPuts(order.id).map((e) => e.body)).toEqual([{ status_id: 9 }])
    const posts = h.sim.log.filter(
      (e) => e.method === 'POST' && e.path.endsWith(`/v2/orders/${order.id}/shipments`),
    )
    expect(posts).toHaveLength(2)

    // A return of one unit: exactly one refund, even though the first answer is cut off.
    h.sim.faults.add({
      method: 'POST',
      path: `/v3/orders/${order.id}/payment_actions/refunds`,
      nth: 1,
      fault: { kind: 'truncate' },
    })
    const ret = await h.hub.request(
      'POST',
      `/api/v1/orders/${o.id}/returns`,
      { lines: [{ article_number: 'BC-001-1', quantity: 1 }], reason: 'damaged' },
      h.token,
    )
    expect(ret.status, JSON.stringify(ret.body)).toBe(201)
    await h.syncNow({ processes: ['returns'] })
    await eventually(async () => {
      const r = await h.hub.request('GET', '/api/v1/returns', undefined, h.token)
      return r.body.data.find((x: { refund: { status: string } }) => x.refund.status === 'done')
    }, 30_000)
    const refunds = [...h.sim.store.refunds.values()].filter((r) => r.order_id === order.id)
    expect(refunds).toHaveLength(1)
    expect(refunds[0]!.reason).toMatch(/^damaged \[dockhand refund:/)
    expect(refunds[0]!.items).toEqual([
      expect.objectContaining({ item_type: 'PRODUCT', quantity: 1 }),
    ])
    expect(h.sim.store.orders.get(order.id)!.status_id).toBe(14)
    // Shipped and partly refunded is not a cancellation: no conflict on the next pull.
    await h.syncNow({ processes: ['orders', 'returns'] })
    expect([...h.sim.store.refunds.values()].filter((r) => r.order_id === order.id)).toHaveLength(1)
    expect((await hubOrder(order.id)).attention).toEqual([])
  })

  it('writes a configured shipped status that BigCommerce does not set itself', async () => {
    await h.patchSettings({ shipped_status_id: 10 })
    const order = h.sim.placeOrder({ lines: [{ sku: 'BC-001-1', quantity: 1 }] })
    await h.syncNow({ processes: ['orders', 'fulfilments'] })
    const o = await hubOrder(order.id)
    await h.hub.request('POST', `/api/v1/orders/${o.id}/ship`, { tracking_number: 'T3' }, h.token)
    await h.syncNow({ processes: ['fulfilments'] })
    expect(h.sim.store.orders.get(order.id)!.status_id).toBe(10)
    expect(orderPuts(order.id).map((e) => e.body)).toEqual([{ status_id: 9 }, { status_id: 10 }])
    await h.patchSettings({ shipped_status_id: 2 })
  })
})

describe('stock', () => {
  const adjustments = () => h.sim.log.filter((e) => e.path.includes('/v3/inventory/adjustments'))

  it('is off by default', async () => {
    const run = await h.syncNow({ processes: ['stock'] })
    expect(run.progress.stock.state).toBe('skipped')
    expect(adjustments()).toHaveLength(0)
  })

  it('when on, reconciles everything first, then pushes only what changed, and corrects drift daily', async () => {
    await h.patchSettings({ processes: { stock: true } })
    const articles = (await h.hub.request('GET', '/api/v1/articles?limit=500', undefined, h.token))
      .body.data as Array<{ article_number: string }>
    const items = articles.map((a, i) => ({ article_number: a.article_number, on_hand: 100 + i }))
    expect((await h.hub.request('POST', '/api/v1/stock', { items }, h.token)).status).toBe(200)
    const first = await h.syncNow({ processes: ['stock'] })
    expect(first.status).toBe('succeeded')
    expect(first.counts.stock.reconciled).toBeGreaterThan(0)
    expect(adjustments()).toHaveLength(1)
    const sim = h.sim
    const tracked = [...sim.store.variants.values()].filter((v) => {
      const p = sim.store.products.get(v.product_id)!
      return (
        v.sku &&
        p.type === 'physical' &&
        (p.inventory_tracking === 'variant' ||
          (p.inventory_tracking === 'product' && p.variant_ids.length === 1))
      )
    })
    const stockOf = async (sku: string) =>
      (await h.hub.request('GET', `/api/v1/stock?article_number=${sku}`, undefined, h.token)).body
        .data[0].available
    for (const v of tracked) expect(sim.store.variantLevel(v), v.sku).toBe(await stockOf(v.sku))

    // Incremental: two articles change in the warehouse → one request with two items.
    await h.hub.request(
      'POST',
      '/api/v1/stock',
      {
        items: [
          { article_number: tracked[0]!.sku, adjust: -5 },
          { article_number: tracked[1]!.sku, adjust: 7 },
        ],
      },
      h.token,
    )
    await h.syncNow({ processes: ['stock'] })
    expect(adjustments()).toHaveLength(2)
    expect((adjustments()[1]!.body as { items: unknown[] }).items).toHaveLength(2)
    expect(sim.store.variantLevel(tracked[0]!)).toBe(await stockOf(tracked[0]!.sku))

    // Someone changes stock in the control panel; the daily full reconcile corrects it.
    sim.setStock({ variantId: tracked[2]!.id }, 1)
    const full = await h.syncNow({ processes: ['stock'], full: true })
    expect(full.counts.stock.reconciled).toBe(tracked.length)
    expect(adjustments()).toHaveLength(3)
    expect((adjustments()[2]!.body as { items: unknown[] }).items).toEqual([
      expect.objectContaining({ variant_id: tracked[2]!.id }),
    ])
    expect(sim.store.variantLevel(tracked[2]!)).toBe(await stockOf(tracked[2]!.sku))
  })

  it('writes product-level stock by product id where the product tracks inventory itself', async () => {
    const productLevel = h.sim.log
      .filter((e) => e.path.includes('/adjustments/absolute'))
      .flatMap((e) => (e.body as { items: Array<Record<string, number>> }).items)
      .filter((i) => i.product_id !== undefined)
    expect(productLevel.length).toBeGreaterThan(0)
  })
})
