/**
 * `refund`: BigCommerce refunds are not idempotent, so the order's refunds are read first and one
 * whose reason carries this write's marker means it is already done. Otherwise: a refund quote for
 * the returned items (order products × quantity), then the refund with a payment matching one of
 * the quote's refund methods (BigCommerce refuses any other amount with 422).
 * https://developer.bigcommerce.com/docs/rest-management/orders/order-refunds
 */
import type { DeliveryOutcome, OutboxWrite } from '../../sync/connector.ts'
import type { BcClient } from './client.ts'
import { outcomeOf } from './outcome.ts'

interface RefundPayload {
  external_order_id: string
  return_id: string
  reason?: string | null
  lines: Array<{ quantity: number; meta?: Record<string, unknown> | null }>
}

interface Method {
  provider_id: string
  amount: number
  offline?: boolean
}

export const refundMarker = (key: string) => `[dockhand ${key}]`

export async function pushRefund(client: BcClient, write: OutboxWrite): Promise<DeliveryOutcome> {
  const p = write.payload as RefundPayload
  const orderId = p.external_order_id
  const mark = refundMarker(write.idempotencyKey)
  const items = p.lines
    .map((l) => ({
      item_type: 'PRODUCT',
      item_id: Number(l.meta?.order_product_id),
      quantity: l.quantity,
    }))
    .filter((i) => Number.isInteger(i.item_id) && i.quantity > 0)
  if (!items.length)
    return { status: 'failed', reason: 'The return has no line BigCommerce can refund.' }
  try {
    // https://developer.bigcommerce.com/docs/rest-management/orders/order-refunds#get-refunds-for-order
    const existing = await client.get<{ data?: Array<{ id: number; reason?: string | null }> }>(
      'v3',
      `/orders/${orderId}/payment_actions/refunds`,
    )
    const found = existing.body?.data?.find((r) => (r.reason ?? '').includes(mark))
    if (found) return { status: 'done', result: { refund_id: found.id, already: true } }
    // https://developer.bigcommerce.com/docs/rest-management/orders/order-refunds#create-a-refund-quote
    const quote = await client.write<{ data?: { refund_methods?: Method[][] } }>(
      'POST',
      'v3',
      `/orders/${orderId}/payment_actions/refund_quotes`,
      { items },
    )
    const methods = quote.body?.data?.refund_methods ?? []
    const method =
      methods.find((m) => m.length && m.every((x) => x.provider_id !== 'storecredit')) ?? methods[0]
    if (!method?.length)
      return { status: 'failed', reason: 'BigCommerce offered no way to refund these items.' }
    const reason = `${(p.reason ?? 'Returned to the warehouse').slice(0, 200)} ${mark}`
    // https://developer.bigcommerce.com/docs/rest-management/orders/order-refunds#create-a-refund
    const res = await client.write<{ data?: { id?: number } }>(
      'POST',
      'v3',
      `/orders/${orderId}/payment_actions/refunds`,
      {
        items,
        payments: method.map((m) => ({
          provider_id: m.provider_id,
          amount: m.amount,
          offline: m.offline ?? false,
        })),
        reason,
      },
    )
    return { status: 'done', result: { refund_id: res.body?.data?.id ?? null } }
  } catch (err) {
    return outcomeOf(err)
  }
}
