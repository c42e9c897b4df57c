/**
 * `tracking_via: 'shipment_tracking'`: tracking items through the Shipment Tracking extension's API
 * (`wc-shipment-tracking/v3/orders/{id}/shipment-trackings`), one per shipment, exactly once when
 * the shop applied a write but its answer was lost; and the extension missing although the
 * settings say it is installed (404 `rest_no_route`): the tracking goes into the note instead and
 * "Test connection" says why.
 */
import { HttpResponse, http } from 'msw'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from '../../helpers/hub.ts'
import {
  type Env,
  listenMsw,
  mswServer,
  pickProducts,
  SHIPPING,
  startEnv,
  writesTo,
} from './helpers.ts'

beforeAll(() => listenMsw())
afterAll(() => mswServer.close())

const dockhandNotes = (env: Env, orderId: number) =>
  env.sim.store.orders.get(orderId)!.notes.filter((n) => /\[dockhand:/.test(n.note))

async function placeAndImport(env: Env) {
  const picks = pickProducts(env.sim)
  const placed = env.sim.placeOrder({
    lines: [
      { product_id: picks.simple.id, quantity: 2 },
      { product_id: picks.variation.productId, variation_id: picks.variation.id, quantity: 1 },
    ],
    shipping: SHIPPING,
  })
  await env.sync(['orders'])
  const list = await env.api('GET', `/api/v1/orders?external_id=${placed.id}`)
  expect(list.body.data).toHaveLength(1)
  await env.api('POST', '/api/v1/stock', {
    items: [
      { article_number: picks.simple.sku, on_hand: 20 },
      { article_number: picks.variation.sku, on_hand: 5 },
    ],
  })
  return { picks, orderId: placed.id, hubOrderId: list.body.data[0].id as string }
}

describe('Shipment Tracking extension installed', () => {
  let env: Env
  beforeAll(async () => {
    env = await startEnv({
      transport: 'https',
      sim: { shipmentTracking: true },
      settings: { tracking_via: 'shipment_tracking', stock_zero_guard_share: 1 },
    })
  }, 60_000)
  afterAll(async () => env?.stop())

  it('test connection finds the extension', async () => {
    const test = await env.api('POST', `/api/v1/connections/${env.connectionId}/test`)
    expect(test.body.ok).toBe(true)
    expect(test.body.checks).toContainEqual(
      expect.objectContaining({ name: 'shipment_tracking', ok: true }),
    )
  })

  it('two partial shipments: two tracking items (custom and known provider), exactly once, then completed', async () => {
    const { picks, orderId, hubOrderId } = await placeAndImport(env)
    // The shop applies the first tracking item but its answer never reaches the hub.
    let dropped = 0
    mswServer.use(
      http.post(
        `${env.sim.origin}/wp-json/wc-shipment-tracking/v3/orders/:id/shipment-trackings`,
        async ({ request }) => {
          if (dropped > 0) return undefined
          dropped++
          await env.sim.handle(request)
          return HttpResponse.error()
        },
      ),
    )
    const trackingPath = new RegExp(
      `/wc-shipment-tracking/v3/orders/${orderId}/shipment-trackings$`,
    )

    const first = await env.api('POST', `/api/v1/orders/${hubOrderId}/ship`, {
      lines: [{ article_number: picks.simple.sku, quantity: 2 }],
      tracking_number: 'BB111',
      carrier: 'Budbee',
      tracking_url: 'https://budbee.com/tracking/BB111',
    })
    expect(first.status).toBe(201)
    await env.sync(['fulfilments'])
    await eventually(async () => dockhandNotes(env, orderId).length === 1, 30_000, 'first note')
    expect(dropped).toBe(1)
    expect(env.sim.store.trackings.get(orderId)).toHaveLength(1)
    expect(env.sim.getOrder(orderId)!.status).toBe('processing')

    const second = await env.api('POST', `/api/v1/orders/${hubOrderId}/ship`, {
      tracking_number: 'PN222',
      carrier: 'PostNord',
      tracking_url: 'https://tracking.postnord.com/PN222',
    })
    expect(second.status).toBe(201)
    await env.sync(['fulfilments'])
    await eventually(async () => env.sim.getOrder(orderId)!.status === 'completed', 30_000)

    const items = env.sim.store.trackings.get(orderId)!
    expect(items).toHaveLength(2)
    // Not a provider the extension knows: custom provider with the warehouse's link.
    expect(items[0]).toMatchObject({
      tracking_number: 'BB111',
      tracking_provider: '',
      custom_tracking_provider: 'Budbee',
      custom_tracking_link: 'https://budbee.com/tracking/BB111',
    })
    // A known provider: the extension's own provider and link.
    expect(items[1]).toMatchObject({
      tracking_number: 'PN222',
      tracking_provider: 'PostNord',
      custom_tracking_provider: '',
      tracking_link: 'https://portal.postnord.com/tracking/details/PN222',
    })
    // One tracking POST per shipment although the first answer was lost; the retry read the
    // existing items first.
    expect(writesTo(env.sim, 'POST', trackingPath)).toHaveLength(2)
    const reads = env.sim.log.entries.filter((e) => e.method === 'GET' && trackingPath.test(e.path))
    expect(reads.length).toBeGreaterThanOrEqual(1)
    // A note per shipment, without the tracking the extension already shows; completed once.
    const notes = dockhandNotes(env, orderId)
    expect(notes).toHaveLength(2)
    expect(notes[0]!.note).toMatch(/^Partly shipped: 2 × /)
    expect(notes[1]!.note).toMatch(/^Shipped: 1 × /)
    expect(notes.some((n) => /BB111|PN222/.test(n.note))).toBe(false)
    expect(writesTo(env.sim, 'POST', new RegExp(`/orders/${orderId}/notes$`))).toHaveLength(2)
    expect(writesTo(env.sim, 'PUT', new RegExp(`/orders/${orderId}$`))).toHaveLength(1)
  }, 60_000)
})

describe('settings say Shipment Tracking is installed, the shop has no such API', () => {
  let env: Env
  beforeAll(async () => {
    env = await startEnv({
      transport: 'https',
      settings: { tracking_via: 'shipment_tracking', stock_zero_guard_share: 1 },
    })
  }, 60_000)
  afterAll(async () => env?.stop())

  it('test connection says so in plain words (and still connects)', async () => {
    const test = await env.api('POST', `/api/v1/connections/${env.connectionId}/test`)
    expect(test.body.ok).toBe(true)
    expect(test.body.summary).toMatch(/Shipment Tracking extension.*tracking_via to 'notes'/)
    expect(test.body.checks).toContainEqual(
      expect.objectContaining({ name: 'shipment_tracking', ok: false }),
    )
  })

  it('a shipment still reaches the customer: tracking in the note, order completed', async () => {
    const { orderId, hubOrderId } = await placeAndImport(env)
    const shipped = await env.api('POST', `/api/v1/orders/${hubOrderId}/ship`, {
      tracking_number: 'PN333',
      carrier: 'PostNord',
      tracking_url: 'https://tracking.postnord.com/PN333',
    })
    expect(shipped.status).toBe(201)
    await env.sync(['fulfilments'])
    await eventually(async () => env.sim.getOrder(orderId)!.status === 'completed', 30_000)
    const notes = dockhandNotes(env, orderId)
    expect(notes).toHaveLength(1)
    expect(notes[0]!.note).toMatch(/PN333 https:\/\/tracking\.postnord\.com\/PN333/)
    expect(notes[0]!.customer_note).toBe(true)
    const noRoute = env.sim.log.entries.filter(
      (e) => e.path.includes('/wc-shipment-tracking/') && e.status === 404,
    )
    expect(noRoute.length).toBeGreaterThanOrEqual(1)
    const row = await env.hub.running.hub.db
      .selectFrom('outbox')
      .select(['status', 'result'])
      .where('connection_id', '=', env.connectionId)
      .where('kind', '=', 'fulfilment')
      .executeTakeFirstOrThrow()
    expect(row.status).toBe('done')
    expect(row.result).toMatch(/Shipment Tracking API \(404 rest_no_route\)/)
    // A person sees it on the order (whichever worker delivered the write) …
    const order = await env.api('GET', `/api/v1/orders/${hubOrderId}`)
    expect(order.body.attention).toContainEqual(
      expect.objectContaining({
        code: 'shop_write_notice',
        blocking: false,
        message: expect.stringMatching(/Shipment Tracking API.*written as an order note/),
      }),
    )
    // … and, when a run delivered it, on the run.
    const runs = await env.api('GET', `/api/v1/connections/${env.connectionId}/runs`)
    const notices = []
    for (const r of runs.body.data) {
      const issues = await env.api('GET', `/api/v1/runs/${r.id}/issues`)
      notices.push(
        ...issues.body.data.filter(
          (i: { code: string }) => i.code === 'tracking_extension_missing',
        ),
      )
    }
    expect(notices.length).toBeLessThanOrEqual(1)
  }, 60_000)
})
