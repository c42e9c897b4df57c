/**
 * Fulfilment triggered by hand (setting fulfil_automatically off) and payment capture on
 * fulfilment (setting capture_payment_on_fulfilment), end to end through a real hub and the
 * Shopify simulator.
 */
import { HttpResponse, http } from 'msw'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AddressRecord } from '../../../fixtures/src/shopify/store.ts'
import { merchantLocations, type ShopifyHarness, startShopify } from './helpers.ts'

const address: AddressRecord = {
  firstName: 'Alva',
  lastName: 'Lind',
  company: null,
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

function creates(h: ShopifyHarness) {
  return h.sim.log.writes().filter((w) => w.operation?.includes('mutation:fulfillmentCreate'))
}
function captures(h: ShopifyHarness, orderId: number) {
  return h.sim.store.orders
    .get(orderId)!
    .transactionIds.map((id) => h.sim.store.transactions.get(id)!)
    .filter((t) => t.kind === 'CAPTURE' && t.status === 'SUCCESS')
}

/** The first fulfillmentCreate is applied but its answer is lost (truncated). */
function loseFirstFulfilmentAnswer(h: ShopifyHarness) {
  let lost = false
  h.server.use(
    http.post('*/admin/api/:version/graphql.json', async ({ request }) => {
      const body = await request.clone().text()
      const res = await h.sim.handle(request)
      if (!lost && body.includes('fulfillmentCreate')) {
        lost = true
        return new HttpResponse('{"data":{"fulfil', {
          status: 200,
          headers: { 'content-type': 'application/json' },
        })
      }
      return res
    }),
  )
}

describe('shopify: fulfilment by hand, with payment capture', () => {
  let h: ShopifyHarness
  let loc1: number
  beforeAll(async () => {
    h = await startShopify({
      settings: { fulfil_automatically: false, capture_payment_on_fulfilment: true },
      publicUrlIsSelf: true,
    })
    ;[loc1] = merchantLocations(h.sim) as [number]
    await h.syncNow({ processes: ['articles'], full: true })
  })
  afterAll(async () => h?.stop())

  async function authorizedOrder(quantity: number) {
    const variant = [...h.sim.store.variants.values()].find(
      (v) => v.sku && h.sim.store.products.get(v.productId)?.status === 'ACTIVE',
    )!
    const placed = h.sim.placeOrder({
      lines: [{ variantId: variant.id, quantity, locationId: loc1 }],
      financialStatus: 'AUTHORIZED',
      shippingAddress: address,
      email: 'alva@example.se',
      shippingLine: { title: 'PostNord', price: '49.00' },
    })
    h.clock.now += 60_000
    await h.syncNow({ processes: ['orders'] })
    const order = await h.order(`gid://shopify/Order/${placed.id}`)
    expect(order, 'order imported').toBeTruthy()
    return { placed, order }
  }

  it('holds fulfilments until triggered by hand for the order, then fulfils and captures once', async () => {
    const { placed, order } = await authorizedOrder(2)
    const before = creates(h).length
    const ship = await h.hub.request(
      'POST',
      `/api/v1/orders/${order.id}/ship`,
      { tracking_number: 'HAND-1', carrier: 'PostNord' },
      h.token,
    )
    expect(ship.status, JSON.stringify(ship.body)).toBe(201)
    // Runs come and go; nothing reaches the shop while the setting is off.
    await h.syncNow({ processes: ['fulfilments'] })
    await h.syncNow()
    expect(creates(h).length).toBe(before)
    expect(h.sim.store.orders.get(placed.id)!.fulfillmentIds).toEqual([])
    expect(captures(h, placed.id)).toEqual([])
    // Another order's trigger doesn't release this one.
    const other = await authorizedOrder(1)
    const none = await h.hub.request('POST', `/api/v1/orders/${other.order.id}/fulfil`, {}, h.token)
    expect(none.status, JSON.stringify(none.body)).toBe(200)
    expect(none.body.released).toBe(0)
    await h.syncNow({ processes: ['fulfilments'] })
    expect(h.sim.store.orders.get(placed.id)!.fulfillmentIds).toEqual([])
    // Triggered by hand for this order.
    const res = await h.hub.request('POST', `/api/v1/orders/${order.id}/fulfil`, {}, h.token)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body.released).toBe(1)
    await h.syncNow({ processes: ['fulfilments'] })
    await h.syncNow({ processes: ['fulfilments'] })
    const shopOrder = h.sim.store.orders.get(placed.id)!
    expect(shopOrder.fulfillmentIds.length).toBe(1)
    expect(
      h.sim.store.fulfillments.get(shopOrder.fulfillmentIds[0]!)!.trackingInfo[0]?.number,
    ).toBe('HAND-1')
    expect(creates(h).length).toBe(before + 1)
    // Captured: the whole authorisation, once; the order is paid.
    const auth = shopOrder.transactionIds
      .map((id) => h.sim.store.transactions.get(id)!)
      .find((t) => t.kind === 'AUTHORIZATION')!
    expect(captures(h, placed.id).map((t) => [t.parentId, t.amount])).toEqual([
      [auth.id, auth.amount],
    ])
    expect(shopOrder.financialStatus).toBe('PAID')
    // Nothing left to release.
    const again = await h.hub.request('POST', `/api/v1/orders/${order.id}/fulfil`, {}, h.token)
    expect(again.body.released).toBe(0)
  })

  it('captures once across a two-part shipment and a lost fulfilment answer', async () => {
    const { placed, order } = await authorizedOrder(3)
    const line = order.lines[0]
    await h.hub.request(
      'POST',
      `/api/v1/orders/${order.id}/ship`,
      { lines: [{ line_id: line.id, quantity: 1 }], tracking_number: 'PART-1' },
      h.token,
    )
    loseFirstFulfilmentAnswer(h)
    expect(
      (await h.hub.request('POST', `/api/v1/orders/${order.id}/fulfil`, {}, h.token)).body.released,
    ).toBe(1)
    await h.syncNow({ processes: ['fulfilments'] })
    // The answer was lost after Shopify applied it: nothing captured yet, the write waits to retry.
    expect(h.sim.store.orders.get(placed.id)!.fulfillmentIds.length).toBe(1)
    expect(captures(h, placed.id).length).toBe(0)
    expect(await h.retryNow()).toBe(1)
    await h.syncNow({ processes: ['fulfilments'] })
    // The retry finds the fulfilment (same tracking number), doesn't create another, and captures.
    expect(h.sim.store.orders.get(placed.id)!.fulfillmentIds.length).toBe(1)
    expect(captures(h, placed.id).length).toBe(1)
    await h.hub.request(
      'POST',
      `/api/v1/orders/${order.id}/ship`,
      { tracking_number: 'PART-2' },
      h.token,
    )
    await h.hub.request('POST', `/api/v1/orders/${order.id}/fulfil`, {}, h.token)
    await h.syncNow({ processes: ['fulfilments'] })
    const shopOrder = h.sim.store.orders.get(placed.id)!
    expect(shopOrder.fulfillmentIds.length).toBe(2)
    expect(h.sim.store.fulfillmentStatus(shopOrder)).toBe('FULFILLED')
    expect(captures(h, placed.id).length).toBe(1)
    expect(shopOrder.financialStatus).toBe('PAID')
  })
})

