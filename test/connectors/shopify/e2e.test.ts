/**
 * The Shopify connector end to end: a real hub, the Shopify simulator (MSW in-process), one
 * injected clock for both.
 */
import { HttpResponse, http } from 'msw'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AddressRecord } from '../../../fixtures/src/shopify/store.ts'
import { eventually } from '../../helpers/hub.ts'
import { merchantLocations, type ShopifyHarness, startShopify } from './helpers.ts'

const address: AddressRecord = {
  firstName: 'Alva',
  lastName: 'Lind',
  company: 'Lind AB',
  address1: 'Storgatan 1',
  address2: null,
  city: 'Göteborg',
  province: null,
  provinceCode: null,
  zip: '411 01',
  country: 'Sweden',
  countryCode: 'SE',
  phone: '+46 70 123 45 67',
}

function variantsWithSku(h: ShopifyHarness) {
  return [...h.sim.store.variants.values()].filter(
    (v) => v.sku && h.sim.store.products.get(v.productId)?.status === 'ACTIVE',
  )
}

/** Replace the GraphQL handler so the first matching mutation is applied but its answer is lost. */
function loseFirstAnswer(h: ShopifyHarness, mutation: string) {
  let lost = false
  h.server.use(
    http.post('*/admin/api/:version/graphql.json', async ({ request }) => {
      const body = await request.clone().text()
      const res = await h.sim.handle(request)
      if (!lost && body.includes(mutation)) {
        lost = true
        return new HttpResponse('{"data":{"trunc', {
          status: 200,
          headers: { 'content-type': 'application/json' },
        })
      }
      return res
    }),
  )
}

