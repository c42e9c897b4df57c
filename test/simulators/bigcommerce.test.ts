import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createBigCommerceSimulator } from '../../fixtures/src/bigcommerce/index.ts'

const NOW = new Date('2025-06-15T12:00:00Z')
let now = NOW.getTime()
const clock = () => new Date(now)

let bc = createBigCommerceSimulator({ seed: 1, clock })
const server = setupServer()

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
beforeEach(() => {
  now = NOW.getTime()
  bc = createBigCommerceSimulator({ seed: 1, clock })
  server.use(...bc.mswHandlers())
})
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const api = (path: string) => `https://api.bigcommerce.com/stores/${bc.storeHash}${path}`
function call(path: string, init: RequestInit & { json?: unknown } = {}) {
  const headers = new Headers(init.headers)
  if (!headers.has('x-auth-token')) headers.set('X-Auth-Token', bc.credentials.accessToken)
  headers.set('Accept', 'application/json')
  let body = init.body
  if (init.json !== undefined) {
    headers.set('Content-Type', 'application/json')
    body = JSON.stringify(init.json)
  }
  return fetch(api(path), { ...init, headers, body })
}

describe('auth, store hash and scopes', () => {
  it('401 with the v2 array body / v3 object body', async () => {
    const v2 = await call('/v2/orders', { headers: { 'X-Auth-Token': 'nope' } })
    expect(v2.status).toBe(401)
    const b2 = await v2.json()
    expect(Array.isArray(b2)).toBe(true)
    expect(b2[0].status).toBe(401)
    const v3 = await call('/v3/catalog/products', { headers: { 'X-Auth-Token': '' } })
    expect(v3.status).toBe(401)
    const b3 = await v3.json()
    expect(b3).toMatchObject({ status: 401, type: expect.any(String), title: expect.any(String) })
    expect(bc.log.entries.at(-1)?.auth).toBe('failed')
  })

  it('wrong store hash → 403', async () => {
    const res = await fetch('https://api.bigcommerce.com/stores/zzz999/v2/orders', {
      headers: { 'X-Auth-Token': bc.credentials.accessToken },
    })
    expect(res.status).toBe(403)
  })

  it('missing scope → 403; read-only scope allows reads but not writes', async () => {
    bc = createBigCommerceSimulator({
      seed: 1,
      clock,
      scopes: ['store_v2_orders_read_only', 'store_v2_products'],
    })
    server.use(...bc.mswHandlers())
    const inv = await call('/v3/inventory/items')
    expect(inv.status).toBe(403)
    expect((await inv.json()).title).toBe("You don't have a required scope to access the endpoint")
    expect((await call('/v2/orders')).status).toBe(200)
    const put = await call('/v2/orders/101', { method: 'PUT', json: { status_id: 9 } })
    expect(put.status).toBe(403)
    const body = await put.json()
    expect(body[0].message).toBe("You don't have a required scope to access the endpoint")
  })

  it('415 without JSON content type on writes', async () => {
    const res = await call('/v2/orders/111', { method: 'PUT', body: '{"status_id":9}' })
    expect(res.status).toBe(415)
  })
})