describe('shopify: fulfilment filters', () => {
  let h: ShopifyHarness
  let loc1: number
  beforeAll(async () => {
    h = await startShopify({
      settings: { fulfil_filter: { only_when_fully_shipped: true, ways_of_delivery: ['PARCEL'] } },
    })
    ;[loc1] = merchantLocations(h.sim) as [number]
    await h.syncNow({ processes: ['articles'], full: true })
  })
  afterAll(async () => h?.stop())

  async function paidOrder(quantity: number) {
    const variant = [...h.sim.store.variants.values()].find(
      (v) => v.sku && h.sim.store.products.get(v.productId)?.status === 'ACTIVE',
    )!
    const placed = h.sim.placeOrder({
      lines: [{ variantId: variant.id, quantity, locationId: loc1 }],
      shippingAddress: address,
      shippingLine: { title: 'PostNord', price: '49.00' },
    })
    h.clock.now += 60_000
    await h.syncNow({ processes: ['orders'] })
    const order = await h.order(`gid://shopify/Order/${placed.id}`)
    expect(order, 'order imported').toBeTruthy()
    expect(order.way_of_delivery).toBe('PARCEL')
    return { placed, order }
  }
  const ship = async (orderId: string, body: Record<string, unknown>) => {
    const res = await h.hub.request('POST', `/api/v1/orders/${orderId}/ship`, body, h.token)
    expect(res.status, JSON.stringify(res.body)).toBe(201)
  }

  it('holds part shipments until the last one, then reports all of them in order', async () => {
    const { placed, order } = await paidOrder(3)
    const line = order.lines[0]
    await ship(order.id, { lines: [{ line_id: line.id, quantity: 1 }], tracking_number: 'F-1' })
    await h.syncNow({ processes: ['fulfilments'] })
    expect(h.sim.store.orders.get(placed.id)!.fulfillmentIds).toEqual([])
    const shipped = await h.hub.request(
      'GET',
      `/api/v1/events?after=0&type=order.shipped`,
      undefined,
      h.token,
    )
    const first = shipped.body.data.at(-1)
    expect(first.payload ?? first.data).toMatchObject({
      reported_to_shop: 'held',
      held_reason: expect.stringMatching(/whole order/),
    })
    await ship(order.id, { tracking_number: 'F-2' })
    await h.syncNow({ processes: ['fulfilments'] })
    const o = h.sim.store.orders.get(placed.id)!
    expect(
      o.fulfillmentIds.map((id) => h.sim.store.fulfillments.get(id)!.trackingInfo[0]?.number),
    ).toEqual(['F-1', 'F-2'])
    expect(h.sim.store.fulfillmentStatus(o)).toBe('FULFILLED')
  })

  it('holds orders whose way of delivery is outside the filter until triggered by hand', async () => {
    const patched = await h.hub.request(
      'PATCH',
      `/api/v1/connections/${h.connectionId}`,
      { settings: { fulfil_filter: { ways_of_delivery: ['EXPRESS'] } } },
      h.token,
    )
    expect(patched.status, JSON.stringify(patched.body)).toBe(200)
    const { placed, order } = await paidOrder(1)
    await ship(order.id, { tracking_number: 'F-3' })
    await h.syncNow({ processes: ['fulfilments'] })
    expect(h.sim.store.orders.get(placed.id)!.fulfillmentIds).toEqual([])
    const res = await h.hub.request('POST', `/api/v1/orders/${order.id}/fulfil`, {}, h.token)
    expect(res.body.released).toBe(1)
    await h.syncNow({ processes: ['fulfilments'] })
    expect(h.sim.store.orders.get(placed.id)!.fulfillmentIds.length).toBe(1)
  })
})
