/**
 * The app install flow through a real hub: HMAC-checked install, authorize redirect with state,
 * callback (bad HMAC and bad state refused), code exchange, landing form, connection created.
 * Also webhooks: signature check, orders/paid before orders/create (privacy topics: privacy.test.ts).
 */
import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ShopifyHarness, startShopify } from './helpers.ts'

let h: ShopifyHarness
beforeAll(async () => {
  h = await startShopify({ publicUrlIsSelf: true })
  h.hub.running.hub.config.shopify = {
    apiKey: h.sim.credentials.apiKey,
    apiSecret: h.sim.credentials.apiSecret,
  }
})
afterAll(async () => h?.stop())

const get = (url: string) => fetch(url, { redirect: 'manual' })

describe('shopify app install', () => {
  it('refuses a bad HMAC and a bad state, and creates the connection from the landing form', async () => {
    const q = h.sim.oauth.installQuery()
    const bad = await get(
      `${h.hub.url}/shopify/install?${new URLSearchParams({ ...q, hmac: '00' + q.hmac!.slice(2) })}`,
    )
    expect(bad.status).toBe(401)
    const install = await get(`${h.hub.url}/shopify/install?${new URLSearchParams(q)}`)
    expect(install.status).toBe(302)
    const authorize = new URL(install.headers.get('location')!)
    expect(authorize.host).toBe(h.sim.credentials.shop)
    expect(authorize.searchParams.get('state')).toBeTruthy()
    const consent = await get(authorize.toString())
    expect(consent.status).toBe(302)
    const callback = new URL(consent.headers.get('location')!)
    const params = Object.fromEntries(callback.searchParams)
    // Signed correctly but with another state: refused.
    const forged: Record<string, string> = { ...params, state: 'not-ours' }
    forged.hmac = h.sim.oauth.signQuery(forged)
    expect((await get(`${h.hub.url}/shopify/callback?${new URLSearchParams(forged)}`)).status).toBe(
      401,
    )
    const tampered = { ...params, shop: 'evil.myshopify.com' }
    expect(
      (await get(`${h.hub.url}/shopify/callback?${new URLSearchParams(tampered)}`)).status,
    ).toBe(401)
    const landing = await get(`${h.hub.url}/shopify/callback?${callback.searchParams}`)
    expect(landing.status).toBe(200)
    const html = await landing.text()
    expect(html).toContain(h.locationId)
    expect(html).not.toContain('Dropship Partner')
    const installId = /name="install" value="([^"]+)"/.exec(html)![1]!
    // The pending install is in the database (any instance can finish it): keyed by a hash, the
    // exchanged token sealed, never the install id or the token in the clear.
    const pending = await h.hub.running.hub.db.selectFrom('pending_installs').selectAll().execute()
    expect(pending.map((p) => p.kind)).toEqual(['install'])
    expect(JSON.stringify(pending)).not.toContain(installId)
    expect(pending[0]!.sealed_token).not.toContain('shpat_')
    expect(pending[0]!.sealed_token).toBeTruthy()
    // The state is single-use.
    expect((await get(`${h.hub.url}/shopify/callback?${callback.searchParams}`)).status).toBe(401)
    const form = new URLSearchParams({
      install: installId,
      hub_token: h.token,
      name: 'Installed shop',
      location_id: h.otherLocationId,
    })
    form.append('financial_statuses', 'paid')
    const created = await fetch(`${h.hub.url}/shopify/connections`, { method: 'POST', body: form })
    expect(created.status).toBe(201)
    const list = await h.hub.request('GET', '/api/v1/connections', undefined, h.token)
    const c = list.body.data.find((x: any) => x.name === 'Installed shop')
    expect(c).toMatchObject({
      platform: 'shopify',
      shop_ref: h.sim.credentials.shop,
      settings: { location_id: h.otherLocationId, financial_statuses: ['paid'] },
    })
    const again = await fetch(`${h.hub.url}/shopify/connections`, { method: 'POST', body: form })
    expect(again.status).toBe(401)
  })
})

describe('shopify webhooks', () => {
  const post = (topic: string, body: unknown, secret = h.sim.credentials.apiSecret) => {
    const raw = JSON.stringify(body)
    return fetch(`${h.hub.url}/webhooks/shopify/${h.connectionId}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': topic,
        'x-shopify-hmac-sha256': require('node:crypto')
          .createHmac('sha256', secret)
          .update(raw)
          .digest('base64'),
        'x-shopify-shop-domain': h.sim.credentials.shop,
        'x-shopify-webhook-id': `${topic}-${Math.random()}`,
      },
      body: raw,
    })
  }

  it('imports an order once when orders/paid arrives before orders/create, and refuses bad signatures', async () => {
    const v = [...h.sim.store.variants.values()].find((x) => x.sku)!
    const loc = Number(h.locationId.split('/').pop())
    const o = h.sim.store.orders.get(
      h.sim.placeOrder({
        lines: [{ variantId: v.id, quantity: 1, locationId: loc }],
        shippingLine: { title: 'PostNord', price: '1.00' },
      }).id,
    )!
    const body = { id: o.id, admin_graphql_api_id: `gid://shopify/Order/${o.id}` }
    expect((await post('orders/paid', body, 'wrong-secret')).status).toBe(401)
    expect((await post('orders/paid', body)).status).toBe(200)
    expect((await post('orders/create', body)).status).toBe(200)
    const orders = (await h.orders()).filter(
      (x: any) => x.external_id === body.admin_graphql_api_id,
    )
    expect(orders.length).toBe(1)
    expect((await post('customers/redact', { shop_id: 1 })).status).toBe(200)
  })

  it('recreates subscriptions Shopify removed', async () => {
    await h.syncNow({ processes: ['orders'] })
    // Only this connection's subscriptions: the install test above adds a second connection (its
    // own URI) to the same shop, and deleting one of those proved nothing (the note never came).
    const uri = `${h.hub.url}/webhooks/shopify/${h.connectionId}`
    const ours = () => [...h.sim.store.webhookSubscriptions.values()].filter((s) => s.uri === uri)
    const subs = () => ours().map((s) => s.topic)
    expect(subs()).toContain('ORDERS_CREATE')
    const first = ours()[0]!
    h.sim.store.webhookSubscriptions.delete(first.id)
    expect(subs()).not.toContain(first.topic)
    const run = await h.syncNow({ processes: ['orders'] })
    expect(subs()).toContain(first.topic)
    // The run notes it, under process 'webhooks' (not 'orders'), as a warning.
    expect(run.issues).toMatchObject({ warnings: 1 })
    expect(await h.issues(run.id)).toEqual([
      expect.objectContaining({
        process: 'webhooks',
        level: 'warning',
        code: 'webhook_recreated',
        message: expect.stringContaining(first.topic),
      }),
    ])
    // All of them removed (e.g. the hub was unreachable for a while): recreated and reported too,
    // not mistaken for a first registration.
    const all = ours()
    for (const s of all) h.sim.store.webhookSubscriptions.delete(s.id)
    expect(ours()).toEqual([])
    const again = await h.syncNow({ processes: ['orders'] })
    expect(subs().sort()).toEqual(all.map((s) => s.topic).sort())
    const notes = await h.issues(again.id)
    expect(notes.length).toBe(all.length)
    expect(notes.every((i: { code: string }) => i.code === 'webhook_recreated')).toBe(true)
  })
})
