/**
 * What goes wrong in the field, one test each: 204 empty pages, RFC 2822 dates and money strings,
 * v2 array vs v3 object error bodies, 429 without a reset header (no retry storm), pacing before
 * the quota runs out, and product-level inventory tracking refusing or ignoring variant writes.
 */
import { setupServer } from 'msw/node'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type BigCommerceSimulatorOptions,
  createBigCommerceSimulator,
} from '../../../fixtures/src/bigcommerce/index.ts'
import { BcClient, BcError } from '../../../hub/src/connectors/bigcommerce/client.ts'
import { createBigCommerceConnector } from '../../../hub/src/connectors/bigcommerce/index.ts'
import { parseBcDate, parseMoney } from '../../../hub/src/connectors/bigcommerce/map-order.ts'
import type { ConnectorContext } from '../../../hub/src/sync/connector.ts'

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())

let n = 0
function setup(options: BigCommerceSimulatorOptions = {}) {
  const storeHash = `field${++n}x`
  const sim = createBigCommerceSimulator({ seed: 3, storeHash, ...options })
  server.resetHandlers(...sim.mswHandlers())
  const ctx: ConnectorContext = {
    connection: {
      id: `con_${n}`,
      name: 'field',
      platform: 'bigcommerce',
      goodsOwnerId: 'own_1',
      baseUrl: 'https://api.bigcommerce.com',
      shopRef: storeHash,
    },
    settings: {},
    credentials: { access_token: sim.credentials.accessToken },
    webhookSecret: 'secret',
    webhookUrl: null,
    log: pino({ level: 'silent' }),
    signal: new AbortController().signal,
    now: () => new Date(),
  }
  const sleeps: number[] = []
  const sleep = async (ms: number) => {
    sleeps.push(ms)
  }
  return { sim, ctx, sleeps, client: new BcClient(ctx, { sleep, random: () => 0.5 }) }
}

describe('v2 quirks', () => {
  it('treats 204 No Content as an empty page', async () => {
    const { sim, client } = setup()
    const rows = await client.listV2('/orders', { status_id: 11, min_id: 999_999 })
    expect(rows).toEqual([])
    expect(sim.log.entries.at(-1)!.status).toBe(204)
  })

  it.each([
    ['Tue, 20 Nov 2012 00:00:00 +0000', '2012-11-20T00:00:00.000Z'],
    ['Mon, 01 Dec 2025 23:30:15 +0100', '2025-12-01T22:30:15.000Z'],
    ['1 Jan 2026 08:00 GMT', '2026-01-01T08:00:00.000Z'],
    ['2026-03-02T10:00:00+00:00', '2026-03-02T10:00:00.000Z'],
    ['', null],
    ['not a date', null],
  ])('reads the date %j', (raw, iso) => {
    expect(parseBcDate(raw)).toBe(iso)
  })

  it.each([
    ['225.0000', '225.00'],
    ['1.2345', '1.2345'],
    ['0.5000', '0.50'],
    [12.5, '12.50'],
    ['-3.1000', '-3.10'],
    ['', null],
    ['abc', null],
  ] as const)('reads the money string %j', (raw, expected) => {
    expect(parseMoney(raw)).toBe(expected)
  })
})

describe('error bodies', () => {
  it('turns a v2 error array into a plain reason', async () => {
    const { client } = setup()
    const err = await client.get('v2', '/orders/424242').catch((e) => e)
    expect(err).toBeInstanceOf(BcError)
    expect(err.status).toBe(404)
    expect(err.transient).toBe(false)
    expect(err.reason).toMatch(/no such record.*The requested resource was not found/)
  })

  it('turns a v3 error object into a plain reason with its field errors', async () => {
    const { client } = setup()
    const err = await client
      .write('PUT', 'v3', '/inventory/adjustments/absolute', {
        items: [{ location_id: 99, variant_id: 201, quantity: 1 }],
      })
      .catch((e) => e)
    expect(err.status).toBe(422)
    expect(err.reason).toMatch(/refused the request \(422\)/)
    expect(Object.values(err.fieldErrors).join(' ')).toMatch(/Location with id 99 does not exist/)
  })

  it('names a missing scope', async () => {
    const { sim, ctx } = setup({ scopes: ['store_v2_orders', 'store_v2_products'] })
    const client = new BcClient(ctx)
    const err = await client.get('v3', '/inventory/locations').catch((e) => e)
    expect(err.status).toBe(403)
    expect(err.reason).toMatch(/lacks a scope/)
    expect(sim.log.entries.at(-1)!.status).toBe(403)
  })
})

