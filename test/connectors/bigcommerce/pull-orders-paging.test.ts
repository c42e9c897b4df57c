/**
 * A backlog of more orders than one page, read while the hub's status write-back (11 → 9) takes
 * the imported ones out of the "Awaiting Fulfillment" list: every order is still imported. With
 * page numbers, page 2 of the shrinking list skipped a page of orders for good (found by the
 * benchmark: 560 of 1,000 orders imported).
 */
import { setupServer } from 'msw/node'
import pino from 'pino'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createBigCommerceSimulator } from '../../../fixtures/src/bigcommerce/index.ts'
import { createBigCommerceConnector } from '../../../hub/src/connectors/bigcommerce/index.ts'
import type { ConnectorContext } from '../../../hub/src/sync/connector.ts'

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())

it('imports a 600-order backlog while imported orders leave the pull status between pages', async () => {
  const sim = createBigCommerceSimulator({
    seed: 5,
    storeHash: 'paging1x',
    orders: 0,
    quota: 1_000_000,
  })
  server.resetHandlers(...sim.mswHandlers())
  const variant = [...sim.store.variants.values()].find((v) => v.sku)!
  const now = Date.now()
  const placed: number[] = []
  for (let i = 0; i < 600; i++) {
    const o = sim.placeOrder({ lines: [{ variantId: variant.id, quantity: 1 }], statusId: 11 })
    // A backlog: one order a second over the last ten minutes.
    o.date_created = new Date(Math.floor((now - (600 - i) * 1000) / 1000) * 1000)
    o.date_modified = o.date_created
    placed.push(o.id)
  }
  const ctx: ConnectorContext = {
    connection: {
      id: 'con_paging',
      name: 'paging',
      platform: 'bigcommerce',
      goodsOwnerId: 'own_1',
      baseUrl: 'https://api.bigcommerce.com',
      shopRef: 'paging1x',
    },
    settings: {},
    credentials: { access_token: sim.credentials.accessToken },
    webhookSecret: 'secret',
    webhookUrl: null,
    log: pino({ level: 'silent' }),
    signal: new AbortController().signal,
    now: () => new Date(),
  }
  const imported = new Set<string>()
  for await (const batch of createBigCommerceConnector().pullOrders!(ctx, null)) {
    for (const order of batch.records) {
      if (order.updateOnly) continue
      imported.add(order.externalId)
      // The outbox delivers the write-back while the pull goes on.
      sim.setOrderStatus(Number(order.externalId), 9)
    }
  }
  expect(imported.size).toBe(600)
  expect([...imported].sort()).toEqual(placed.map(String).sort())
})