describe('v2 orders', () => {
  it('lists with 204 on an empty page and excludes incomplete orders by default', async () => {
    const res = await call('/v2/orders?limit=250')
    expect(res.status).toBe(200)
    const orders = (await res.json()) as { id: number; status_id: number; date_modified: string }[]
    expect(orders.length).toBe(29)
    expect(orders.some((o) => o.status_id === 0)).toBe(false)
    expect(orders[0]!.date_modified).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/)
    const empty = await call('/v2/orders?page=2&limit=250')
    expect(empty.status).toBe(204)
    expect(await empty.text()).toBe('')
    const zero = await (await call('/v2/orders?status_id=0')).json()
    expect(zero).toHaveLength(1)
  })

  it('filters by status_id and min_date_modified (ISO and RFC 2822), sorts', async () => {
    const all = (await (await call('/v2/orders?limit=250')).json()) as {
      id: number
      status_id: number
      date_modified: string
    }[]
    const eleven = (await (await call('/v2/orders?status_id=11&limit=250')).json()) as {
      status_id: number
    }[]
    expect(eleven.length).toBe(all.filter((o) => o.status_id === 11).length)
    expect(eleven.every((o) => o.status_id === 11)).toBe(true)
    const cut = new Date(NOW.getTime() - 10 * 86_400_000)
    const expected = all.filter((o) => new Date(o.date_modified) >= cut).length
    const iso = await call(
      `/v2/orders?min_date_modified=${encodeURIComponent(cut.toISOString())}&limit=250`,
    )
    const rfc = await call(
      `/v2/orders?min_date_modified=${encodeURIComponent(cut.toUTCString().replace('GMT', '+0000'))}&limit=250`,
    )
    expect(((await iso.json()) as unknown[]).length).toBe(expected)
    expect(((await rfc.json()) as unknown[]).length).toBe(expected)
    const sorted = (await (await call('/v2/orders?sort=date_modified:desc&limit=5')).json()) as {
      date_modified: string
    }[]
    const times = sorted.map((o) => Date.parse(o.date_modified))
    expect([...times].sort((a, b) => b - a)).toEqual(times)
    expect((await call('/v2/orders?min_date_modified=yesterday')).status).toBe(400)
  })

  it('limit above 250 is refused', async () => {
    const res = await call('/v2/orders?limit=251')
    expect(res.status).toBe(413)
    expect(Array.isArray(await res.json())).toBe(true)
    const v3 = await call('/v3/catalog/products?limit=251')
    expect(v3.status).toBe(422)
  })

  it('count, get, products, shipping addresses, statuses, 404 shape', async () => {
    const count = await (await call('/v2/orders/count')).json()
    expect(count.count).toBe(29)
    expect(count.statuses).toHaveLength(15)
    const order = await (await call('/v2/orders/111')).json()
    expect(order.status_id).toBe(10)
    expect(order.total_inc_tax).toMatch(/^\d+\.\d{4}$/)
    const lines = await (await call('/v2/orders/111/products')).json()
    expect(lines[0]).toMatchObject({
      order_id: 111,
      base_price: expect.stringMatching(/^\d+\.\d{4}$/),
    })
    const addresses = await (await call('/v2/orders/111/shipping_addresses')).json()
    expect(addresses[0].id).toBe(lines[0].order_address_id)
    expect(await (await call('/v2/order_statuses')).json()).toHaveLength(15)
    const missing = await call('/v2/orders/99999')
    expect(missing.status).toBe(404)
    expect(await missing.json()).toEqual([
      { status: 404, message: 'The requested resource was not found.' },
    ])
  })

  it('PUT status_id bumps date_modified and fires statusUpdated', async () => {
    const before = await (await call('/v2/orders/112')).json()
    now += 60_000
    const res = await call('/v2/orders/112', { method: 'PUT', json: { status_id: 9 } })
    expect(res.status).toBe(200)
    const after = await res.json()
    expect(after.status_id).toBe(9)
    expect(after.status).toBe('Awaiting Shipment')
    expect(Date.parse(after.date_modified)).toBeGreaterThan(Date.parse(before.date_modified))
    expect((await call('/v2/orders/112', { method: 'PUT', json: { status_id: 42 } })).status).toBe(
      400,
    )
  })
})

