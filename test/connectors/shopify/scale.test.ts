/**
 * 5,000+ variants and 2,000 orders under the simulator's cost-based throttling (bucket 2,000
 * points, 100/s restore). The connector paces on the injected clock, so the simulated minutes of
 * waiting cost no real time. No call may end THROTTLED-failed, and the number of calls must stay
 * within 10% of ceil(items / page size).
 */
import { setupServer } from 'msw/node'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createShopifySimulator } from '../../../fixtures/src/shopify/index.ts'
import { createShopifyConnector } from '../../../hub/src/connectors/shopify/index.ts'
import { ORDER_PAGE_SIZE, VARIANT_PAGE_SIZE } from '../../../hub/src/connectors/shopify/queries.ts'
import type { ConnectorContext } from '../../../hub/src/sync/connector.ts'
import { merchantLocations, START } from './helpers.ts'

const clock = { now: START }
const sim = createShopifySimulator({
  seed: 11,
  products: 1200,
  variantsPerProduct: 5,
  orders: 0,
  clock: () => new Date(clock.now),
})
const server = setupServer(...sim.mswHandlers())
const connector = createShopifyConnector({
  now: () => clock.now,
  sleep: async (ms) => {
    clock.now += ms
  },
})
const [loc1, loc2] = merchantLocations(sim) as [number, number]

function ctx(settings: Record<string, unknown>): ConnectorContext<any> {
  return {
    connection: {
      id: 'con_scale',
      name: 'scale',
      platform: 'shopify',
      goodsOwnerId: 'own',
      baseUrl: `https://${sim.credentials.shop}`,
      shopRef: sim.credentials.shop,
    },
    settings: {
      location_id: `gid://shopify/Location/${loc1}`,
      financial_statuses: ['authorized', 'paid'],
      fulfillment_statuses: ['unfulfilled', 'partial'],
      order_status: 'open',
      first_run_lookback_hours: 24,
      ...settings,
    },
    credentials: { access_token: sim.credentials.accessToken },
    webhookSecret: '',
    webhookUrl: null,
    log: pino({ level: 'silent' }),
    signal: new AbortController().signal,
    now: () => new Date(clock.now),
  }
}

beforeAll(() => {
  server.listen({ onUnhandledRequest: 'error' })
  const variants = [...sim.store.variants.values()].filter(
    (v) => sim.store.products.get(v.productId)?.status === 'ACTIVE',
  )
  for (let i = 0; i < 2000; i++) {
    const a = variants[i % variants.length]!
    const b = variants[(i * 7 + 3) % variants.length]!
    sim.placeOrder({
      lines: [
        { variantId: a.id, quantity: 1 + (i % 3), locationId: loc1 },
        ...(a.id !== b.id
          ? [{ variantId: b.id, quantity: 1, locationId: i % 4 === 1 ? loc2 : loc1 }]
          : []),
      ],
      financialStatus: i % 5 === 2 ? 'AUTHORIZED' : 'PAID',
      shippingAddress: {
        firstName: 'Kim',
        lastName: `Berg ${i}`,
        company: null,
        address1: 'Väg 1',
        address2: null,
        city: 'Lund',
        province: null,
        provinceCode: null,
        zip: '222 22',
        country: 'Sweden',
        countryCode: 'SE',
        phone: null,
      },
      shippingLine: { title: 'PostNord', price: '49.00' },
      createdAt: new Date(clock.now - 3_600_000 + i * 1000).toISOString(),
    })
  }
  clock.now += 3_600_000
})
afterAll(() => server.close())

describe('shopify at scale under throttling', () => {
  it(`pulls every variant in ceil(n / ${VARIANT_PAGE_SIZE}) calls without a THROTTLED failure`, async () => {
    const n = sim.store.variants.size
    expect(n).toBeGreaterThanOrEqual(5000)
    sim.log.clear()
    const before = { ...connector.runtime.stats }
    let records = 0
    let issues = 0
    for await (const batch of connector.pullArticles!(ctx({}), null, { full: true })) {
      records += batch.records.length
      issues += batch.issues.filter((i) => i.code === 'missing_sku').length
    }
    // Every variant is an article, or (no SKU) an issue; duplicate SKUs are articles with a warning.
    expect(records + issues).toBe(n)
    const calls = sim.log.count()
    const ideal = Math.ceil(n / VARIANT_PAGE_SIZE)
    expect(calls).toBeGreaterThanOrEqual(ideal)
    expect(calls).toBeLessThanOrEqual(Math.ceil(ideal * 1.1))
    expect(connector.runtime.stats.throttled - before.throttled).toBe(0)
  }, 120_000)

  it(`pulls 2,000 orders in ceil(n / ${ORDER_PAGE_SIZE}) calls without a THROTTLED failure`, async () => {
    sim.log.clear()
    const before = { ...connector.runtime.stats }
    let records = 0
    for await (const batch of connector.pullOrders!(ctx({}), null)) {
      records += batch.records.length
      expect(batch.issues).toEqual([])
    }
    expect(records).toBe(2000)
    const calls = sim.log.count()
    const ideal = Math.ceil(2000 / ORDER_PAGE_SIZE)
    expect(calls).toBeGreaterThanOrEqual(ideal)
    expect(calls).toBeLessThanOrEqual(Math.ceil(ideal * 1.1))
    expect(connector.runtime.stats.throttled - before.throttled).toBe(0)
    // The bucket was the limit: the pull took simulated minutes of pacing.
    expect(clock.now - START).toBeGreaterThan(60_000)
  }, 300_000)
})
