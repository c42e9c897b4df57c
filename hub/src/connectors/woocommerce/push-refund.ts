/**
 * A warehouse return → one WooCommerce refund for the returned lines and quantities, amounts from
 * the order's line totals. `api_refund: false` (a manual refund: the hub never moves money through
 * the gateway), `api_restock` per the setting (off: the warehouse owns stock).
 *
 * Refunds are not idempotent at the platform: before creating one, the order's refunds are read
 * and a refund whose reason carries this write's marker counts as already done.
 * Docs: https://woocommerce.github.io/woocommerce-rest-api-docs/#create-a-refund
 */
import type { DeliveryOutcome, OutboxWrite } from '../../sync/connector.ts'
import { type WooClient, type WooCtx, writeOutcome } from './client.ts'
import { parseEach, refundSchema } from './payloads.ts'
import { marker, shopOrderId } from './push-fulfilment.ts'

export interface RefundPayload {
  external_order_id: string
  order_number: string
  return_id: string
  reason: string | null
  lines: Array<{
    external_line_id: string | null
    quantity: number
    unit_price: string | null
    line_total: string | null
    ordered_quantity: number
    meta?: { item_id?: number }
  }>
  order_meta?: { order_id?: number }
}

const cents = (n: number) => Math.round(n * 100) / 100

/** The refund body (pure): per line, the paid line total pro rata to the returned quantity. */
export function refundBody(p: RefundPayload, tag: string, restock: boolean) {
  const lineItems = p.lines
    .filter((l) => l.meta?.item_id !== undefined || l.external_line_id)
    .map((l) => {
      const total = l.line_total !== null ? Number(l.line_total) : Number.NaN
      const perUnit =
        Number.isFinite(total) && l.ordered_quantity > 0
          ? total / l.ordered_quantity
          : Number(l.unit_price ?? 0)
      return {
        id: Number(l.meta?.item_id ?? l.external_line_id),
        quantity: l.quantity,
        refund_total: cents(perUnit * l.quantity),
      }
    })
  const amount = cents(lineItems.reduce((sum, l) => sum + l.refund_total, 0))
  return {
    amount: amount.toFixed(2),
    reason: `${p.reason ? `${p.reason} ` : ''}(warehouse return) ${tag}`,
    api_refund: false,
    api_restock: restock,
    line_items: lineItems,
  }
}

export async function pushRefund(
  ctx: WooCtx,
  client: WooClient,
  write: OutboxWrite,
): Promise<DeliveryOutcome> {
  const p = write.payload as RefundPayload
  const orderId = shopOrderId(p)
  const tag = marker(write.idempotencyKey)
  try {
    // Docs: https://woocommerce.github.io/woocommerce-rest-api-docs/#list-all-refunds
    const existing = await client.get<unknown[]>(`orders/${orderId}/refunds`, { per_page: 100 })
    const found = parseEach(refundSchema, existing.data).ok.find((r) => r.reason.includes(tag))
    if (found) return { status: 'done', result: { refund_id: found.id, already: true } }
  } catch (err) {
    return writeOutcome(err, `reading the refunds of order ${p.order_number}`)
  }
  const body = refundBody(p, tag, ctx.settings.refund_restock)
  if (Number(body.amount) <= 0)
    return {
      status: 'failed',
      reason: `The return on order ${p.order_number} has no amount to refund (the lines have no price).`,
    }
  try {
    const res = await client.write<{ id?: number }>('post', `orders/${orderId}/refunds`, body)
    return { status: 'done', result: { refund_id: res.data?.id ?? null, amount: body.amount } }
  } catch (err) {
    return writeOutcome(err, `creating the refund on order ${p.order_number}`)
  }
}