describe('v2 shipments', () => {
  it('partial then full shipment moves the order 3 → 2 and updates quantity_shipped', async () => {
    const order = bc.placeOrder({
      lines: [
        { sku: 'BC-001-1', quantity: 2 },
        { sku: 'BC-003-1', quantity: 1 },
      ],
      statusId: 11,
    })
    const lines = await (await call(`/v2/orders/${order.id}/products`)).json()
    const [address] = await (await call(`/v2/orders/${order.id}/shipping_addresses`)).json()
    expect((await call(`/v2/orders/${order.id}/shipments`)).status).toBe(204)
    const first = await call(`/v2/orders/${order.id}/shipments`, {
      method: 'POST',
      json: {
        order_address_id: address.id,
        tracking_number: '00340434161234567890',
        shipping_provider: '',
        tracking_carrier: 'dhl',
        items: [{ order_product_id: lines[0].id, quantity: 1 }],
      },
    })
    expect(first.status).toBe(201)
    const shipment = await first.json()
    expect(shipment.date_created).toMatch(/\+0000$/)
    expect(shipment.generated_tracking_link).toContain('00340434161234567890')
    expect((await (await call(`/v2/orders/${order.id}`)).json()).status_id).toBe(3)
    const over = await call(`/v2/orders/${order.id}/shipments`, {
      method: 'POST',
      json: {
        order_address_id: address.id,
        items: [{ order_product_id: lines[0].id, quantity: 2 }],
      },
    })
    expect(over.status).toBe(400)
    expect(Array.isArray(await over.json())).toBe(true)
    const rest = await call(`/v2/orders/${order.id}/shipments`, {
      method: 'POST',
      json: {
        order_address_id: address.id,
        items: [
          { order_product_id: lines[0].id, quantity: 1 },
          { order_product_id: lines[1].id, quantity: 1 },
        ],
      },
    })
    expect(rest.status).toBe(201)
    const done = await (await call(`/v2/orders/${order.id}`)).json()
    expect(done.status_id).toBe(2)
    expect(done.items_shipped).toBe(3)
    const shipped = await (await call(`/v2/orders/${order.id}/products`)).json()
    expect(shipped.map((l: { quantity_shipped: number }) => l.quantity_shipped)).toEqual([2, 1])
    expect((await (await call(`/v2/orders/${order.id}/shipments/count`)).json()).count).toBe(2)
  })

  it('requires order_address_id and items; tracking_number ≤ 50', async () => {
    const order = bc.placeOrder({ lines: [{ sku: 'BC-001-1', quantity: 1 }] })
    const lines = await (await call(`/v2/orders/${order.id}/products`)).json()
    const noAddress = await call(`/v2/orders/${order.id}/shipments`, {
      method: 'POST',
      json: { items: [] },
    })
    expect(noAddress.status).toBe(400)
    const long = await call(`/v2/orders/${order.id}/shipments`, {
      method: 'POST',
      json: {
        order_address_id: lines[0].order_address_id,
        tracking_number: 'x'.repeat(51),
        items: [{ order_product_id: lines[0].id, quantity: 1 }],
      },
    })
    expect(long.status).toBe(400)
  })
})

describe('v3 catalog', () => {
  it('paginates with meta.pagination and include=variants', async () => {
    const res = await call('/v3/catalog/products?limit=4&page=2&include=variants')
    const body = await res.json()
    expect(body.data).toHaveLength(4)
    expect(body.meta.pagination).toMatchObject({
      total: 15,
      count: 4,
      per_page: 4,
      current_page: 2,
      total_pages: 4,
    })
    expect(body.meta.pagination.links.next).toContain('page=3')
    expect(body.data[0].variants.length).toBeGreaterThan(0)
    const last = await (await call('/v3/catalog/products?limit=4&page=4')).json()
    expect(last.meta.pagination.count).toBe(3)
  })

  it('filters products and variants', async () => {
    const ids = await (await call('/v3/catalog/products?id:in=101,102')).json()
    expect(ids.data.map((p: { id: number }) => p.id)).toEqual([101, 102])
    const bySku = await (await call('/v3/catalog/variants?sku=BC-001-2')).json()
    expect(bySku.data).toHaveLength(1)
    const byProduct = await (await call('/v3/catalog/variants?product_id:in=101')).json()
    expect(byProduct.data.every((v: { product_id: number }) => v.product_id === 101)).toBe(true)
    now += 1000
    bc.updateProduct(105, { name: 'Ändrad produkt' })
    const recent = await (
      await call(
        `/v3/catalog/products?date_modified:min=${encodeURIComponent(new Date(now - 500).toISOString())}`,
      )
    ).json()
    expect(recent.data.map((p: { id: number }) => p.id)).toEqual([105])
  })

  it('batch limits: 51 variants → 413, 11 products → 413', async () => {
    const variants = Array.from({ length: 51 }, (_, i) => ({ id: 201 + i, price: 1 }))
    const res = await call('/v3/catalog/variants', { method: 'PUT', json: variants })
    expect(res.status).toBe(413)
    expect((await res.json()).title).toContain('50')
    const products = Array.from({ length: 11 }, (_, i) => ({ id: 101 + i }))
    expect((await call('/v3/catalog/products', { method: 'PUT', json: products })).status).toBe(413)
  })

  it('variant inventory_level on a product-tracked product is silently ignored', async () => {
    const p = (await (await call('/v3/catalog/products/103?include=variants')).json()).data
    expect(p.inventory_tracking).toBe('product')
    const v = p.variants[1]
    const res = await call('/v3/catalog/variants', {
      method: 'PUT',
      json: [{ id: v.id, inventory_level: 77 }],
    })
    expect(res.status).toBe(200)
    const after = (await (await call(`/v3/catalog/products/103/variants/${v.id}`)).json()).data
    expect(after.inventory_level).toBe(v.inventory_level)
    expect((await (await call('/v3/catalog/products/103')).json()).data.inventory_level).toBe(
      p.inventory_level,
    )
  })
})