describe('shopify: articles, orders, fulfilment, stock, returns', () => {
  let h: ShopifyHarness
  let loc1: number
  let loc2: number
  beforeAll(async () => {
    h = await startShopify({
      settings: {
        fetch_inventory_items: true,
        cost_field: 'customer_price',
        stock_zero_guard_share: 1,
      },
      publicUrlIsSelf: true,
    })
    ;[loc1, loc2] = merchantLocations(h.sim) as [number, number]
  })
  afterAll(async () => h?.stop())

  it('imports one article per variant with inventory-item fields, reporting missing and duplicate SKUs', async () => {
    const run = await h.syncNow({ processes: ['articles'], full: true })
    expect(run.status).not.toBe('failed')
    const res = await h.hub.request('GET', '/api/v1/articles?limit=500', undefined, h.token)
    const articles = res.body.data
    const skus = new Set(
      [...h.sim.store.variants.values()].map((v) => v.sku).filter((s): s is string => !!s),
    )
    expect(articles.length).toBe(skus.size)
    const v = [...h.sim.store.variants.values()].find((x) => x.sku && x.title !== 'Default Title')!
    const p = h.sim.store.products.get(v.productId)!
    const item = h.sim.store.inventoryItems.get(v.inventoryItemId)!
    const a = articles.find((x: any) => x.article_number === v.sku)
    const full = (await h.hub.request('GET', `/api/v1/articles/${a.id}`, undefined, h.token)).body
    expect(full).toMatchObject({
      name: `${p.title} - ${v.title}`,
      product_code: String(v.id),
      weight_kg: String(item.weight.value / 1000),
      supplier: p.vendor,
      country_of_origin: item.countryCodeOfOrigin,
      hs_code: item.harmonizedSystemCode,
      customer_price: item.unitCost,
      active: p.status === 'ACTIVE',
    })
    const issues = await h.issues(run.id)
    const codes = issues.map((i) => i.code)
    const noSku = [...h.sim.store.variants.values()].filter((x) => !x.sku).length
    expect(codes.filter((c) => c === 'missing_sku').length).toBe(noSku)
    const dups = [...h.sim.store.variants.values()].length - noSku - skus.size
    expect(codes.filter((c) => c === 'duplicate_sku').length).toBe(dups)
  })

  it('imports orders by the filters and only the lines at the chosen location', async () => {
    const [v1, v2, v3] = variantsWithSku(h)
    const place = (financialStatus: 'PAID' | 'AUTHORIZED' | 'PENDING', lines: any[], extra = {}) =>
      h.sim.placeOrder({
        lines,
        financialStatus,
        shippingAddress: address,
        billingAddress: address,
        email: 'alva@example.se',
        shippingLine: { title: 'PostNord MyPack', code: 'PN', price: '49.00' },
        ...extra,
      })
    const paid = place('PAID', [
      { variantId: v1!.id, quantity: 3, locationId: loc1 },
      { variantId: v2!.id, quantity: 1, locationId: loc1 },
    ])
    const authorized = place('AUTHORIZED', [{ variantId: v1!.id, quantity: 1, locationId: loc1 }])
    const pending = place('PENDING', [{ variantId: v1!.id, quantity: 1, locationId: loc1 }])
    const split = place('PAID', [
      { variantId: v1!.id, quantity: 1, locationId: loc1 },
      { variantId: v3!.id, quantity: 2, locationId: loc2 },
    ])
    const elsewhere = place('PAID', [{ variantId: v2!.id, quantity: 1, locationId: loc2 }])
    const old = place('PAID', [{ variantId: v2!.id, quantity: 1, locationId: loc1 }], {
      createdAt: new Date(h.clock.now - 48 * 3_600_000).toISOString(),
    })
    const cancelledEarly = place('PAID', [{ variantId: v2!.id, quantity: 1, locationId: loc1 }])
    h.sim.cancelOrder(cancelledEarly.id)
    h.clock.now += 60_000
    const run = await h.syncNow({ processes: ['orders'] })
    expect(run.status).not.toBe('failed')
    const ids = (await h.orders()).map((o: any) => o.external_id)
    const gid = (o: { id: number }) => `gid://shopify/Order/${o.id}`
    expect(ids).toContain(gid(paid))
    expect(ids).toContain(gid(authorized))
    expect(ids).toContain(gid(split))
    for (const o of [pending, elsewhere, old, cancelledEarly]) expect(ids).not.toContain(gid(o))
    const s = await h.order(gid(split))
    expect(s.lines.map((l: any) => [l.article_number, l.quantity])).toEqual([[v1!.sku, 1]])
    const p = await h.order(gid(paid))
    expect(p.customer).toMatchObject({ name: 'Lind AB Alva Lind', city: 'Göteborg' })
    expect(p.notification).toMatchObject({ notifyByEmail: true, notifyBySms: true })
    // The owner adds "pending": the next (incremental) run picks the pending order up once it changes.
    await h.hub.request(
      'PATCH',
      `/api/v1/connections/${h.connectionId}`,
      { settings: { financial_statuses: ['authorized', 'paid', 'pending'] } },
      h.token,
    )
    h.clock.now += 60_000
    h.sim.updateOrder(pending.id, { note: 'ring first' })
    h.clock.now += 60_000
    await h.syncNow({ processes: ['orders'] })
    expect((await h.orders()).map((o: any) => o.external_id)).toContain(gid(pending))
  })

  it('fulfils in two parts with tracking, once each even when an answer is lost', async () => {
    const list = await h.orders()
    const order = list.find((o: any) => o.lines_count === 2 || o.order_number) as any
    const target = (await h.order(list.find((o: any) => true).external_id)) as any
    const full = target.lines.length ? target : order
    const first = full.lines[0]
    expect(first.quantity).toBeGreaterThan(1)
    // Lose the answer before shipping: the hub's background worker may deliver right away.
    loseFirstAnswer(h, 'fulfillmentCreate')
    let res = await h.hub.request(
      'POST',
      `/api/v1/orders/${full.id}/ship`,
      {
        lines: [{ line_id: first.id, quantity: 1 }],
        tracking_number: 'PN0001',
        carrier: 'PostNord',
      },
      h.token,
    )
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    await h.syncNow({ processes: ['fulfilments'] })
    // The lost answer left the write waiting for its retry; make it due instead of waiting.
    expect(await h.retryNow()).toBe(1)
    await h.syncNow({ processes: ['fulfilments'] })
    res = await h.hub.request(
      'POST',
      `/api/v1/orders/${full.id}/ship`,
      { tracking_number: 'PN0002', carrier: 'PostNord', tracking_url: 'https://t.example/PN0002' },
      h.token,
    )
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    const shopOrder = h.sim.store.orders.get(Number(full.external_id.split('/').pop()))!
    // The retry of the lost write waits out its backoff, and the second shipment waits behind it
    // (one order's writes go out in order): sync until both have gone out.
    await eventually(
      async () => {
        await h.syncNow({ processes: ['fulfilments'] })
        return shopOrder.fulfillmentIds.length >= 2
      },
      30_000,
      'both fulfilments',
    )
    const fulfilments = shopOrder.fulfillmentIds.map((id) => h.sim.store.fulfillments.get(id)!)
    expect(fulfilments.map((f) => f.trackingInfo[0]?.number)).toEqual(['PN0001', 'PN0002'])
    expect(fulfilments[0]!.lineItems.reduce((s, l) => s + l.quantity, 0)).toBe(1)
    expect(h.sim.store.fulfillmentStatus(shopOrder)).toBe('FULFILLED')
    const creates = h.sim.log
      .writes()
      .filter((w) => w.operation?.includes('mutation:fulfillmentCreate'))
    expect(creates.length).toBe(2)
  })

  it('sets stock only at the chosen location, activating items not stocked there', async () => {
    const [v1, v2] = variantsWithSku(h).filter(
      (v) => h.sim.store.inventoryItems.get(v.inventoryItemId)?.tracked,
    )
    h.sim.store.inventoryLevels.delete(`${v2!.inventoryItemId}:${loc1}`)
    const before2 = h.sim.store.level(v1!.inventoryItemId, loc2)?.quantities.available
    const res = await h.hub.request(
      'POST',
      '/api/v1/stock',
      {
        items: [
          { article_number: v1!.sku!, on_hand: 500 },
          { article_number: v2!.sku!, on_hand: 300 },
        ],
      },
      h.token,
    )
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    const run = await h.syncNow({ processes: ['stock'] })
    expect(run.status, JSON.stringify(await h.issues(run.id))).not.toBe('failed')
    const stock = (
      await h.hub.request('GET', `/api/v1/stock?article_number=${v1!.sku}`, undefined, h.token)
    ).body.data[0]
    expect(h.sim.store.level(v1!.inventoryItemId, loc1)?.quantities.available).toBe(stock.available)
    expect(h.sim.store.level(v2!.inventoryItemId, loc1)).toBeDefined()
    expect(h.sim.store.level(v1!.inventoryItemId, loc2)?.quantities.available).toBe(before2)
  })

  it('cancels a warehouse order cancelled in Shopify before picking, and keeps it after', async () => {
    const [v1] = variantsWithSku(h)
    const mk = () =>
      h.sim.placeOrder({
        lines: [{ variantId: v1!.id, quantity: 1, locationId: loc1 }],
        shippingAddress: address,
        shippingLine: { title: 'PostNord', price: '49.00' },
      })
    const a = mk()
    const b = mk()
    h.clock.now += 60_000
    await h.syncNow({ processes: ['orders'] })
    const ob = await h.order(`gid://shopify/Order/${b.id}`)
    expect((await h.hub.request('POST', `/api/v1/orders/${ob.id}/pick`, {}, h.token)).status).toBe(
      200,
    )
    h.sim.cancelOrder(a.id)
    h.sim.cancelOrder(b.id)
    h.clock.now += 60_000
    await h.syncNow({ processes: ['orders'] })
    expect((await h.order(`gid://shopify/Order/${a.id}`)).status).toBe('cancelled')
    const after = await h.order(`gid://shopify/Order/${b.id}`)
    expect(after.status).toBe('picking')
    expect(JSON.stringify(after.attention)).toContain('cancelled_after_picking')
  })

  it('creates one refund per return, even when the answer to the first try is lost', async () => {
    const [v1] = variantsWithSku(h)
    const o = h.sim.placeOrder({
      lines: [{ variantId: v1!.id, quantity: 2, locationId: loc1 }],
      shippingAddress: address,
      shippingLine: { title: 'PostNord', price: '49.00' },
    })
    h.clock.now += 60_000
    await h.syncNow({ processes: ['orders'] })
    const w = await h.order(`gid://shopify/Order/${o.id}`)
    await h.hub.request('POST', `/api/v1/orders/${w.id}/ship`, { tracking_number: 'R1' }, h.token)
    await h.syncNow({ processes: ['fulfilments'] })
    loseFirstAnswer(h, 'refundCreate')
    const ret = await h.hub.request(
      'POST',
      `/api/v1/orders/${w.id}/returns`,
      { lines: [{ line_id: w.lines[0].id, quantity: 1 }], reason: 'Too small' },
      h.token,
    )
    expect(ret.status, JSON.stringify(ret.body)).toBe(201)
    await h.syncNow({ processes: ['returns'] })
    expect(await h.retryNow()).toBe(1)
    await h.syncNow({ processes: ['returns'] })
    await h.syncNow({ processes: ['returns'] })
    const refunds = h.sim.store.orders
      .get(o.id)!
      .refundIds.map((id) => h.sim.store.refunds.get(id)!)
    expect(refunds.length).toBe(1)
    expect(refunds[0]!.lineItems).toMatchObject([{ quantity: 1, restockType: 'NO_RESTOCK' }])
    expect(refunds[0]!.note).toContain('Too small')
  })
})
