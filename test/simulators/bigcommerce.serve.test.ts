/**
 * The BigCommerce simulator over a real loopback HTTP server: same paths, auth and headers;
 * `setOrigin()` makes resource links point at the server; hooks can deliver to a loopback
 * receiver only with `allowInsecureDestinations`.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createBigCommerceSimulator } from '../../fixtures/src/bigcommerce/index.ts'
import { type ServedSimulator, serveSimulator } from '../../fixtures/src/common/serve.ts'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

async function serve(sim: ReturnType<typeof createBigCommerceSimulator>): Promise<ServedSimulator> {
  const served = await serveSimulator(sim)
  cleanups.push(() => served.close())
  sim.setOrigin(served.url)
  return served
}

describe('BigCommerce simulator on a loopback port', () => {
  it('answers v2 and v3 over real HTTP with auth and rate-limit headers', async () => {
    const bc = createBigCommerceSimulator({ seed: 3 })
    const served = await serve(bc)
    const d = bc.describe()
    expect(d.baseUrl).toBe(served.url)
    expect(d.apiPath).toBe(`${served.url}/stores/${bc.storeHash}/v3/`)
    const headers = { 'X-Auth-Token': d.accessToken, Accept: 'application/json' }
    const store = await fetch(`${d.baseUrl}/stores/${d.storeHash}/v2/store`, { headers })
    expect(store.status).toBe(200)
    expect((await store.json()).id).toBe(d.storeHash)
    expect(store.headers.get('x-rate-limit-requests-left')).toBe('149')
    const order = await (
      await fetch(`${d.baseUrl}/stores/${d.storeHash}/v2/orders/105`, { headers })
    ).json()
    expect(order.products.url).toBe(`${served.url}/stores/${d.storeHash}/v2/orders/105/products`)
    const products = await fetch(`${d.apiPath}catalog/products?limit=2`, { headers })
    expect((await products.json()).meta.pagination.per_page).toBe(2)
    const denied = await fetch(`${d.apiPath}catalog/products`)
    expect(denied.status).toBe(401)
    const empty = await fetch(`${d.baseUrl}/stores/${d.storeHash}/v2/orders?page=50`, { headers })
    expect(empty.status).toBe(204)
    expect(bc.log.count()).toBe(5)
  })

  it('delivers webhooks to a loopback receiver when insecure destinations are allowed', async () => {
    const received: { headers: Record<string, unknown>; body: string }[] = []
    const receiver = createServer((req, res) => {
      let body = ''
      req.on('data', (c) => {
        body += c
      })
      req.on('end', () => {
        received.push({ headers: req.headers, body })
        res.writeHead(200).end()
      })
    })
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
    cleanups.push(() => new Promise((r) => receiver.close(() => r())))
    const port = (receiver.address() as AddressInfo).port
    const bc = createBigCommerceSimulator({ seed: 3, allowInsecureDestinations: true })
    const d = bc.describe()
    await serve(bc)
    const hook = await fetch(`${bc.describe().apiPath}hooks`, {
      method: 'POST',
      headers: { 'X-Auth-Token': d.accessToken, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        scope: 'store/shipment/created',
        destination: `http://127.0.0.1:${port}/webhooks/bc`,
        headers: { 'X-Hub-Token': 'loop' },
      }),
    })
    expect(hook.status).toBe(200)
    const order = bc.placeOrder({ lines: [{ sku: 'BC-001-1', quantity: 1 }] })
    const line = bc.store.linesOf(order.id)[0]!
    const res = await fetch(
      `${bc.describe().baseUrl}/stores/${d.storeHash}/v2/orders/${order.id}/shipments`,
      {
        method: 'POST',
        headers: { 'X-Auth-Token': d.accessToken, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          order_address_id: line.order_address_id,
          items: [{ order_product_id: line.id, quantity: 1 }],
        }),
      },
    )
    expect(res.status).toBe(201)
    await bc.flushWebhooks()
    expect(received).toHaveLength(1)
    expect(received[0]!.headers['x-hub-token']).toBe('loop')
    expect(JSON.parse(received[0]!.body)).toMatchObject({
      scope: 'store/shipment/created',
      data: { type: 'shipment', orderId: order.id },
    })
  })

  it('deactivates a hook after repeated failed deliveries (hookFailureLimit)', async () => {
    const receiver = createServer((_req, res) => res.writeHead(500).end())
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
    cleanups.push(() => new Promise((r) => receiver.close(() => r())))
    const port = (receiver.address() as AddressInfo).port
    const bc = createBigCommerceSimulator({
      seed: 3,
      allowInsecureDestinations: true,
      hookFailureLimit: 2,
    })
    const res = await bc.handle(
      new Request(`${bc.describe().apiPath}hooks`, {
        method: 'POST',
        headers: { 'X-Auth-Token': bc.credentials.accessToken, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          scope: 'store/order/statusUpdated',
          destination: `http://127.0.0.1:${port}/wh`,
        }),
      }),
    )
    const hook = (await res.json()).data
    bc.setOrderStatus(111, 9)
    await bc.flushWebhooks()
    expect(bc.store.hooks.get(hook.id)!.is_active).toBe(true)
    bc.setOrderStatus(111, 11)
    await bc.flushWebhooks()
    expect(bc.store.hooks.get(hook.id)!.is_active).toBe(false)
    expect(bc.webhooks.deliveries.every((d) => d.status === 500)).toBe(true)
  })
})