describe('v3 inventory', () => {
  it('absolute then relative adjustments; relative before absolute → 422; 2001 items → 422', async () => {
    const abs = await call('/v3/inventory/adjustments/absolute', {
      method: 'PUT',
      json: { reason: 'WMS sync', items: [{ location_id: 1, sku: 'BC-001-1', quantity: 5 }] },
    })
    expect(abs.status).toBe(200)
    expect((await abs.json()).transaction_id).toEqual(expect.any(String))
    await call('/v3/inventory/adjustments/relative', {
      method: 'POST',
      json: { items: [{ location_id: 1, sku: 'BC-001-1', quantity: -2 }] },
    })
    const items = await (await call('/v3/inventory/items?sku:in=BC-001-1')).json()
    expect(
      items.data[0].locations.find((l: { location_id: number }) => l.location_id === 1)
        .available_to_sell,
    ).toBe(3)
    const rel = await call('/v3/inventory/adjustments/relative', {
      method: 'POST',
      json: { items: [{ location_id: 2, sku: 'BC-001-1', quantity: 1 }] },
    })
    expect(rel.status).toBe(422)
    expect((await rel.json()).title).toMatch(/requires absolute adjustment before relative/)
    const big = Array.from({ length: 2001 }, () => ({
      location_id: 1,
      sku: 'BC-001-1',
      quantity: 1,
    }))
    const tooMany = await call('/v3/inventory/adjustments/absolute', {
      method: 'PUT',
      json: { items: big },
    })
    expect(tooMany.status).toBe(422)
  })

  it('variant writes to a product-tracked product: 422 by default, ignored with the option', async () => {
    const variant = bc.store.variantsOf(103)[1]!
    const level = bc.store.productLevel(bc.store.product(103)!)
    const res = await call('/v3/inventory/adjustments/absolute', {
      method: 'PUT',
      json: { items: [{ location_id: 1, variant_id: variant.id, quantity: 9 }] },
    })
    expect(res.status).toBe(422)
    bc.store.productTrackedVariantWrites = 'ignore'
    const ok = await call('/v3/inventory/adjustments/absolute', {
      method: 'PUT',
      json: { items: [{ location_id: 1, variant_id: variant.id, quantity: 9 }] },
    })
    expect(ok.status).toBe(200)
    expect(bc.store.productLevel(bc.store.product(103)!)).toBe(level)
  })

  it('locations', async () => {
    const res = await (await call('/v3/inventory/locations')).json()
    expect(res.data.map((l: { id: number }) => l.id)).toEqual([1, 2])
  })
})