describe('rate limits', () => {
  it('backs off exponentially on a 429 without a reset header, and gives up without a storm', async () => {
    const { sim, client, sleeps } = setup()
    sim.faults.add({
      method: 'GET',
      path: '/v2/order_statuses',
      times: 3,
      fault: { kind: 'rate-limit', withoutHeaders: true },
    })
    await client.get('v2', '/order_statuses')
    expect(sim.log.count((e) => e.path.endsWith('/order_statuses'))).toBe(4)
    expect(sleeps).toEqual([1500, 3000, 6000])

    sim.faults.clear()
    sim.faults.add({
      method: 'GET',
      path: '/v2/order_statuses',
      fault: { kind: 'rate-limit', withoutHeaders: true },
    })
    sleeps.length = 0
    const err = await client.get('v2', '/order_statuses').catch((e) => e)
    expect(err).toBeInstanceOf(BcError)
    expect(err.transient).toBe(true)
    expect(err.reason).toMatch(/without a reset time/)
    expect(sleeps).toHaveLength(4)
    expect(sim.log.count((e) => e.path.endsWith('/order_statuses'))).toBe(4 + 5)
  })

  it('waits exactly the reset time a 429 gives, for reads and writes', async () => {
    const { sim, client, sleeps } = setup()
    sim.faults.add({
      method: 'PUT',
      path: '/v2/orders/',
      nth: 1,
      fault: { kind: 'rate-limit', retryAfterSeconds: 7 },
    })
    const id = [...sim.store.orders.values()].find((o) => o.status_id === 11)!.id
    await client.write('PUT', 'v2', `/orders/${id}`, { status_id: 9 })
    expect(sleeps).toEqual([7000])
    expect(sim.store.orders.get(id)!.status_id).toBe(9)
    expect(sim.log.writes().filter((e) => e.method === 'PUT')).toHaveLength(1)
  })

  it('paces requests before the quota runs out, so a long sync never sees a 429', async () => {
    let now = Date.parse('2026-11-24T10:00:00Z')
    const clock = () => new Date(now)
    const storeHash = 'pacing01x'
    const sim = createBigCommerceSimulator({ seed: 3, storeHash, quota: 5, clock })
    server.resetHandlers(...sim.mswHandlers())
    const sleeps: number[] = []
    const client = new BcClient(
      {
        connection: {
          id: 'con_p',
          name: 'p',
          platform: 'bigcommerce',
          goodsOwnerId: 'o',
          baseUrl: 'https://api.bigcommerce.com',
          shopRef: storeHash,
        },
        credentials: { access_token: sim.credentials.accessToken },
        signal: new AbortController().signal,
      },
      {
        now: () => now,
        sleep: async (ms) => {
          sleeps.push(ms)
          now += ms
        },
      },
    )
    for (let i = 0; i < 20; i++) await client.get('v2', '/order_statuses')
    expect(sim.log.count((e) => e.status === 429)).toBe(0)
    expect(sim.log.count()).toBe(20)
    expect(sleeps.length).toBeGreaterThanOrEqual(5)
  })
})

describe('inventory tracked at product level', () => {
  function productTrackedWithOptions(sim: ReturnType<typeof createBigCommerceSimulator>) {
    return [...sim.store.products.values()].find(
      (p) => p.inventory_tracking === 'product' && p.variant_ids.length > 1 && p.sku,
    )!
  }

  it('leaves out variant writes BigCommerce refuses (422) and writes the rest of the batch', async () => {
    const { sim, ctx } = setup({ productTrackedVariantWrites: 'reject' })
    const connector = createBigCommerceConnector()
    const bad = productTrackedWithOptions(sim)
    const badVariant = sim.store.variants.get(bad.variant_ids[1]!)!
    const good = [...sim.store.products.values()].find(
      (p) => p.inventory_tracking === 'variant' && p.type === 'physical',
    )!
    const goodVariant = sim.store.variants.get(good.variant_ids[0]!)!
    const target = (v: typeof goodVariant, q: number) => ({
      linkId: `lnk_${v.id}`,
      articleNumber: v.sku || `v${v.id}`,
      productId: String(v.product_id),
      variantId: String(v.id),
      inventoryItemId: `variant:${v.id}`,
      quantity: q,
    })
    const outcome = await connector.deliver(ctx, {
      id: 'obx_1',
      kind: 'stock.set',
      idempotencyKey: 'k1',
      attempt: 1,
      payload: { items: [target(badVariant, 5), target(goodVariant, 42)] },
    })
    expect(outcome.status).toBe('done')
    expect(
      (outcome as { result: { skipped: Array<{ reason: string }> } }).result.skipped[0]!.reason,
    ).toMatch(/tracked by product/)
    expect(sim.store.variantLevelAt(goodVariant, 1)).toBe(42)
    const puts = sim.log.filter((e) => e.method === 'PUT')
    expect(puts.map((e) => e.status)).toEqual([422, 200])
  })

  it('flags the variants so no variant write is sent where BigCommerce would silently ignore it', async () => {
    const { sim, ctx } = setup({ productTrackedVariantWrites: 'ignore' })
    const connector = createBigCommerceConnector()
    // The merchant switches a variant-tracked product with options to product-level tracking.
    const product = [...sim.store.products.values()].find(
      (p) => p.inventory_tracking === 'variant' && p.variant_ids.length > 1,
    )!
    sim.updateProduct(product.id, { inventory_tracking: 'product' })
    const records = []
    const issues = []
    for await (const batch of connector.pullArticles!(ctx, null, { full: true })) {
      records.push(...batch.records)
      issues.push(...batch.issues)
    }
    const links = records.filter((r) => r.link.productId === String(product.id))
    expect(links.length).toBeGreaterThan(0)
    expect(links.every((r) => r.link.stockTracked === false)).toBe(true)
    const flagged = issues.find(
      (i) => i.code === 'inventory_tracked_by_product' && i.platformRef === String(product.id),
    )!
    expect(flagged.message).toMatch(/BigCommerce ignores stock set for its/)
  })
})
