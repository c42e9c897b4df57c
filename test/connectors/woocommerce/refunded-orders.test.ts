/**
 * Shop-side "refunded" and "cancelled" against the warehouse state: a full refund after our own
 * return of a fully shipped order is no conflict and no cancellation (hub core: shop changes to a
 * fully shipped order are recorded silently); a cancellation or full refund before picking cancels
 * the warehouse order; one after picking started is kept and flagged.
 */
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

describe('refunded and cancelled orders', () => {
  let env: Env
  beforeAll(async () => {
    env = await startEnv({ transport: 'https', settings: { stock_zero_guard_share: 1 } })
    const picks = pickProducts(env.sim)
    await env.api('POST', '/api/v1/stock', {
      items: [{ article_number: picks.simple.sku, on_hand: 50 }],
    })
  }, 60_000)
  afterAll(async () => env?.stop())

  async function placeAndImport(quantity = 2) {
    const picks = pickProducts(env.sim)
    const placed = env.sim.placeOrder({
      lines: [{ product_id: picks.simple.id, quantity }],
      shipping: SHIPPING,
    })
    await env.sync(['orders'])
    const list = await env.api('GET', `/api/v1/orders?external_id=${placed.id}`)
    expect(list.body.data).toHaveLength(1)
    return { picks, orderId: placed.id, hubOrderId: list.body.data[0].id as string }
  }

  const hubOrder = async (id: string) => (await env.api('GET', `/api/v1/orders/${id}`)).body

  it('a full refund after our return of a fully shipped order: no conflict, no cancellation', async () => {
    const { picks, orderId, hubOrderId } = await placeAndImport()
    const shipped = await env.api('POST', `/api/v1/orders/${hubOrderId}/ship`, {
      tracking_number: 'PN900',
      carrier: 'PostNord',
    })
    expect(shipped.status).toBe(201)
    await env.sync(['fulfilments'])
    await eventually(async () => env.sim.getOrder(orderId)!.status === 'completed', 30_000)

    const ret = await env.api('POST', `/api/v1/orders/${hubOrderId}/returns`, {
      lines: [{ article_number: picks.simple.sku, quantity: 2 }],
      reason: 'not wanted',
    })
    expect(ret.status).toBe(201)
    await env.sync(['returns'])
    await eventually(
      async () => [...env.sim.store.refunds.values()].some((r) => r.order_id === orderId),
      30_000,
    )
    // The shop owner refunds the rest (shipping) by hand: WooCommerce sets the order "refunded".
    const refunded = [...env.sim.store.refunds.values()]
      .filter((r) => r.order_id === orderId)
      .reduce((sum, r) => sum + Number(r.amount), 0)
    const rest = (Number(env.sim.getOrder(orderId)!.total) - refunded).toFixed(2)
    env.sim.refundOrder(orderId, { amount: rest, reason: 'shipping' })
    expect(env.sim.getOrder(orderId)!.status).toBe('refunded')

    const run = await env.sync(['orders'])
    const o = await hubOrder(hubOrderId)
    expect(o.status).toBe('shipped')
    expect(o.shop_status).toBe('refunded')
    expect(JSON.stringify(o.attention ?? [])).not.toMatch(/after_picking/)
    expect(run.counts.orders?.conflict ?? 0).toBe(0)
    expect(run.counts.orders?.cancelled ?? 0).toBe(0)
    const issues = await env.api('GET', `/api/v1/runs/${run.id}/issues`)
    expect(issues.body.data.map((i: { code: string }) => i.code)).not.toContain(
      'cancelled_after_picking',
    )
    // Still exactly one refund from the hub.
    expect(writesTo(env.sim, 'POST', new RegExp(`/orders/${orderId}/refunds$`))).toHaveLength(1)
  }, 60_000)

  it('cancelled in the shop before picking: the warehouse order is cancelled', async () => {
    const { orderId, hubOrderId } = await placeAndImport(1)
    env.sim.cancelOrder(orderId)
    const run = await env.sync(['orders'])
    expect((await hubOrder(hubOrderId)).status).toBe('cancelled')
    expect(run.counts.orders?.cancelled).toBe(1)
  })

  it('fully refunded in the shop before picking: the warehouse order is cancelled', async () => {
    const { orderId, hubOrderId } = await placeAndImport(1)
    env.sim.refundOrder(orderId, { amount: env.sim.getOrder(orderId)!.total, reason: 'oops' })
    expect(env.sim.getOrder(orderId)!.status).toBe('refunded')
    await env.sync(['orders'])
    expect((await hubOrder(hubOrderId)).status).toBe('cancelled')
  })

  it('cancelled in the shop after picking started: kept, flagged for a person', async () => {
    const { orderId, hubOrderId } = await placeAndImport(1)
    const pick = await env.api('POST', `/api/v1/orders/${hubOrderId}/pick`, {})
    expect(pick.status).toBe(200)
    env.sim.cancelOrder(orderId)
    const run = await env.sync(['orders'])
    const o = await hubOrder(hubOrderId)
    expect(o.status).toBe('picking')
    expect(JSON.stringify(o.attention)).toMatch(/cancelled_after_picking/)
    const issues = await env.api('GET', `/api/v1/runs/${run.id}/issues`)
    expect(issues.body.data.map((i: { code: string }) => i.code)).toContain(
      'cancelled_after_picking',
    )
  })
})