describe('rate limits', () => {
  it('every response carries the quota headers; over quota → 429 until the window resets', async () => {
    bc = createBigCommerceSimulator({ seed: 1, clock, quota: 3 })
    server.use(...bc.mswHandlers())
    const first = await call('/v2/time')
    expect(first.headers.get('X-Rate-Limit-Requests-Quota')).toBe('3')
    expect(first.headers.get('X-Rate-Limit-Requests-Left')).toBe('2')
    expect(first.headers.get('X-Rate-Limit-Time-Window-Ms')).toBe('30000')
    await call('/v2/time')
    await call('/v2/time')
    now += 10_000
    const limited = await call('/v2/time')
    expect(limited.status).toBe(429)
    expect(limited.headers.get('X-Rate-Limit-Requests-Left')).toBe('0')
    expect(Number(limited.headers.get('X-Rate-Limit-Time-Reset-Ms'))).toBe(20_000)
    now += 20_000
    expect((await call('/v2/time')).status).toBe(200)
  })

  it('the rate-limit fault without headers', async () => {
    bc.faults.add({
      path: '/v2/orders',
      nth: 1,
      fault: { kind: 'rate-limit', withoutHeaders: true },
    })
    const res = await call('/v2/orders')
    expect(res.status).toBe(429)
    expect(res.headers.get('X-Rate-Limit-Time-Reset-Ms')).toBeNull()
    expect((await call('/v2/orders')).status).toBe(200)
  })

  it('a cut-off answer still applied the write: the log counts it among the writes', async () => {
    const order = bc.placeOrder({ lines: [{ sku: 'BC-001-1', quantity: 1, price: 10 }] })
    bc.faults.add({
      method: 'PUT',
      path: `/v2/orders/${order.id}`,
      nth: 1,
      fault: { kind: 'truncate' },
    })
    const cut = await call(`/v2/orders/${order.id}`, { method: 'PUT', json: { status_id: 9 } })
    expect(cut.status).toBe(200)
    await expect(cut.text().then((t) => JSON.parse(t))).rejects.toThrow()
    bc.faults.add({
      method: 'PUT',
      path: `/v2/orders/${order.id}`,
      nth: 1,
      fault: { kind: 'reset' },
    })
    await expect(
      call(`/v2/orders/${order.id}`, { method: 'PUT', json: { status_id: 2 } }),
    ).rejects.toThrow()
    expect((await (await call(`/v2/orders/${order.id}`)).json()).status_id).toBe(9)
    const writes = bc.log.writes().filter((e) => e.path.endsWith(`/v2/orders/${order.id}`))
    expect(writes.map((e) => [e.fault, (e.body as { status_id: number }).status_id])).toEqual([
      ['truncate', 9],
    ])
  })
})

describe('refunds', () => {
  it('quote then refund; amount must equal a quoted method', async () => {
    const order = bc.placeOrder({
      lines: [{ sku: 'BC-001-1', quantity: 2, price: 10 }],
      customerId: 5,
    })
    const lines = await (await call(`/v2/orders/${order.id}/products`)).json()
    const items = [{ item_type: 'PRODUCT', item_id: lines[0].id, quantity: 1 }]
    const q = await call(`/v3/orders/${order.id}/payment_actions/refund_quotes`, {
      method: 'POST',
      json: { items },
    })
    expect(q.status).toBe(201)
    const quote = (await q.json()).data
    expect(quote.total_refund_amount).toBe(10)
    const bad = await call(`/v3/orders/${order.id}/payment_actions/refunds`, {
      method: 'POST',
      json: { items, payments: [{ provider_id: 'custom', amount: 9.99, offline: true }] },
    })
    expect(bad.status).toBe(422)
    const ok = await call(`/v3/orders/${order.id}/payment_actions/refunds`, {
      method: 'POST',
      json: { items, payments: [{ provider_id: 'custom', amount: 10, offline: true }] },
    })
    expect(ok.status).toBe(201)
    expect((await (await call(`/v2/orders/${order.id}`)).json()).status_id).toBe(14)
    const list = await (await call(`/v3/orders/${order.id}/payment_actions/refunds`)).json()
    expect(list.data).toHaveLength(1)
  })
})

