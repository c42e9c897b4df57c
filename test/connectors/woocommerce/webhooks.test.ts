/**
 * Webhooks through a real hub: registration with the creation ping, signature check, an order in
 * without waiting for the interval, duplicate deliveries, `order.updated` on creation, WooCommerce
 * disabling a webhook after failed deliveries, and a staging copy sending with the same secret.
 *
 * The simulator's deliveries are recorded first (`webhooks.enabled = false`) so a test controls
 * when the hub sees them (e.g. a forged copy before the real one), then sent by the simulator's own
 * sender, which reaches the hub in this process although MSW intercepts fetch here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { webhookSignature } from '../../../fixtures/src/woocommerce/index.ts'
import { type Env, listenMsw, mswServer, pickProducts, SHIPPING, startEnv } from './helpers.ts'

beforeAll(() => listenMsw())
afterAll(() => mswServer.close())

async function forward(env: Env, from = 0) {
  await env.sim.flushWebhooks()
  const recorded = env.sim.webhooks.deliveries
    .slice(from)
    .filter((d) => d.headers['x-wc-webhook-signature'])
  env.sim.webhooks.enabled = true
  try {
    const out: Array<{ status: number | null; error: string | null }> = []
    for (const d of recorded) {
      const sent = await env.sim.webhooks.send(d.url, d.headers, d.body)
      out.push({ status: sent.status, error: sent.error })
    }
    return out
  } finally {
    env.sim.webhooks.enabled = false
  }
}

describe('WooCommerce webhooks', () => {
  let env: Env
  beforeAll(async () => {
    env = await startEnv({ transport: 'https', waitFirstRun: false })
    env.sim.webhooks.enabled = false
    // The first scheduled run registers the webhooks (the hub's public URL is its loopback URL).
    await env.sync(['orders'])
  }, 60_000)
  afterAll(async () => env?.stop())

  it('registers order and product webhooks pointing at the hub with its secret', () => {
    const hooks = [...env.sim.store.webhooks.values()]
    expect(hooks.map((h) => h.topic).sort()).toEqual([
      'order.created',
      'order.updated',
      'product.created',
      'product.updated',
    ])
    expect(hooks.every((h) => h.status === 'active')).toBe(true)
    expect(hooks[0]!.delivery_url).toBe(`${env.hub.url}/webhooks/woocommerce/${env.connectionId}`)
  })

  it('answers the creation ping with 200', async () => {
    const res = await fetch(`${env.hub.url}/webhooks/woocommerce/${env.connectionId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'webhook_id=1',
    })
    expect(res.status).toBe(200)
  })

  it('rejects a bad signature and imports the order from a good one at once', async () => {
    const picks = pickProducts(env.sim)
    const from = env.sim.webhooks.deliveries.length
    const placed = env.sim.placeOrder({
      lines: [{ product_id: picks.simple.id, quantity: 1 }],
      shipping: SHIPPING,
    })
    await env.sim.flushWebhooks()
    const delivery = env.sim.webhooks.deliveries
      .slice(from)
      .find((d) => d.headers['x-wc-webhook-topic'] === 'order.created')!
    const forged = await fetch(delivery.url, {
      method: 'POST',
      headers: {
        ...delivery.headers,
        'content-type': 'application/json',
        'x-wc-webhook-signature': webhookSignature(delivery.body, 'not-the-secret'),
      },
      body: delivery.body,
    })
    expect(forged.status).toBe(401)
    let list = await env.api('GET', `/api/v1/orders?external_id=${placed.id}`)
    expect(list.body.data).toHaveLength(0)
    const results = await forward(env, from)
    expect(results[0]).toEqual({ status: 200, error: null })
    list = await env.api('GET', `/api/v1/orders?external_id=${placed.id}`)
    expect(list.body.data).toHaveLength(1)
    // The same delivery again is dropped by its delivery id.
    const again = await fetch(delivery.url, {
      method: 'POST',
      headers: { ...delivery.headers, 'content-type': 'application/json' },
      body: delivery.body,
    })
    expect(await again.json()).toMatchObject({ duplicate: true })
  })

  it('treats order.updated on creation and repeated events as the same single order', async () => {
    const picks = pickProducts(env.sim)
    const from = env.sim.webhooks.deliveries.length
    const placed = env.sim.placeOrder({
      lines: [{ product_id: picks.simple.id, quantity: 1 }],
      shipping: SHIPPING,
      status: 'pending',
    })
    env.sim.updateOrder(placed.id, { status: 'processing' })
    env.sim.updateOrder(placed.id, { customer_note: 'Blue door' })
    const results = await forward(env, from)
    expect(results.length).toBeGreaterThanOrEqual(3)
    expect(results.every((r) => r.status === 200)).toBe(true)
    const list = await env.api('GET', `/api/v1/orders?external_id=${placed.id}`)
    expect(list.body.data).toHaveLength(1)
    expect(list.body.data[0].remark).toBe('Blue door')
  })

  it('re-enables a webhook WooCommerce disabled after failed deliveries', async () => {
    const hook = [...env.sim.store.webhooks.values()].find((h) => h.topic === 'order.updated')!
    hook.status = 'disabled'
    hook.failure_count = 5
    const run = await env.sync(['orders'])
    expect(hook.status).toBe('active')
    const issues = await env.api('GET', `/api/v1/runs/${run.id}/issues`)
    expect(issues.body.data.map((i: { code: string }) => i.code)).toContain('webhook_reactivated')
    expect([...env.sim.store.webhooks.values()]).toHaveLength(4)
  })

  it('holds a staging copy: same secret, other URL — nothing imported, connection not re-pointed', async () => {
    const picks = pickProducts(env.sim)
    const from = env.sim.webhooks.deliveries.length
    const placed = env.sim.placeOrder({
      lines: [{ product_id: picks.simple.id, quantity: 1 }],
      shipping: SHIPPING,
    })
    await env.sim.flushWebhooks()
    const d = env.sim.webhooks.deliveries
      .slice(from)
      .find((x) => x.headers['x-wc-webhook-topic'] === 'order.created')!
    const res = await fetch(d.url, {
      method: 'POST',
      headers: {
        ...d.headers,
        'content-type': 'application/json',
        'x-wc-webhook-source': 'https://staging.shop.example.com/',
      },
      body: d.body,
    })
    expect(res.status).toBe(202)
    expect(await res.json()).toMatchObject({ held: true, code: 'staging_copy_suspected' })
    const list = await env.api('GET', `/api/v1/orders?external_id=${placed.id}`)
    expect(list.body.data).toHaveLength(0)
    const conn = await env.api('GET', `/api/v1/connections/${env.connectionId}`)
    expect(conn.body.base_url).toBe(env.sim.origin)
    expect(conn.body.status).toBe('active')
    expect(conn.body.status_reason).toMatch(/staging\.shop\.example\.com.*copy/)
  })

  it('holds a new connection that uses the same keys for another URL', async () => {
    const res = await env.api('POST', '/api/v1/connections', {
      platform: 'woocommerce',
      name: 'Staging',
      base_url: 'https://staging.shop.example.com',
      credentials: {
        consumer_key: env.sim.credentials.consumerKey,
        consumer_secret: env.sim.credentials.consumerSecret,
      },
    })
    expect(res.status).toBe(201)
    expect(res.body.status).toBe('needs_attention')
    expect(res.body.status_reason).toMatch(/staging_copy_suspected/)
    const original = await env.api('GET', `/api/v1/connections/${env.connectionId}`)
    expect(original.body.base_url).toBe(env.sim.origin)
  })
})
