/**
 * Documented wc/v3 behaviour of the WooCommerce simulator: pagination, filters, limits, batch,
 * stock rules, orders, notes, refunds, webhooks (signatures, creation ping, auto-disable) and
 * the Shipment Tracking extension. Docs: https://woocommerce.github.io/woocommerce-rest-api-docs/
 */
import { createHmac } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWooCommerceSimulator } from '../../fixtures/src/woocommerce/index.ts'

let now = Date.parse('2025-03-10T12:00:00Z')
const clock = () => new Date(now)
const sim = createWooCommerceSimulator({
  seed: 7,
  clock,
  timezoneOffsetMinutes: 120,
  products: 30,
  orders: 40,
})
const tracking = createWooCommerceSimulator({
  seed: 8,
  origin: 'https://tracked.example.com',
  shipmentTracking: true,
  clock,
})
const server = setupServer(...sim.mswHandlers(), ...tracking.mswHandlers())

// A real loopback receiver for webhook deliveries.
interface Received {
  headers: Record<string, string | string[] | undefined>
  body: string
}
const received: Received[] = []
let respondWith = 200
let receiver: Server
let receiverUrl = ''

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' })
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
      res.writeHead(respondWith).end()
    })
  })
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/woo`
})
afterAll(async () => {
  server.close()
  await new Promise<void>((r) => receiver.close(() => r()))
})

const auth = (s: typeof sim) =>
  `Basic ${Buffer.from(`${s.credentials.consumerKey}:${s.credentials.consumerSecret}`).toString('base64')}`

async function api(path: string, init: { method?: string; body?: unknown; s?: typeof sim } = {}) {
  const s = init.s ?? sim
  const res = await fetch(`${s.origin}/wp-json/${path.startsWith('wc') ? path : `wc/v3/${path}`}`, {
    method: init.method ?? 'GET',
    headers: { authorization: auth(s), 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  })
  const text = await res.text()
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null }
}

describe('pagination and limits', () => {
  it('pages with X-WP-Total, X-WP-TotalPages and Link', async () => {
    const first = await api('orders?per_page=7&page=1&orderby=id&order=asc')
    expect(first.status).toBe(200)
    const total = Number(first.headers.get('x-wp-total'))
    expect(total).toBe([...sim.store.orders.values()].filter((o) => o.status !== 'trash').length)
    expect(Number(first.headers.get('x-wp-totalpages'))).toBe(Math.ceil(total / 7))
    expect(first.headers.get('link')).toContain('rel="next"')
    expect(first.headers.get('link')).toContain('page=2')
    const ids: number[] = []
    for (let page = 1; page <= Number(first.headers.get('x-wp-totalpages')); page++) {
      const r = await api(`orders?per_page=7&page=${page}&orderby=id&order=asc`)
      ids.push(...r.body.map((o: { id: number }) => o.id))
    }
    expect(ids).toHaveLength(total)
    expect([...ids].sort((a, b) => a - b)).toEqual(ids)
    const beyond = await api('orders?per_page=7&page=99')
    expect(beyond.status).toBe(200)
    expect(beyond.body).toEqual([])
    const offset = await api('orders?per_page=2&offset=1&orderby=id&order=asc')
    expect(offset.body.map((o: { id: number }) => o.id)).toEqual(ids.slice(1, 3))
  })

  it('per_page above 100 is rest_invalid_param', async () => {
    const r = await api('products?per_page=101')
    expect(r.status).toBe(400)
    expect(r.body.code).toBe('rest_invalid_param')
    expect(r.body.message).toBe('Invalid parameter(s): per_page')
    expect(r.body.data.status).toBe(400)
    expect(r.body.data.params.per_page).toBe(
      'per_page must be between 1 (inclusive) and 100 (inclusive)',
    )
  })

  it('batch of 101 items is 413', async () => {
    const update = Array.from({ length: 101 }, (_, i) => ({ id: i + 1, stock_quantity: 1 }))
    const r = await api('products/batch', { method: 'POST', body: { update } })
    expect(r.status).toBe(413)
    expect(r.body).toEqual({
      code: 'woocommerce_rest_request_entity_too_large',
      message: 'Unable to accept more than 100 items for this request.',
      data: { status: 413 },
    })
  })

  it('unknown route and unknown id', async () => {
    const r = await api('nope')
    expect(r.status).toBe(404)
    expect(r.body.code).toBe('rest_no_route')
    const o = await api('orders/999999')
    expect(o.status).toBe(404)
    expect(o.body).toEqual({
      code: 'woocommerce_rest_shop_order_invalid_id',
      message: 'Invalid ID.',
      data: { status: 404 },
    })
    const p = await api('products/999999')
    expect(p.body.code).toBe('woocommerce_rest_product_invalid_id')
  })
})

describe('filters', () => {
  it('status as string, CSV and array; invalid status rejected', async () => {
    const one = await api('orders?status=processing&per_page=100')
    expect(one.body.length).toBeGreaterThan(0)
    expect(one.body.every((o: { status: string }) => o.status === 'processing')).toBe(true)
    const csv = await api('orders?status=processing,on-hold&per_page=100')
    const arr = await api('orders?status[]=processing&status[]=on-hold&per_page=100')
    expect(csv.body.map((o: { id: number }) => o.id)).toEqual(
      arr.body.map((o: { id: number }) => o.id),
    )
    expect(new Set(csv.body.map((o: { status: string }) => o.status))).toEqual(
      new Set(['processing', 'on-hold']),
    )
    const bad = await api('orders?status=shipped')
    expect(bad.status).toBe(400)
    expect(bad.body.code).toBe('rest_invalid_param')
    expect(Object.keys(bad.body.data.params)).toEqual(['status'])
    const put = await api('orders/1', { method: 'PUT', body: { status: 'shipped' } })
    expect(put.status).toBe(400)
    expect(put.body.code).toBe('rest_invalid_param')
  })

  it('modified_after is store local time unless dates_are_gmt=true', async () => {
    const order = sim.placeOrder({
      lines: [
        {
          sku: sim.getProduct([...sim.store.products.keys()][0]!)!.sku || undefined,
          product_id: [...sim.store.products.keys()][0],
        },
      ],
    })
    const gmt = order.date_modified_gmt!
    const local = order.date_modified!
    expect(Date.parse(`${local}Z`) - Date.parse(`${gmt}Z`)).toBe(120 * 60_000)
    const justBefore = (iso: string) =>
      new Date(Date.parse(`${iso}Z`) - 1000).toISOString().slice(0, 19)
    const ids = async (q: string) =>
      (await api(`orders?per_page=100&${q}`)).body.map((o: { id: number }) => o.id)
    // GMT timestamp read as GMT: the order is included.
    expect(await ids(`modified_after=${justBefore(gmt)}&dates_are_gmt=true`)).toContain(order.id)
    // The local wall-clock string read as GMT is 2 hours later than the change: excluded.
    expect(await ids(`modified_after=${justBefore(gmt)}`)).toContain(order.id)
    expect(await ids(`modified_after=${local}&dates_are_gmt=true`)).not.toContain(order.id)
    expect(await ids(`modified_after=${justBefore(local)}`)).toContain(order.id)
    expect(await ids(`modified_after=${local}`)).not.toContain(order.id)
  })

  it('orderby=modified asc, include, sku, type', async () => {
    const r = await api('orders?orderby=modified&order=asc&per_page=100')
    const mods = r.body.map((o: { date_modified_gmt: string }) => o.date_modified_gmt)
    expect([...mods].sort()).toEqual(mods)
    const inc = await api('products?include=11,12&per_page=100')
    expect(inc.body.map((p: { id: number }) => p.id).sort()).toEqual(
      [11, 12].filter((id) => sim.store.products.has(id)),
    )
    const withSku = [...sim.store.products.values()].find((p) => p.sku && p.status !== 'trash')!
    const bySku = await api(`products?sku=${withSku.sku}`)
    expect(
      bySku.body.map((p: { sku: string }) => p.sku).every((s: string) => s === withSku.sku),
    ).toBe(true)
    const variable = await api('products?type=variable&per_page=100')
    expect(variable.body.length).toBeGreaterThan(0)
    expect(
      variable.body.every(
        (p: { type: string; variations: number[] }) =>
          p.type === 'variable' && p.variations.length > 0,
      ),
    ).toBe(true)
  })
})

describe('products and variations', () => {
  it('stock_quantity is ignored unless manage_stock', async () => {
    const p = [...sim.store.products.values()].find((x) => x.type === 'simple' && !x.manage_stock)!
    const ignored = await api(`products/${p.id}`, { method: 'PUT', body: { stock_quantity: 5 } })
    expect(ignored.status).toBe(200)
    expect(ignored.body.manage_stock).toBe(false)
    expect(ignored.body.stock_quantity).toBeNull()
    const managed = await api(`products/${p.id}`, {
      method: 'PUT',
      body: { manage_stock: true, stock_quantity: 0 },
    })
    expect(managed.body.stock_quantity).toBe(0)
    expect(managed.body.stock_status).toBe('outofstock')
  })

  it('variations: inherited SKU in view context, batch with per-item errors', async () => {
    const inherited = [...sim.store.variations.values()].find((v) => v.sku === '')!
    const parent = sim.store.products.get(inherited.parent_id)!
    const view = await api(`products/${parent.id}/variations/${inherited.id}`)
    expect(view.body.sku).toBe(parent.sku)
    const edit = await api(`products/${parent.id}/variations/${inherited.id}?context=edit`)
    expect(edit.body.sku).toBe('')
    const other = parent.variations.find((id) => id !== inherited.id)!
    const batch = await api(`products/${parent.id}/variations/batch`, {
      method: 'POST',
      body: {
        update: [
          { id: other, manage_stock: true, stock_quantity: 9 },
          { id: 999999, stock_quantity: 1 },
        ],
      },
    })
    expect(batch.status).toBe(200)
    expect(batch.body.update[0].stock_quantity).toBe(9)
    expect(batch.body.update[1]).toEqual({
      id: 999999,
      error: {
        code: 'woocommerce_rest_product_variation_invalid_id',
        message: 'Invalid ID.',
        data: { status: 404 },
      },
    })
  })

  it('duplicate SKU is rejected', async () => {
    const [a, b] = [...sim.store.products.values()].filter((p) => p.sku)
    const r = await api(`products/${b!.id}`, { method: 'PUT', body: { sku: a!.sku } })
    expect(r.status).toBe(400)
    expect(r.body.code).toBe('product_invalid_sku')
  })
})

describe('orders, notes and refunds', () => {
  it('status change bumps date_modified and adds a note; customer notes are typed', async () => {
    const order = [...sim.store.orders.values()].find((o) => o.status === 'processing')!
    const before = sim.getOrder(order.id)!
    now += 60_000
    const r = await api(`orders/${order.id}`, { method: 'PUT', body: { status: 'completed' } })
    expect(r.body.status).toBe('completed')
    expect(r.body.date_modified_gmt > before.date_modified_gmt!).toBe(true)
    expect(r.body.date_completed).not.toBeNull()
    const note = await api(`orders/${order.id}/notes`, {
      method: 'POST',
      body: { note: 'Shipped with PostNord 123', customer_note: true },
    })
    expect(note.status).toBe(201)
    expect(note.body.customer_note).toBe(true)
    const customer = await api(`orders/${order.id}/notes?type=customer`)
    expect(customer.body.map((n: { id: number }) => n.id)).toEqual([note.body.id])
    const internal = await api(`orders/${order.id}/notes?type=internal`)
    expect(
      internal.body.some((n: { note: string }) => n.note.includes('Processing to Completed')),
    ).toBe(true)
    const missing = await api(`orders/${order.id}/notes`, { method: 'POST', body: {} })
    expect(missing.status).toBe(400)
    expect(missing.body.code).toBe('rest_missing_callback_param')
    const noForce = await api(`orders/${order.id}/notes/${note.body.id}`, { method: 'DELETE' })
    expect(noForce.status).toBe(501)
    const del = await api(`orders/${order.id}/notes/${note.body.id}?force=true`, {
      method: 'DELETE',
    })
    expect(del.status).toBe(200)
  })

  it('refunds: validation, remaining amount, restock, full refund flips to refunded', async () => {
    const product = [...sim.store.products.values()].find(
      (p) => p.type === 'simple' && p.status === 'publish' && p.regular_price,
    )!
    await api(`products/${product.id}`, {
      method: 'PUT',
      body: { manage_stock: true, stock_quantity: 10 },
    })
    const order = sim.placeOrder({ lines: [{ product_id: product.id, quantity: 2 }] })
    expect(sim.getProduct(product.id)!.stock_quantity).toBe(8)
    const line = order.line_items[0]!
    const badItem = await api(`orders/${order.id}/refunds`, {
      method: 'POST',
      body: { api_refund: false, line_items: [{ id: 987654, quantity: 1, refund_total: 1 }] },
    })
    expect(badItem.status).toBe(400)
    const tooMany = await api(`orders/${order.id}/refunds`, {
      method: 'POST',
      body: { api_refund: false, line_items: [{ id: line.id, quantity: 3, refund_total: 1 }] },
    })
    expect(tooMany.status).toBe(400)
    const tooMuch = await api(`orders/${order.id}/refunds`, {
      method: 'POST',
      body: { api_refund: false, amount: String(Number(order.total) + 1) },
    })
    expect(tooMuch.status).toBe(400)
    expect(tooMuch.body.message).toBe('Invalid refund amount.')
    const partial = await api(`orders/${order.id}/refunds`, {
      method: 'POST',
      body: {
        api_refund: false,
        reason: 'Retur',
        line_items: [{ id: line.id, quantity: 1, refund_total: line.price }],
      },
    })
    expect(partial.status).toBe(201)
    expect(partial.body.amount).toBe(line.price.toFixed(2))
    expect(partial.body.refunded_payment).toBe(false)
    expect(partial.body.line_items[0].quantity).toBe(-1)
    expect(sim.getProduct(product.id)!.stock_quantity).toBe(9)
    expect(sim.getOrder(order.id)!.status).toBe('processing')
    const rest = (Number(order.total) - line.price).toFixed(2)
    const full = await api(`orders/${order.id}/refunds`, {
      method: 'POST',
      body: { api_refund: false, api_restock: false, amount: rest },
    })
    expect(full.status).toBe(201)
    expect(sim.getProduct(product.id)!.stock_quantity).toBe(9)
    const after = await api(`orders/${order.id}`)
    expect(after.body.status).toBe('refunded')
    expect(after.body.refunds).toHaveLength(2)
    const list = await api(`orders/${order.id}/refunds`)
    expect(list.body).toHaveLength(2)
  })

  it('orders batch: per-item errors with HTTP 200', async () => {
    const order = [...sim.store.orders.values()].find((o) => o.status === 'on-hold')!
    const r = await api('orders/batch', {
      method: 'POST',
      body: {
        update: [
          { id: order.id, status: 'processing' },
          { id: 424242, status: 'completed' },
          { id: order.id, status: 'bogus' },
        ],
      },
    })
    expect(r.status).toBe(200)
    expect(r.body.update[0].status).toBe('processing')
    expect(r.body.update[1].error.code).toBe('woocommerce_rest_shop_order_invalid_id')
    expect(r.body.update[2].error.code).toBe('rest_invalid_param')
  })

  it('delete moves to trash unless force=true', async () => {
    const order = sim.placeOrder({ lines: [{ product_id: [...sim.store.products.keys()][0] }] })
    const trashed = await api(`orders/${order.id}`, { method: 'DELETE' })
    expect(trashed.body.status).toBe('trash')
    const any = await api('orders?per_page=100')
    expect(any.body.map((o: { id: number }) => o.id)).not.toContain(order.id)
    const forced = await api(`orders/${order.id}?force=true`, { method: 'DELETE' })
    expect(forced.status).toBe(200)
    expect((await api(`orders/${order.id}`)).status).toBe(404)
  })
})

describe('webhooks', () => {
  it('creation ping, signed deliveries with X-WC-Webhook-* headers', async () => {
    received.length = 0
    respondWith = 200
    const secret = 'sëcret&key'
    const created = await api('webhooks', {
      method: 'POST',
      body: { name: 'Dockhand orders', topic: 'order.updated', delivery_url: receiverUrl, secret },
    })
    expect(created.status).toBe(201)
    expect(created.body.status).toBe('active')
    expect(received).toHaveLength(1)
    expect(received[0]!.body).toBe(`webhook_id=${created.body.id}`)
    expect(received[0]!.headers['x-wc-webhook-signature']).toBeUndefined()

    const order = [...sim.store.orders.values()].find((o) => o.status === 'pending')!
    sim.updateOrder(order.id, { status: 'processing' })
    await sim.flushWebhooks()
    expect(received).toHaveLength(2)
    const d = received[1]!
    const expected = createHmac('sha256', secret).update(d.body).digest('base64')
    expect(d.headers['x-wc-webhook-signature']).toBe(expected)
    expect(d.headers['x-wc-webhook-topic']).toBe('order.updated')
    expect(d.headers['x-wc-webhook-resource']).toBe('order')
    expect(d.headers['x-wc-webhook-event']).toBe('updated')
    expect(d.headers['x-wc-webhook-id']).toBe(String(created.body.id))
    expect(d.headers['x-wc-webhook-source']).toBe(`${sim.origin}/`)
    expect(d.headers['x-wc-webhook-delivery-id']).toMatch(/^[0-9a-f]{32}$/)
    expect(JSON.parse(d.body)).toMatchObject({ id: order.id, status: 'processing' })
    await api(`webhooks/${created.body.id}?force=true`, { method: 'DELETE' })
  })

  it('creation fails unless the ping answers exactly 200; secret and topic are required', async () => {
    respondWith = 204
    const r = await api('webhooks', {
      method: 'POST',
      body: { topic: 'order.created', delivery_url: receiverUrl, secret: 's' },
    })
    expect(r.status).toBe(400)
    expect(r.body.message).toBe('Error: Delivery URL returned response code: 204')
    respondWith = 200
    const missing = await api('webhooks', { method: 'POST', body: { delivery_url: receiverUrl } })
    expect(missing.status).toBe(400)
    expect(missing.body.code).toBe('rest_missing_callback_param')
    const badTopic = await api('webhooks', {
      method: 'POST',
      body: { topic: 'order.shipped', delivery_url: receiverUrl, secret: 's' },
    })
    expect(badTopic.body.code).toBe('woocommerce_rest_shop_webhook_invalid_topic')
  })

  it('is disabled after 5 consecutive failed deliveries', async () => {
    respondWith = 200
    const created = await api('webhooks', {
      method: 'POST',
      body: { topic: 'product.updated', delivery_url: receiverUrl, secret: 'x' },
    })
    respondWith = 500
    const product = [...sim.store.products.values()][0]!
    for (let i = 0; i < 4; i++) sim.updateProduct(product.id, { name: `Renamed ${i}` })
    await sim.flushWebhooks()
    expect((await api(`webhooks/${created.body.id}`)).body.status).toBe('active')
    sim.updateProduct(product.id, { name: 'Renamed 5' })
    await sim.flushWebhooks()
    expect((await api(`webhooks/${created.body.id}`)).body.status).toBe('disabled')
    const count = received.length
    sim.updateProduct(product.id, { name: 'Renamed 6' })
    await sim.flushWebhooks()
    expect(received.length).toBe(count)
    respondWith = 200
  })
})

describe('Shipment Tracking extension', () => {
  it('is 404 rest_no_route when not installed', async () => {
    const r = await api('wc-shipment-tracking/v3/orders/1/shipment-trackings')
    expect(r.status).toBe(404)
    expect(r.body.code).toBe('rest_no_route')
  })

  it('creates, lists and deletes tracking items', async () => {
    const order = [...tracking.store.orders.values()][0]!
    const base = `wc-shipment-tracking/v3/orders/${order.id}/shipment-trackings`
    const created = await api(base, {
      s: tracking,
      method: 'POST',
      body: {
        tracking_provider: 'USPS',
        tracking_number: '9400100000000000000000',
        date_shipped: '2025-03-09',
      },
    })
    expect(created.status).toBe(201)
    expect(created.body.tracking_id).toMatch(/^[0-9a-f]{32}$/)
    expect(created.body.tracking_link).toContain('9400100000000000000000')
    expect(created.body.date_shipped).toBe('2025-03-09')
    const custom = await api(base, {
      s: tracking,
      method: 'POST',
      body: {
        custom_tracking_provider: 'Budbee',
        custom_tracking_link: 'https://budbee.com/t/%1$s',
        tracking_number: 'BB1',
      },
    })
    expect(custom.body.tracking_provider).toBe('Budbee')
    expect(custom.body.tracking_link).toBe('https://budbee.com/t/BB1')
    expect((await api(base, { s: tracking })).body).toHaveLength(2)
    const missing = await api(base, {
      s: tracking,
      method: 'POST',
      body: { tracking_provider: 'USPS' },
    })
    expect(missing.status).toBe(400)
    const del = await api(`${base}/${created.body.tracking_id}`, { s: tracking, method: 'DELETE' })
    expect(del.status).toBe(200)
    expect((await api(base, { s: tracking })).body).toHaveLength(1)
    const providers = await fetch(
      `${tracking.origin}/wp-json/wc-shipment-tracking/v3/shipment-trackings/providers`,
    )
    expect(providers.status).toBe(200)
    expect((await providers.json())['United States'].USPS).toContain('%1$s')
  })
})
