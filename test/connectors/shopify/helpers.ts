/**
 * A real hub (loopback, temp SQLite) wired to the Shopify simulator through MSW in-process. The
 * simulator and the connector share one injected clock: the connector's pacing and THROTTLED
 * back-off "sleep" by moving that clock, so throttling costs no real time.
 */
import { setupServer } from 'msw/node'
import { expect } from 'vitest'
import {
  createShopifySimulator,
  type ShopifySimulatorOptions,
} from '../../../fixtures/src/shopify/index.ts'
import { createRegistry } from '../../../hub/src/connectors/index.ts'
import { createShopifyConnector } from '../../../hub/src/connectors/shopify/index.ts'
import { eventually, startTestHub, type TestHub } from '../../helpers/hub.ts'

export type Sim = ReturnType<typeof createShopifySimulator>
export const START = Date.parse('2026-11-20T12:00:00Z')

export interface ShopifyHarness {
  sim: Sim
  hub: TestHub
  token: string
  ownerId: string
  connectionId: string
  locationId: string
  otherLocationId: string
  connector: ReturnType<typeof createShopifyConnector>
  clock: { now: number }
  server: ReturnType<typeof setupServer>
  syncNow(body?: { processes?: string[]; full?: boolean }): Promise<any>
  issues(runId: string): Promise<Array<{ code: string; message: string; process: string }>>
  /** Make writes waiting for their backoff due now (so a retry never depends on real time). */
  retryNow(): Promise<number>
  orders(): Promise<any[]>
  order(externalId: string): Promise<any>
  stop(): Promise<void>
}

export function merchantLocations(sim: Sim): number[] {
  return [...sim.store.locations.values()]
    .filter((l) => !l.fulfillmentServiceHandle)
    .map((l) => l.id)
}

export async function startShopify(
  options: {
    sim?: ShopifySimulatorOptions
    settings?: Record<string, unknown>
    publicUrlIsSelf?: boolean
    withSecret?: boolean
    prepare?: (sim: Sim, clock: { now: number }) => void
  } = {},
): Promise<ShopifyHarness> {
  const clock = { now: START }
  const sim = createShopifySimulator({
    seed: 3,
    products: 8,
    variantsPerProduct: 3,
    orders: 0,
    clock: () => new Date(clock.now),
    ...options.sim,
  })
  options.prepare?.(sim, clock)
  const server = setupServer(...sim.mswHandlers())
  server.listen({
    onUnhandledRequest(req, print) {
      if (new URL(req.url).hostname !== '127.0.0.1') print.error()
    },
  })
  const connector = createShopifyConnector({
    now: () => clock.now,
    sleep: async (ms) => {
      clock.now += ms
    },
  })
  const hub = await startTestHub({
    registry: createRegistry().register(connector),
    ...(options.publicUrlIsSelf ? { publicUrlIsSelf: true } : {}),
  })
  const ownerId = (await hub.request('POST', '/api/v1/goods-owners', { name: 'Butik' })).body.id
  const token = (
    await hub.request('POST', '/api/v1/tokens', {
      name: 'wms',
      role: 'owner',
      goods_owner_id: ownerId,
    })
  ).body.token
  await hub.request(
    'PUT',
    '/api/v1/shipping-rules',
    { rules: [{ pattern: '*', way_of_delivery: 'PARCEL' }] },
    token,
  )
  const [loc, other] = merchantLocations(sim)
  const locationId = `gid://shopify/Location/${loc}`
  const created = await hub.request(
    'POST',
    '/api/v1/connections',
    {
      platform: 'shopify',
      name: 'Shopify',
      shop_ref: sim.credentials.shop,
      credentials: {
        access_token: sim.credentials.accessToken,
        ...(options.withSecret === false ? {} : { api_secret: sim.credentials.apiSecret }),
      },
      settings: { location_id: locationId, ...options.settings },
    },
    token,
  )
  expect(created.status, JSON.stringify(created.body)).toBe(201)
  const connectionId = created.body.id as string
  const done = ['succeeded', 'partial', 'failed', 'cancelled']
  const waitRun = (runId: string) =>
    eventually(
      async () => {
        const r = await hub.request('GET', `/api/v1/runs/${runId}`, undefined, token)
        return done.includes(r.body.status) ? r.body : null
      },
      120_000,
      `run ${runId}`,
    )
  /** The outbox worker runs in the background too (kicked by API calls): wait until it holds nothing. */
  const settled = () =>
    eventually(
      async () =>
        !(await hub.running.hub.db
          .selectFrom('outbox')
          .select('id')
          .where('status', '=', 'delivering')
          .executeTakeFirst()),
      30_000,
      'outbox deliveries in flight',
    )
  const h: ShopifyHarness = {
    sim,
    hub,
    token,
    ownerId,
    connectionId,
    locationId,
    otherLocationId: `gid://shopify/Location/${other}`,
    connector,
    clock,
    server,
    async syncNow(body) {
      await eventually(async () => {
        const runs = await hub.request(
          'GET',
          `/api/v1/connections/${connectionId}/runs`,
          undefined,
          token,
        )
        return runs.body.data.every((r: { status: string }) => done.includes(r.status))
      }, 120_000)
      const res = await hub.request(
        'POST',
        `/api/v1/connections/${connectionId}/sync`,
        body ?? {},
        token,
      )
      expect(res.status, JSON.stringify(res.body)).toBe(202)
      const run = await waitRun(res.body.run_id)
      await settled()
      return run
    },
    async issues(runId) {
      const res = await hub.request(
        'GET',
        `/api/v1/runs/${runId}/issues?limit=500`,
        undefined,
        token,
      )
      return res.body.data
    },
    async retryNow() {
      await settled()
      const res = await hub.running.hub.db
        .updateTable('outbox')
        .set({ next_attempt_at: new Date(0).toISOString() })
        .where('status', '=', 'pending')
        .where('attempts', '>', 0)
        .executeTakeFirst()
      return Number(res.numUpdatedRows)
    },
    async orders() {
      const res = await hub.request('GET', '/api/v1/orders?limit=500', undefined, token)
      return res.body.data
    },
    async order(externalId) {
      const list = await h.orders()
      const o = list.find((x: { external_id: string }) => x.external_id === externalId)
      if (!o) return null
      return (await hub.request('GET', `/api/v1/orders/${o.id}`, undefined, token)).body
    },
    async stop() {
      await hub.stop()
      server.close()
    },
  }
  return h
}
