/**
 * Fulfil through fulfilment orders (the legacy /fulfillments endpoints are gone): the shipped
 * quantity per line on the location's open fulfilment orders, with tracking, optionally notifying
 * the customer and capturing the authorised payment.
 * Docs: https://shopify.dev/docs/api/admin-graphql/latest/mutations/fulfillmentCreate ,
 * https://shopify.dev/docs/api/admin-graphql/latest/mutations/orderCapture
 */
import type { DeliveryOutcome, OutboxWrite } from '../../sync/connector.ts'
import {
  type ShopifyClient,
  type ShopifyRuntime,
  type UserError,
  userErrorReason,
} from './client.ts'
import { FULFILLMENT_CREATE, FULFILMENT_STATE_QUERY, ORDER_CAPTURE } from './queries.ts'
import { clientFor, requireLocation, type ShopifyContext } from './shared.ts'

export interface FulfilmentPayload {
  external_order_id: string
  order_number: string
  shipment_id: string
  lines: Array<{ external_line_id: string | null; article_number: string | null; quantity: number }>
  tracking: { number: string | null; carrier: string | null; url: string | null } | null
  all_shipped: boolean
}

interface Transaction {
  id: string
  kind: string
  status: string
  gateway: string
  amountSet: { shopMoney: { amount: string } }
}

interface FulfilmentState {
  order: {
    id: string
    cancelledAt: string | null
    displayFinancialStatus: string | null
    fulfillmentOrders: {
      nodes: Array<{
        id: string
        status: string
        assignedLocation: { location: { id: string } | null }
        lineItems: {
          nodes: Array<{ id: string; remainingQuantity: number; lineItem: { id: string } }>
        }
      }>
    }
    fulfillments: Array<{
      id: string
      status: string
      trackingInfo: Array<{ number: string | null }>
      fulfillmentLineItems: { nodes: Array<{ quantity: number; lineItem: { id: string } }> }
    }>
    transactions: Transaction[]
  } | null
}

/** An earlier attempt already created this fulfilment: same tracking number, or the same lines. */
function alreadyFulfilled(state: NonNullable<FulfilmentState['order']>, p: FulfilmentPayload) {
  const live = state.fulfillments.filter((f) => f.status === 'SUCCESS')
  const number = p.tracking?.number
  if (number) return live.some((f) => f.trackingInfo.some((t) => t.number === number))
  const wanted = new Map<string, number>()
  for (const l of p.lines)
    if (l.external_line_id)
      wanted.set(l.external_line_id, (wanted.get(l.external_line_id) ?? 0) + l.quantity)
  return live.some((f) => {
    const got = new Map<string, number>()
    for (const n of f.fulfillmentLineItems.nodes)
      got.set(n.lineItem.id, (got.get(n.lineItem.id) ?? 0) + n.quantity)
    return got.size === wanted.size && [...wanted].every(([k, v]) => got.get(k) === v)
  })
}

export async function pushFulfilment(
  ctx: ShopifyContext,
  rt: ShopifyRuntime,
  write: OutboxWrite,
): Promise<DeliveryOutcome> {
  const p = write.payload as FulfilmentPayload
  const locationId = requireLocation(ctx)
  const client = clientFor(ctx, rt)
  const data = await client.request<FulfilmentState>(FULFILMENT_STATE_QUERY, {
    id: p.external_order_id,
  })
  const order = data.order
  if (!order)
    return {
      status: 'failed',
      reason: `Order ${p.order_number} no longer exists in Shopify (or is older than 60 days without read_all_orders).`,
    }
  if (write.attempt > 1 && alreadyFulfilled(order, p)) {
    await capture(ctx, client, order)
    return { status: 'done', result: { already: true } }
  }
  if (order.cancelledAt)
    return {
      status: 'failed',
      reason: `Order ${p.order_number} was cancelled in Shopify; the shipment can't be reported there.`,
    }
  // Spread each line's quantity over this location's open fulfilment orders.
  const open = order.fulfillmentOrders.nodes.filter(
    (fo) =>
      fo.assignedLocation.location?.id === locationId &&
      (fo.status === 'OPEN' || fo.status === 'IN_PROGRESS'),
  )
  const byFo = new Map<string, Array<{ id: string; quantity: number }>>()
  const short: string[] = []
  for (const line of p.lines) {
    let left = line.quantity
    for (const fo of open) {
      for (const fl of fo.lineItems.nodes) {
        if (left === 0 || fl.lineItem.id !== line.external_line_id || fl.remainingQuantity <= 0)
          continue
        const n = Math.min(left, fl.remainingQuantity)
        const list = byFo.get(fo.id) ?? []
        list.push({ id: fl.id, quantity: n })
        byFo.set(fo.id, list)
        fl.remainingQuantity -= n
        left -= n
      }
    }
    if (left > 0)
      short.push(
        `${line.article_number ?? line.external_line_id}: ${left} more than Shopify has open`,
      )
  }
  if (short.length)
    return {
      status: 'failed',
      reason: `Order ${p.order_number}: the shipment is larger than what is open to fulfil at the connection's Shopify location (${short.join('; ')}). Fulfil the rest in Shopify or check the location.`,
    }
  const tracking = p.tracking
  const result = await client.request<{
    fulfillmentCreate: { fulfillment: { id: string } | null; userErrors: UserError[] }
  }>(FULFILLMENT_CREATE, {
    fulfillment: {
      lineItemsByFulfillmentOrder: [...byFo].map(([fulfillmentOrderId, lines]) => ({
        fulfillmentOrderId,
        fulfillmentOrderLineItems: lines,
      })),
      ...(tracking
        ? {
            trackingInfo: {
              number: tracking.number,
              company: tracking.carrier,
              ...(tracking.url ? { url: tracking.url } : {}),
            },
          }
        : {}),
      notifyCustomer: ctx.settings.notify_customer ?? false,
    },
    message: `Dockhand shipment ${p.shipment_id}`,
  })
  const reason = userErrorReason(result.fulfillmentCreate.userErrors)
  if (reason || !result.fulfillmentCreate.fulfillment)
    return {
      status: 'failed',
      reason: `Shopify refused the fulfilment of order ${p.order_number}: ${reason ?? 'no fulfilment returned'}`,
    }
  await capture(ctx, client, order)
  return { status: 'done', result: { fulfillment_id: result.fulfillmentCreate.fulfillment.id } }
}

/** Capture what is still authorised and uncaptured (setting capture_payment_on_fulfilment). */
async function capture(
  ctx: ShopifyContext,
  client: ShopifyClient,
  order: NonNullable<FulfilmentState['order']>,
) {
  if (!ctx.settings.capture_payment_on_fulfilment) return
  const ok = order.transactions.filter((t) => t.status === 'SUCCESS')
  for (const auth of ok.filter((t) => t.kind === 'AUTHORIZATION')) {
    // Capture transactions don't expose their parent in our query; compare totals instead.
    const captured = ok
      .filter((t) => t.kind === 'CAPTURE')
      .reduce((s, t) => s + Number(t.amountSet.shopMoney.amount), 0)
    const left = Number(auth.amountSet.shopMoney.amount) - captured
    if (left <= 0.001) continue
    const res = await client.request<{ orderCapture: { userErrors: UserError[] } }>(ORDER_CAPTURE, {
      input: { id: order.id, parentTransactionId: auth.id, amount: left.toFixed(2) },
    })
    const reason = userErrorReason(res.orderCapture.userErrors)
    if (reason) ctx.log.warn({ order_id: order.id }, `payment capture refused: ${reason}`)
  }
}
