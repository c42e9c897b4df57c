/**
 * `fulfilment`: one BigCommerce shipment per shipping address the shipped lines belong to
 * (`POST /v2/orders/{id}/shipments` with `order_address_id`, items, tracking number and
 * provider/carrier), marked in `comments` with the hub's shipment id. On a repeated attempt the
 * order's shipments are listed first and marked ones are not created again. Then the order status:
 * BigCommerce itself moves it to 2 Shipped / 3 Partially Shipped; it is written only when it isn't
 * what the settings ask for.
 */
import type { DeliveryOutcome, OutboxWrite } from '../../sync/connector.ts'
import type { BcClient } from './client.ts'
import { outcomeOf } from './outcome.ts'
import { orderSchema, shipmentSchema } from './payloads.ts'

interface FulfilmentPayload {
  external_order_id: string
  shipment_id: string
  lines: Array<{ quantity: number; meta?: Record<string, unknown> | null; article_number?: string }>
  tracking: { number: string | null; carrier: string | null; url: string | null } | null
  all_shipped: boolean
  order_meta?: Record<string, unknown> | null
}

/** BigCommerce `shipping_provider` values (the rest go as an AfterShip carrier slug). */
const PROVIDERS: Record<string, string> = {
  ups: 'ups',
  fedex: 'fedex',
  usps: 'usps',
  royalmail: 'royalmail',
  canadapost: 'canadapost',
  auspost: 'auspost',
  australiapost: 'auspost',
}
/** AfterShip courier slugs for carriers Nordic/European warehouses use most. */
const CARRIER_SLUGS: Record<string, string> = {
  dhl: 'dhl',
  dhlexpress: 'dhl',
  dhlparcel: 'dhl-parcel-nl',
  postnord: 'postnord',
  bring: 'bring',
  posten: 'posten-norge',
  gls: 'gls',
  dpd: 'dpd',
  budbee: 'budbee',
  ups: 'ups',
  fedex: 'fedex',
  usps: 'usps',
  royalmail: 'royal-mail',
  tnt: 'tnt',
  instabox: 'instabox',
  omniva: 'omniva',
}

export function carrierFields(carrier: string | null | undefined): {
  shipping_provider: string
  tracking_carrier: string
} {
  const key = (carrier ?? '').toLowerCase().replace(/[^a-z0-9]/g, '')
  const provider = PROVIDERS[key] ?? ''
  return {
    shipping_provider: provider,
    tracking_carrier: provider ? '' : (CARRIER_SLUGS[key] ?? ''),
  }
}

export const marker = (shipmentId: string, addressId: number) =>
  `[dockhand shipment ${shipmentId}/${addressId}]`

export async function pushFulfilment(
  client: BcClient,
  write: OutboxWrite,
  statuses: { shipped: number; partial: number },
): Promise<DeliveryOutcome> {
  const p = write.payload as FulfilmentPayload
  const orderId = p.external_order_id
  const groups = new Map<number, Array<{ order_product_id: number; quantity: number }>>()
  const defaultAddress = (p.order_meta?.order_address_ids as number[] | undefined)?.[0]
  for (const line of p.lines) {
    const opId = Number(line.meta?.order_product_id)
    const addressId = Number(line.meta?.order_address_id ?? defaultAddress)
    if (!Number.isInteger(opId) || !Number.isInteger(addressId) || line.quantity <= 0) continue
    const items = groups.get(addressId) ?? []
    items.push({ order_product_id: opId, quantity: line.quantity })
    groups.set(addressId, items)
  }
  if (!groups.size)
    return { status: 'failed', reason: 'The shipment has no line that BigCommerce can ship.' }
  try {
    let existing: string[] = []
    if (write.attempt > 1) {
      // https://developer.bigcommerce.com/docs/rest-management/orders/order-shipments#get-order-shipments
      const shipments = await client.listV2(`/orders/${orderId}/shipments`)
      existing = shipments.map((s) => shipmentSchema.parse(s).comments ?? '')
    }
    const created: number[] = []
    const tracking = p.tracking
    const carrier = carrierFields(tracking?.carrier)
    for (const [addressId, items] of groups) {
      const mark = marker(p.shipment_id, addressId)
      if (existing.some((c) => c.includes(mark))) continue
      const body: Record<string, unknown> = {
        order_address_id: addressId,
        items,
        comments: mark,
      }
      if (tracking?.number) {
        body.tracking_number = tracking.number.slice(0, 50)
        body.shipping_provider = carrier.shipping_provider
        body.tracking_carrier = carrier.tracking_carrier
        if (tracking.url) body.tracking_link = tracking.url.slice(0, 500)
      }
      if (tracking?.carrier) body.shipping_method = tracking.carrier.slice(0, 250)
      // https://developer.bigcommerce.com/docs/rest-management/orders/order-shipments#create-order-shipment
      const res = await client.write('POST', 'v2', `/orders/${orderId}/shipments`, body)
      created.push(shipmentSchema.parse(res.body).id)
    }
    const wanted = p.all_shipped ? statuses.shipped : statuses.partial
    // https://developer.bigcommerce.com/docs/rest-management/orders#get-an-order
    const order = orderSchema.parse((await client.get('v2', `/orders/${orderId}`)).body)
    let statusWritten = false
    if (order.status_id !== wanted) {
      // https://developer.bigcommerce.com/docs/rest-management/orders#update-an-order
      await client.write('PUT', 'v2', `/orders/${orderId}`, { status_id: wanted })
      statusWritten = true
    }
    return { status: 'done', result: { shipments: created, status_id: wanted, statusWritten } }
  } catch (err) {
    return outcomeOf(err)
  }
}