describe('webhooks', () => {
  it('rejects non-https/443 destinations, stores headers and lists per client', async () => {
    const bad = await call('/v3/hooks', {
      method: 'POST',
      json: { scope: 'store/order/statusUpdated', destination: 'http://hub.example.com/wh' },
    })
    expect(bad.status).toBe(422)
    const port = await call('/v3/hooks', {
      method: 'POST',
      json: { scope: 'store/order/statusUpdated', destination: 'https://hub.example.com:8443/wh' },
    })
    expect(port.status).toBe(422)
    const ok = await call('/v3/hooks', {
      method: 'POST',
      json: {
        scope: 'store/order/*',
        destination: 'https://hub.example.com/wh',
        headers: { 'X-Hub-Token': 's3cret' },
      },
    })
    expect(ok.status).toBe(200)
    const hook = (await ok.json()).data
    expect(hook).toMatchObject({
      is_active: true,
      headers: { 'X-Hub-Token': 's3cret' },
      store_hash: bc.storeHash,
    })
    expect((await (await call('/v3/hooks')).json()).data).toHaveLength(1)
    const put = await call(`/v3/hooks/${hook.id}`, { method: 'PUT', json: { is_active: false } })
    expect((await put.json()).data.is_active).toBe(false)
    expect((await call(`/v3/hooks/${hook.id}`, { method: 'DELETE' })).status).toBe(200)
    expect((await call(`/v3/hooks/${hook.id}`)).status).toBe(404)
  })

  it('delivers light payloads with echoed headers; deactivates after repeated failures', async () => {
    bc = createBigCommerceSimulator({ seed: 1, clock, hookFailureLimit: 2 })
    server.use(...bc.mswHandlers())
    const hook = (
      await (
        await call('/v3/hooks', {
          method: 'POST',
          json: {
            scope: 'store/order/statusUpdated',
            destination: 'https://hub.example.com/wh',
            headers: { 'X-Hub-Token': 't' },
          },
        })
      ).json()
    ).data
    bc.webhooks.enabled = false
    bc.setOrderStatus(111, 9)
    await bc.flushWebhooks()
    const d = bc.webhooks.deliveries[0]!
    expect(d.headers['X-Hub-Token']).toBe('t')
    expect(d.headers['webhook-signature']).toMatch(/^v1,/)
    const payload = JSON.parse(d.body)
    expect(payload).toMatchObject({
      scope: 'store/order/statusUpdated',
      producer: `stores/${bc.storeHash}`,
      data: { type: 'order', id: 111, status: { previous_status_id: 10, new_status_id: 9 } },
    })
    expect(payload.hash).toMatch(/^[0-9a-f]{40}$/)
    bc.deactivateHook(hook.id)
    expect((await (await call(`/v3/hooks/${hook.id}`)).json()).data.is_active).toBe(false)
  })
})

