/**
 * Shopify's mandatory privacy webhooks through a real hub: customers/redact erases the customer's
 * personal data on finished orders at once and on open orders when they are finished;
 * customers/data_request tells the goods owner which orders the hub holds; shop/redact erases the
 * shop's orders and pauses the connection. Each request is signed, de-duplicated and an event.
 */
import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from '../../helpers/hub.ts'
import { type ShopifyHarness, startShopify } from './helpers.ts'

let h: ShopifyHarness
beforeAll(async () => {
  h = await startShopify()
  await h.syncNow({ processes: ['articles'], full: true })
})
afterAll(async () => h?.stop())

let seq = 0
function post(topic: string, body: unknown, opts: { secret?: string; id?: string } = {}) {
  const raw = JSON.stringify(body)
  return fetch(`${h.hub.url}/webhooks/shopify/${h.connectionId}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-hmac-sha256': createHmac('sha256', opts.secret ?? h.sim.credentials.apiSecret)
        .update(raw)
        .digest('base64'),
      'x-shopify-shop-domain': h.sim.credentials.shop,
      'x-shopify-webhook-id': opts.id ?? `privacy-${++seq}`,
    },
    body: raw,
  })
}

async function placeFor(firstName: string, email: string) {
  const v = [...h.sim.store.variants.values()].find(
    (x) => x.sku && h.sim.store.products.get(x.productId)?.status === 'ACTIVE',
  )!
  const loc = Number(h.locationId.split('/').pop())
  const placed = h.sim.placeOrder({
    lines: [{ variantId: v.id, quantity: 1, locationId: loc }],
    email,
    shippingAddress: {
      firstName,
      lastName: 'Ek',
      company: null,
      address1: 'Sveavägen 1',
      address2: null,
      city: 'Stockholm',
      province: null,
      provinceCode: null,
      zip: '111 57',
      country: 'Sweden',
      countryCode: 'SE',
      phone: '+46 70 000 00 00',
    },
    shippingLine: { title: 'PostNord', price: '49.00' },
  })
  return placed.id
}

async function hubOrder(shopId: number) {
  const o = await h.order(`gid://shopify/Order/${shopId}`)
  expect(o, `order ${shopId} in the hub`).toBeTruthy()
  return o
}

async function events(type: string) {
  const res = await h.hub.request('GET', `/api/v1/events?after=0&type=${type}`, undefined, h.token)
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return res.body.data as Array<{ payload?: any; data?: any }>
}
const payloadOf = (e: { payload?: any; data?: any }) => e.payload ?? e.data

describe('shopify privacy webhooks', () => {
  let shipped: number
  let open: number
  let other: number
  beforeAll(async () => {
    shipped = await placeFor('Astrid', 'astrid@example.se')
    open = await placeFor('Astrid', 'astrid@example.se')
    other = await placeFor('Bengt', 'bengt@example.se')
    h.clock.now += 60_000
    await h.syncNow({ processes: ['orders'] })
    const s = await hubOrder(shipped)
    const res = await h.hub.request(
      'POST',
      `/api/v1/orders/${s.id}/ship`,
      { tracking_number: 'PRIV-1' },
      h.token,
    )
    expect(res.status, JSON.stringify(res.body)).toBe(201)
  })

  it('refuses a forged request and erases nothing', async () => {
    const res = await post(
      'customers/redact',
      { shop_id: 1, shop_domain: h.sim.credentials.shop, orders_to_redact: [shipped] },
      { secret: 'not-the-secret' },
    )
    expect(res.status).toBe(401)
    expect(res.headers.get('content-type')).toContain('application/problem+json')
    expect((await hubOrder(shipped)).redacted_at).toBeNull()
  })

  it('customers/redact erases a finished order now and an open one when it is finished, once', async () => {
    const body = {
      shop_id: 1,
      shop_domain: h.sim.credentials.shop,
      customer: { id: 42, email: 'astrid@example.se', phone: null },
      orders_to_redact: [shipped, open, 999_999_999],
    }
    const res = await post('customers/redact', body, { id: 'redact-astrid' })
    expect(res.status).toBe(200)
    // A replayed delivery changes nothing and adds no second event.
    expect(await (await post('customers/redact', body, { id: 'redact-astrid' })).json()).toEqual({
      ok: true,
      duplicate: true,
    })

    const s = await hubOrder(shipped)
    expect(s.redacted_at).toBeTruthy()
    expect(s.customer.name).toBe('[erased]')
    expect(JSON.stringify([s.customer, s.invoice_address, s.notification])).not.toMatch(
      /Astrid|astrid@|Sveavägen|\+46/,
    )
    // The bookkeeping stays: order number, lines, shipment.
    expect(s.order_number).toBeTruthy()
    expect(s.lines.length).toBe(1)
    expect(s.status).toBe('shipped')

    const o = await hubOrder(open)
    expect(o.redacted_at).toBeNull()
    expect(o.redact_requested_at).toBeTruthy()
    expect(o.customer.name).toContain('Astrid')
    expect((await hubOrder(other)).customer.name).toContain('Bengt')

    const ev = (await events('privacy.erasure')).map(payloadOf)
    expect(ev).toEqual([
      expect.objectContaining({ scope: 'customer', erased: 1, deferred: 1, unknown: 1 }),
    ])

    // The open order ships; the worker erases it afterwards.
    const ship = await h.hub.request(
      'POST',
      `/api/v1/orders/${o.id}/ship`,
      { tracking_number: 'PRIV-2' },
      h.token,
    )
    expect(ship.status, JSON.stringify(ship.body)).toBe(201)
    const erased = await eventually(
      async () => {
        const x = await hubOrder(open)
        return x.redacted_at ? x : null
      },
      30_000,
      'open order erased once finished',
    )
    expect(erased.customer.name).toBe('[erased]')
    expect(erased.redact_requested_at).toBeNull()
  })

  it('customers/data_request tells the goods owner which orders the hub holds', async () => {
    const res = await post('customers/data_request', {
      shop_id: 1,
      shop_domain: h.sim.credentials.shop,
      customer: { id: 43, email: 'bengt@example.se', phone: null },
      orders_requested: [other, 123],
      data_request: { id: 9999 },
    })
    expect(res.status).toBe(200)
    const ev = (await events('privacy.data_request')).map(payloadOf)
    expect(ev.length).toBe(1)
    expect(ev[0].reference).toBe('data request 9999')
    expect(ev[0].orders.map((x: any) => x.external_id)).toEqual([`gid://shopify/Order/${other}`])
  })

  it('shop/redact erases the shop’s orders and pauses the connection', async () => {
    const res = await post('shop/redact', { shop_id: 1, shop_domain: h.sim.credentials.shop })
    expect(res.status).toBe(200)
    // Bengt's order is open: erased when finished.
    expect((await hubOrder(other)).redact_requested_at).toBeTruthy()
    const c = await h.hub.request(
      'GET',
      `/api/v1/connections/${h.connectionId}`,
      undefined,
      h.token,
    )
    expect(c.body.status).toBe('paused')
    expect(c.body.status_reason).toMatch(/erased/)
    const ev = (await events('privacy.erasure')).map(payloadOf)
    expect(ev.at(-1)).toMatchObject({ scope: 'shop', deferred: 1 })
  })
})
