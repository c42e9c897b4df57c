/**
 * What goes wrong in the field, each as a test through a real hub and the Shopify simulator:
 * search dates need an explicit UTC offset, and the legacy REST fulfilment endpoints are gone.
 * (Throttling, user errors with HTTP 200, orders/paid before orders/create and inventory activation
 * are covered in e2e/scale/webhook tests.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SHOPIFY_API_VERSION } from '../../../hub/src/connectors/shopify/version.ts'
import { merchantLocations, type ShopifyHarness, startShopify } from './helpers.ts'

const address = {
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

/** One GraphQL call straight to the simulator, as a client that formats dates its own way would. */
async function orderNames(h: ShopifyHarness, search: string): Promise<string[]> {
  const res = await h.sim.handle(
    new Request(`https://${h.sim.credentials.shop}/admin/api/${SHOPIFY_API_VERSION}/graphql.json`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-access-token': h.sim.credentials.accessToken,
      },
      body: JSON.stringify({
        query: 'query($q: String) { orders(first: 50, query: $q) { nodes { name } } }',
        variables: { q: search },
      }),
    }),
  )
  const body = (await res.json()) as { data: { orders: { nodes: Array<{ name: string }> } } }
  return body.data.orders.nodes.map((n) => n.name)
}

describe('shopify in the field', () => {
  let h: ShopifyHarness
  let loc1: number
  beforeAll(async () => {
    h = await startShopify({ publicUrlIsSelf: true })
    ;[loc1] = merchantLocations(h.sim) as [number]
    await h.syncNow({ processes: ['articles'], full: true })
  })
  afterAll(async () => h?.stop())

  it('always sends search dates with an explicit UTC offset; a naive one would have missed the order', async () => {
    const variant = [...h.sim.store.variants.values()].find((v) => v.sku)!
    const windowStart = h.clock.now
    h.clock.now += 30 * 60_000
    const placed = h.sim.placeOrder({
      lines: [{ variantId: variant.id, quantity: 1, locationId: loc1 }],
      financialStatus: 'PAID',
      shippingAddress: address,
      email: 'alva@example.se',
      shippingLine: { title: 'PostNord', price: '49.00' },
    })
    h.clock.now += 30 * 60_000
    h.sim.log.clear()
    const run = await h.syncNow({ processes: ['orders'] })
    expect(run.status).not.toBe('failed')
    expect((await h.orders()).map((o: any) => o.external_id)).toContain(
      `gid://shopify/Order/${placed.id}`,
    )
    // Every date the connector put in a search string carries "Z".
    const searches = h.sim.log
      .filter((e) => e.path.endsWith('/graphql.json'))
      .map((e) => (e.body as { variables?: { query?: string } })?.variables?.query)
      .filter((q): q is string => typeof q === 'string' && q.includes('updated_at'))
    expect(searches.length).toBeGreaterThan(0)
    for (const q of searches) {
      const dates = [...q.matchAll(/updated_at:[<>]=?'([^']+)'/g)].map((m) => m[1]!)
      expect(dates.length, q).toBe(2)
      for (const d of dates) expect(d, q).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    }
    // The same one-hour window written without the offset is read in the shop's time zone
    // (Europe/Stockholm, UTC+1 in November): it ends an hour early and misses the order.
    const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
    const from = iso(windowStart)
    const until = iso(h.clock.now)
    expect(h.sim.store.shop.ianaTimezone).toBe('Europe/Stockholm')
    const explicit = await orderNames(h, `updated_at:>'${from}' AND updated_at:<='${until}'`)
    const naive = await orderNames(
      h,
      `updated_at:>'${from.replace('Z', '')}' AND updated_at:<='${until.replace('Z', '')}'`,
    )
    expect(explicit).toContain(placed.name)
    expect(naive).not.toContain(placed.name)
  })

  it('fulfils only through fulfilment orders: no REST fulfilment call, and REST fulfilment is 404', async () => {
    const [order] = await h.orders()
    h.sim.log.clear()
    const ship = await h.hub.request(
      'POST',
      `/api/v1/orders/${order.id}/ship`,
      { tracking_number: 'PN-FIELD-1', carrier: 'PostNord' },
      h.token,
    )
    expect(ship.status, JSON.stringify(ship.body)).toBe(201)
    const run = await h.syncNow({ processes: ['fulfilments'] })
    expect(run.status).not.toBe('failed')
    const shopOrder = h.sim.store.orders.get(Number(order.external_id.split('/').pop()))!
    expect(h.sim.store.fulfillmentStatus(shopOrder)).toBe('FULFILLED')
    // Every call the connector made is the GraphQL endpoint; the one write is fulfillmentCreate.
    expect(h.sim.log.entries.length).toBeGreaterThan(0)
    for (const e of h.sim.log.entries)
      expect(e.path).toMatch(/\/admin\/api\/[\w-]+\/graphql\.json$/)
    expect(h.sim.log.filter((e) => /fulfillments?\.json/.test(e.path))).toEqual([])
    expect(h.sim.log.writes().map((w) => w.operation)).toEqual([['mutation:fulfillmentCreate']])
    // The legacy endpoint itself answers 404.
    const legacy = await h.sim.handle(
      new Request(
        `https://${h.sim.credentials.shop}/admin/api/${SHOPIFY_API_VERSION}/orders/${shopOrder.id}/fulfillments.json`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-shopify-access-token': h.sim.credentials.accessToken,
          },
          body: JSON.stringify({ fulfillment: { location_id: loc1, tracking_number: 'X' } }),
        },
      ),
    )
    expect(legacy.status).toBe(404)
  })
})