describe('orders with include=consignments(.line_items)&consignment_structure=object', () => {
  const SHIP = {
    first_name: 'Ada',
    last_name: 'Lind',
    company: 'Lind AB',
    street_1: 'Hamngatan 5',
    street_2: '',
    city: 'Göteborg',
    state: '',
    zip: '411 06',
    country: 'Sweden',
    country_iso2: 'SE',
    phone: '+46 31 10 20 30',
    email: 'ada@example.se',
  }
  const INCLUDE = 'include=consignments.line_items&consignment_structure=object'

  function twoAddressOrder() {
    const digital = [...bc.store.products.values()].find((p) => p.type === 'digital')!
    return bc.placeOrder({
      lines: [
        { sku: 'BC-001-1', quantity: 2, price: 10 },
        { productId: digital.id, quantity: 1, price: 5 },
        { sku: 'BC-001-2', quantity: 1, price: 12, addressIndex: 1 },
      ],
      shippingAddresses: [
        { ...SHIP, shipping_method: 'PostNord', base_cost: 4 },
        { ...SHIP, first_name: 'Bo', street_1: 'Kungsgatan 1', shipping_method: 'Budbee' },
      ],
    })
  }

  it('the order carries its shipping consignments (id = order address id) with the order products', async () => {
    const order = twoAddressOrder()
    const got = await (await call(`/v2/orders/${order.id}?${INCLUDE}`)).json()
    const products = await (await call(`/v2/orders/${order.id}/products`)).json()
    const addresses = await (await call(`/v2/orders/${order.id}/shipping_addresses`)).json()
    const c = got.consignments
    expect(c.pickups).toEqual([])
    expect(c.email).toEqual({ gift_certificates: [] })
    expect(c.shipping.map((s: any) => s.id)).toEqual(addresses.map((a: any) => a.id))
    for (const [i, s] of c.shipping.entries()) {
      const a = addresses[i]
      for (const k of ['first_name', 'street_1', 'city', 'zip', 'country_iso2', 'email', 'phone'])
        expect(s[k], k).toBe(a[k])
      expect(s.shipping_method).toBe(a.shipping_method)
      // The consignment's lines are exactly the order products that ship to that address.
      expect(s.line_items).toEqual(products.filter((p: any) => p.order_address_id === a.id))
      expect(s.items_total).toBe(a.items_total)
      expect(s.shipping_quotes.resource).toBe(
        `/orders/${order.id}/consignments/shipping/${a.id}/shipping_quotes`,
      )
    }
    expect(c.shipping[0].base_cost).toBe(4)
    expect(c.shipping[1].shipping_method).toBe('Budbee')
    // The digital line is in the download consignment, not in a shipping one.
    expect(c.downloads).toEqual([
      {
        recipient_email: order.billing_address.email,
        line_items: products.filter((p: any) => p.type === 'digital'),
      },
    ])
  })

  it('the list carries them too, for every order on the page', async () => {
    const order = twoAddressOrder()
    const list = await (await call(`/v2/orders?limit=250&${INCLUDE}`)).json()
    expect(list.length).toBeGreaterThan(1)
    for (const o of list) {
      const res = await call(`/v2/orders/${o.id}/products`)
      const lines = res.status === 204 ? [] : await res.json()
      const inConsignments = [
        ...o.consignments.shipping.flatMap((s: any) => s.line_items),
        ...o.consignments.downloads.flatMap((d: any) => d.line_items),
      ].sort((a: any, b: any) => a.id - b.id)
      expect(inConsignments, `order ${o.id}`).toEqual(lines)
    }
    const mine = list.find((o: any) => o.id === order.id)
    expect(mine.consignments.shipping).toHaveLength(2)
  })

  it('include=consignments alone gives resource links for the line items', async () => {
    const order = twoAddressOrder()
    const got = await (
      await call(`/v2/orders/${order.id}?include=consignments&consignment_structure=object`)
    ).json()
    const first = bc.store.linesOf(order.id)[0]!
    expect(got.consignments.shipping[0].line_items[0]).toEqual({
      url: api(`/v2/orders/${order.id}/products/${first.id}`),
      resource: `/orders/${order.id}/products/${first.id}`,
    })
    const linked = await call(`/v2/orders/${order.id}/products/${first.id}`)
    expect(linked.status).toBe(200)
  })

  it('include=fees adds an (empty) fees array; several values are comma-separated', async () => {
    const order = twoAddressOrder()
    const got = await (
      await call(
        `/v2/orders/${order.id}?include=consignments,consignments.line_items,fees&consignment_structure=object`,
      )
    ).json()
    expect(got.fees).toEqual([])
    expect(got.consignments.shipping[0].line_items[0].sku).toBe('BC-001-1')
  })

  it('without the parameters (or without consignment_structure=object) the order is unchanged', async () => {
    const order = twoAddressOrder()
    const plain = await (await call(`/v2/orders/${order.id}`)).json()
    expect(plain).not.toHaveProperty('consignments')
    expect(plain).not.toHaveProperty('fees')
    expect(plain.products.resource).toBe(`/orders/${order.id}/products`)
    const noStructure = await (
      await call(`/v2/orders/${order.id}?include=consignments.line_items`)
    ).json()
    expect(noStructure).toEqual(plain)
    const withIt = await (await call(`/v2/orders/${order.id}?${INCLUDE}`)).json()
    const { consignments, ...rest } = withIt
    expect(consignments).toBeTruthy()
    expect(rest).toEqual(plain)
    const list = await (await call('/v2/orders?limit=250')).json()
    expect(list.every((o: any) => !('consignments' in o))).toBe(true)
  })
})
