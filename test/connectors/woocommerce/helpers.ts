/** Shared setup for WooCommerce connector tests: a simulator, a real hub, a connection. */
import { setupServer } from 'msw/node'
import { expect } from 'vitest'
import { type ServedSimulator, serveSimulator } from '../../../fixtures/src/common/serve.ts'
import {
  createWooCommerceSimulator,
  type WooCommerceSimulator,
  type WooCommerceSimulatorOptions,
} from '../../../fixtures/src/woocommerce/index.ts'
import { createRegistry } from '../../../hub/src/connectors/index.ts'
import { eventually, startTestHub, type TestHub } from '../../helpers/hub.ts'

export interface Env {
  sim: WooCommerceSimulator
  hub: TestHub
  token: string
  ownerId: string
  connectionId: string
  served: ServedSimulator | null
  stop(): Promise<void>
  sync(processes?: string[], full?: boolean): Promise<any>
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<any>
}

export const mswServer = setupServer()

export function listenMsw() {
  mswServer.listen({
    onUnhandledRequest(req, print) {
      if (new URL(req.url).hostname !== '127.0.0.1') print.error()
    },
  })
}

export async function startEnv(
  options: {
    transport: 'https' | 'http'
    sim?: WooCommerceSimulatorOptions
    settings?: Record<string, unknown>
    /** Wait for the first (scheduled) run to finish. Default true. */
    waitFirstRun?: boolean
    /**
     * Let the simulator deliver its webhooks to the hub as they happen. Default false: they are
     * recorded only, so a test's own sync runs are the only thing that reads the shop (runs and
     * request counts stay deterministic); webhook tests send them when they choose.
     */
    liveWebhooks?: boolean
  } = { transport: 'https' },
): Promise<Env> {
  const sim = createWooCommerceSimulator({
    seed: 'woo-e2e',
    products: 12,
    variantsPerProduct: 3,
    orders: 0,
    ...options.sim,
  })
  sim.webhooks.enabled = options.liveWebhooks ?? false
  let served: ServedSimulator | null = null
  if (options.transport === 'http') {
    served = await serveSimulator(sim)
    sim.setOrigin(served.url)
  } else {
    mswServer.use(...sim.mswHandlers())
  }
  const hub = await startTestHub({ registry: createRegistry(), publicUrlIsSelf: true })
  const ownerId = (await hub.request('POST', '/api/v1/goods-owners', { name: 'Woo Shop AB' })).body
    .id
  const token = (
    await hub.request('POST', '/api/v1/tokens', {
      name: 'wms',
      role: 'owner',
      goods_owner_id: ownerId,
    })
  ).body.token
  const api = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => hub.request(method, path, body, token, headers)
  await api('PUT', '/api/v1/shipping-rules', {
    rules: [{ pattern: '*', way_of_delivery: 'POSTNORD' }],
  })
  const created = await api('POST', '/api/v1/connections', {
    platform: 'woocommerce',
    name: 'Woo',
    base_url: sim.origin,
    credentials: {
      consumer_key: sim.credentials.consumerKey,
      consumer_secret: sim.credentials.consumerSecret,
    },
    settings: options.settings ?? {},
  })
  expect(created.status, JSON.stringify(created.body)).toBe(201)
  const connectionId = created.body.id as string
  const waitRun = (runId: string) =>
    eventually(
      async () => {
        const r = await api('GET', `/api/v1/runs/${runId}`)
        return ['succeeded', 'partial', 'failed'].includes(r.body.status) ? r.body : null
      },
      60_000,
      `run ${runId}`,
    )
  const sync = async (processes?: string[], full?: boolean) => {
    const res = await api('POST', `/api/v1/connections/${connectionId}/sync`, {
      ...(processes ? { processes } : {}),
      ...(full ? { full } : {}),
    })
    expect(res.status).toBe(202)
    return waitRun(res.body.run_id)
  }
  if (options.waitFirstRun !== false) {
    await eventually(
      async () => {
        const runs = await api('GET', `/api/v1/connections/${connectionId}/runs`)
        const first = runs.body.data.at(-1)
        return first && ['succeeded', 'partial', 'failed'].includes(first.status) ? first : null
      },
      60_000,
      'first run',
    )
  }
  return {
    sim,
    hub,
    token,
    ownerId,
    connectionId,
    served,
    api,
    sync,
    stop: async () => {
      await hub.stop()
      await served?.close()
      mswServer.resetHandlers()
    },
  }
}

/** A published simple product with a SKU and managed stock, and a variation with its own SKU. */
export function pickProducts(sim: WooCommerceSimulator) {
  const products = [...sim.store.products.values()]
  const skus = new Map<string, number>()
  for (const p of products) if (p.sku) skus.set(p.sku, (skus.get(p.sku) ?? 0) + 1)
  const simple = products.find(
    (p) =>
      p.type === 'simple' &&
      p.status === 'publish' &&
      p.sku &&
      skus.get(p.sku) === 1 &&
      p.manage_stock &&
      !p.virtual,
  )
  let variation: { productId: number; id: number; sku: string } | null = null
  for (const p of products.filter((p) => p.type === 'variable' && p.status === 'publish')) {
    for (const vid of p.variations) {
      const v = sim.store.variations.get(vid)
      if (v && v.sku && v.sku !== p.sku && v.manage_stock && v.status === 'publish') {
        variation = { productId: p.id, id: v.id, sku: v.sku }
        break
      }
    }
    if (variation) break
  }
  if (!simple || !variation) throw new Error('seed has no suitable products')
  return { simple, variation }
}

export const BILLING = {
  first_name: 'Åsa',
  last_name: 'Lindqvist',
  company: 'Lindqvist Design AB',
  address_1: 'Storgatan 1',
  address_2: 'Box 12',
  city: 'Uppsala',
  state: '',
  postcode: '753 20',
  country: 'SE',
  email: 'asa@example.se',
  phone: '+46701234567',
}
export const SHIPPING = {
  first_name: 'Per',
  last_name: 'Olsson',
  company: 'Olsson Bygg AB',
  address_1: 'Hamngatan 5',
  address_2: 'Lager 3',
  city: 'Göteborg',
  state: '',
  postcode: '411 06',
  country: 'SE',
}

/**
 * Writes the shop applied, from its request log: successful non-GET requests, including ones the
 * simulator answered late on purpose (a "slow" fault still applies the write).
 */
export function writesTo(sim: WooCommerceSimulator, method: string, re: RegExp) {
  return sim.log.entries.filter(
    (e) =>
      e.method === method &&
      re.test(e.path) &&
      e.status >= 200 &&
      e.status < 300 &&
      e.auth !== 'failed' &&
      (e.fault === null || e.fault === 'slow' || e.fault === 'truncate'),
  )
}
