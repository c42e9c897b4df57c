/**
 * Returns → one Shopify refund for the returned lines. refundCreate is not idempotent, so every
 * attempt first looks for an earlier refund carrying this write's marker in its note.
 * Docs: https://shopify.dev/docs/api/admin-graphql/latest/mutations/refundCreate
 */
import type { DeliveryOutcome, OutboxWrite } from '../../sync/connector.ts'
import { type ShopifyRuntime, type UserError, userErrorReason } from './client.ts'
import { REFUND_CREATE, REFUND_STATE_QUERY } from './queries.ts'
import { clientFor, requireLocation, type ShopifyContext } from './shared.ts'

interface RefundPayload {
  external_order_id: string
  order_number: string
  return_id: string
  reason: string | null
  lines: Array<{
    external_line_id: string | null
    article_number: string | null
    quantity: number
    unit_price: string | null
    line_total: string | null
    ordered_quantity: number
    meta?: { customs_value?: string }
  }>
}

interface RefundState {
  order: {
    id: string
    refunds: Array<{ id: string; note: string | null }>
    transactions: Array<{
      id: string
      kind: string
      status: string
      gateway: string
      amountSet: { shopMoney: { amount: string } }
    }>
  } | null
}

export function refundMarker(idempotencyKey: string): string {
  return `[dockhand:${idempotencyKey}]`
}

export async function pushRefund(
  ctx: ShopifyContext,
  rt: ShopifyRuntime,
  write: OutboxWrite,
): Promise<DeliveryOutcome> {
  const p = write.payload as RefundPayload
  const locationId = requireLocation(ctx)
  const client = clientFor(ctx, rt)
  const marker = refundMarker(write.idempotencyKey)
  const state = await client.request<RefundState>(REFUND_STATE_QUERY, { id: p.external_order_id })
  const order = state.order
  if (!order)
    return { status: 'failed', reason: `Order ${p.order_number} no longer exists in Shopify.` }
  const prior = order.refunds.find((r) => r.note?.includes(marker))
  if (prior) return { status: 'done', result: { refund_id: prior.id, already: true } }

  const lines = p.lines.filter((l) => l.external_line_id && l.quantity > 0)
  if (!lines.length)
    return {
      status: 'failed',
      reason: `The return on order ${p.order_number} names no Shopify line.`,
    }
  // Net of discounts: the customs value per unit (price × qty − discount) of the imported line.
  let amount = 0
  for (const l of lines) {
    const net = Number(l.meta?.customs_value ?? l.line_total ?? 0)
    amount += l.ordered_quantity > 0 ? (net / l.ordered_quantity) * l.quantity : 0
  }
  const ok = order.transactions.filter((t) => t.status === 'SUCCESS')
  const paid = ok.filter((t) => t.kind === 'SALE' || t.kind === 'CAPTURE')
  const refunded = ok
    .filter((t) => t.kind === 'REFUND')
    .reduce((s, t) => s + Number(t.amountSet.shopMoney.amount), 0)
  const refundable = paid.reduce((s, t) => s + Number(t.amountSet.shopMoney.amount), 0) - refunded
  const parent = paid[0]
  const money = Math.min(amount, Math.max(0, refundable))
  const restock = ctx.settings.refund_restock ?? false
  const res = await client.request<{
    refundCreate: { refund: { id: string } | null; userErrors: UserError[] }
  }>(REFUND_CREATE, {
    input: {
      orderId: order.id,
      note: `${p.reason?.trim() || 'Returned to the warehouse'} ${marker}`,
      notify: false,
      refundLineItems: lines.map((l) => ({
        lineItemId: l.external_line_id,
        quantity: l.quantity,
        restockType: restock ? 'RETURN' : 'NO_RESTOCK',
        ...(restock ? { locationId } : {}),
      })),
      ...(parent && money > 0.001
        ? {
            transactions: [
              {
                orderId: order.id,
                parentId: parent.id,
                gateway: parent.gateway,
                kind: 'REFUND',
                amount: money.toFixed(2),
              },
            ],
          }
        : {}),
    },
  })
  const reason = userErrorReason(res.refundCreate.userErrors)
  if (reason || !res.refundCreate.refund)
    return {
      status: 'failed',
      reason: `Shopify refused the refund for order ${p.order_number}: ${reason ?? 'no refund returned'}`,
    }
  return { status: 'done', result: { refund_id: res.refundCreate.refund.id } }
}
