/**
 * Webhooks against a real hub: registration with the per-connection secret header, orders fetched
 * as soon as BigCommerce calls, forged and replayed deliveries, re-activation of hooks BigCommerce
 * deactivated; and "Test connection" naming a missing scope and an unreachable public URL.
 * Several connections to the same store live side by side.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SECRET_HEADER } from '../../../hub/src/connectors/bigcommerce/webhooks.ts'
import { eventually } from '../../helpers/hub.ts'
import { type BcHarness, startBc } from './helpers.ts'

let h: BcHarness
let hookUrl: string

beforeAll(async () => {
  h = await startBc({
    publicUrlIsSelf: true,
    serve: true,
    sim: { allowInsecureDestinations: true },
  })
  hookUrl = `${h.hub.url}/webhooks/bigcommerce/${h.connectionId}`
  const run = await h.syncNow()
  expect(run.status).toBe('succeeded')
})
afterAll(async () => {
  await h?.sim.flushWebhooks()
  await h?.stop()
})

async function hubOrder(externalId: number) {
  const res = await h.hub.request(
    'GET',
    `/api/v1/orders?external_id=${externalId}`,
    undefined,
    h.token,
  )
  return res.body.data[0]
}

describe('webhooks', () => {
  it('subscribes to order created/updated and product events with the secret header', () => {
    const hooks = [...h.sim.store.hooks.values()].filter((x) => x.destination === hookUrl)
    expect(hooks.map((x) => x.scope).sort()).toEqual([
      'store/order/created',
      'store/order/updated',
      'store/product/*',
    ])
    for (const hook of hooks) {
      expect(hook.is_active).toBe(true)
      expect(hook.headers?.[SECRET_HEADER]).toMatch(/.{16,}/)
    }
  })

  it('imports a new order as soon as BigCommerce calls, and sets its status', async () => {
    const order = h.sim.placeOrder({ lines: [{ sku: 'BC-001-1', quantity: 1 }] })
    await h.sim.flushWebhooks()
    const o = await eventually(() => hubOrder(order.id), 20_000, 'webhook import')
    expect(o.status).toBe('open')
    await eventually(async () => h.sim.store.orders.get(order.id)!.status_id === 9, 20_000)
    await h.sim.flushWebhooks()
  })

  it('refuses a forged delivery and drops a replayed one', async () => {
    const payload = h.sim.webhookPayload('store/order/created', { type: 'order', id: 101 })
    const body = JSON.stringify(payload)
    const forged = await h.hub.request(
      'POST',
      `/webhooks/bigcommerce/${h.connectionId}`,
      body,
      null,
      {
        [SECRET_HEADER]: 'not-the-secret',
      },
    )
    expect(forged.status).toBe(401)
    const secret = [...h.sim.store.hooks.values()][0]!.headers![SECRET_HEADER]!
    const first = await h.hub.request(
      'POST',
      `/webhooks/bigcommerce/${h.connectionId}`,
      body,
      null,
      {
        [SECRET_HEADER]: secret,
      },
    )
    expect(first.status).toBe(200)
    const again = await h.hub.request(
      'POST',
      `/webhooks/bigcommerce/${h.connectionId}`,
      body,
      null,
      {
        [SECRET_HEADER]: secret,
      },
    )
    expect(again.body).toMatchObject({ duplicate: true })
  })

  it('acts on product changes but not on inventory events (the hub’s own stock writes among them)', async () => {
    const secret = [...h.sim.store.hooks.values()][0]!.headers![SECRET_HEADER]!
    const send = (scope: string) =>
      h.hub.request(
        'POST',
        `/webhooks/bigcommerce/${h.connectionId}`,
        JSON.stringify(h.sim.webhookPayload(scope, { type: 'product', id: 101 })),
        null,
        { [SECRET_HEADER]: secret },
      )
    expect((await send('store/product/inventory/updated')).body).toMatchObject({ ignored: true })
    expect((await send('store/product/updated')).body).toEqual({ ok: true })
  })

  it('re-activates a hook BigCommerce deactivated, and recreates one that is gone', async () => {
    const hooks = [...h.sim.store.hooks.values()].filter((x) => x.destination === hookUrl)
    h.sim.deactivateHook(hooks[0]!.id)
    h.sim.store.hooks.delete(hooks[1]!.id)
    const run = await h.syncNow({ processes: ['orders'] })
    const issues = await h.issues(run.id)
    expect(issues.map((i) => i.code)).toContain('webhook_reactivated')
    const now = [...h.sim.store.hooks.values()].filter((x) => x.destination === hookUrl)
    expect(now).toHaveLength(3)
    expect(now.every((x) => x.is_active)).toBe(true)
  })
})

describe('test connection', () => {
  async function connect(scopes: string[], settings: Record<string, unknown> = {}) {
    const token = `tok_${scopes.length}_${Math.random().toString(36).slice(2, 12)}`
    h.sim.addApiAccount({ accessToken: token, clientId: `client_${token}`, scopes })
    const res = await h.hub.request(
      'POST',
      '/api/v1/connections',
      {
        platform: 'bigcommerce',
        name: 'Same store, other account',
        shop_ref: h.sim.storeHash,
        base_url: h.sim.describe().baseUrl,
        credentials: { access_token: token },
        settings,
      },
      h.token,
    )
    expect(res.status).toBe(201)
    await h.hub.request(
      'PATCH',
      `/api/v1/connections/${res.body.id}`,
      { status: 'paused' },
      h.token,
    )
    return (
      await h.hub.request('POST', `/api/v1/connections/${res.body.id}/test`, undefined, h.token)
    ).body
  }

  it('names the missing products scope', async () => {
    const result = await connect(['store_v2_orders', 'store_inventory'])
    expect(result.ok).toBe(false)
    expect(result.summary).toMatch(/lacks the Products \(store_v2_products\) scope/)
    expect(result.checks.find((c: { name: string }) => c.name === 'orders').ok).toBe(true)
  })

  it('names the missing inventory scope when stock sync is on', async () => {
    const result = await connect(['store_v2_orders', 'store_v2_products'], {
      processes: { stock: true },
    })
    expect(result.ok).toBe(false)
    expect(result.summary).toMatch(/lacks the Inventory \(store_inventory, modify\) scope/)
  })

  it('mentions a missing inventory scope without failing while stock sync is off', async () => {
    const result = await connect(['store_v2_orders', 'store_v2_products'])
    expect(result.ok).toBe(true)
    expect(result.summary).toMatch(/stock sync will need/)
  })

  it('says when the hub URL cannot receive webhooks (HTTPS on port 443 only)', async () => {
    const res = await h.hub.request(
      'POST',
      `/api/v1/connections/${h.connectionId}/test`,
      undefined,
      h.token,
    )
    expect(res.body.ok).toBe(true)
    expect(res.body.summary).toMatch(/only to HTTPS on port 443/)
    const config = h.hub.running.hub.config
    const saved = config.publicUrl
    config.publicUrl = 'https://hub.example.com'
    const ok = await h.hub.request(
      'POST',
      `/api/v1/connections/${h.connectionId}/test`,
      undefined,
      h.token,
    )
    config.publicUrl = saved
    expect(ok.body.summary).not.toMatch(/443/)
    expect(ok.body.checks.find((c: { name: string }) => c.name === 'webhooks').ok).toBe(true)
  })

  it('names a wrong token plainly', async () => {
    const res = await h.hub.request(
      'POST',
      '/api/v1/connections',
      {
        platform: 'bigcommerce',
        name: 'wrong token',
        shop_ref: `store-${h.sim.storeHash}.mybigcommerce.com`,
        base_url: h.sim.describe().baseUrl,
        credentials: { access_token: 'definitely-not-a-token' },
      },
      h.token,
    )
    expect(res.body.shop_ref).toBe(h.sim.storeHash)
    await h.hub.request(
      'PATCH',
      `/api/v1/connections/${res.body.id}`,
      { status: 'paused' },
      h.token,
    )
    const test = await h.hub.request(
      'POST',
      `/api/v1/connections/${res.body.id}/test`,
      undefined,
      h.token,
    )
    expect(test.body.ok).toBe(false)
    expect(test.body.summary).toMatch(/rejected the access token/)
  })

  it('refuses a shop_ref that is not a store hash or API path', async () => {
    const res = await h.hub.request(
      'POST',
      '/api/v1/connections',
      {
        platform: 'bigcommerce',
        name: 'x',
        shop_ref: 'https://example.com/shop',
        credentials: { access_token: 'abcdefghij' },
      },
      h.token,
    )
    expect(res.status).toBe(422)
    expect(res.body.detail).toMatch(/API path/)
  })
})
