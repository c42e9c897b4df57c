/**
 * `order.status`: after the first import, move the order from the pull status (11) to the
 * after-pull status (9). The order is read first: if it is already there, or the merchant moved it
 * elsewhere meanwhile (cancelled, shipped…), nothing is written.
 */
import { BIGCOMMERCE_ORDER_STATUSES } from '../../../../shared/src/platforms.ts'
import type { DeliveryOutcome, OutboxWrite } from '../../sync/connector.ts'
import type { BcClient } from './client.ts'
import { outcomeOf } from './outcome.ts'
import { orderSchema } from './payloads.ts'

export interface StatusPayload {
  external_order_id: string
  status_id: number
  /** Write only while the order still has one of these statuses. */
  only_from: number[]
}

export async function pushStatus(client: BcClient, write: OutboxWrite): Promise<DeliveryOutcome> {
  const p = write.payload as StatusPayload
  try {
    // https://developer.bigcommerce.com/docs/rest-management/orders#get-an-order
    const res = await client.get('v2', `/orders/${p.external_order_id}`)
    const order = orderSchema.parse(res.body)
    if (order.status_id === p.status_id) return { status: 'done', result: { already: true } }
    if (p.only_from.length && !p.only_from.includes(order.status_id))
      return {
        status: 'done',
        result: {
          skipped: `the order is now "${order.status ?? BIGCOMMERCE_ORDER_STATUSES[order.status_id]}" in BigCommerce`,
        },
      }
    // https://developer.bigcommerce.com/docs/rest-management/orders#update-an-order
    await client.write('PUT', 'v2', `/orders/${p.external_order_id}`, { status_id: p.status_id })
    return { status: 'done', result: { status_id: p.status_id } }
  } catch (err) {
    return outcomeOf(err)
  }
}
