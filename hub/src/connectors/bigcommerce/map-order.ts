/**
 * BigCommerce v2 order + its products + its shipping addresses → one warehouse order. Pure.
 * v2 quirks handled here: dates are RFC 2822 ("Tue, 20 Nov 2012 00:00:00 +0000"), money is a
 * string with four decimals ("225.0000"). Lines keep the ids a shipment needs
 * (`order_product_id`, `order_address_id`) in their meta. The products and addresses come from
 * the order's consignments when the order list carried them (`fromConsignments`), else from
 * `/orders/{id}/products` and `/orders/{id}/shipping_addresses`.
 */
import type { AddressInput, OrderInput, OrderLineInput, RecordIssue } from '../../domain/types.ts'
import type { BcConsignments, BcOrder, BcOrderProduct, BcShippingAddress } from './payloads.ts'

/**
 * Statuses that mean "don't ship": 5 Cancelled, 6 Declined. (4 Refunded is left out: it is what a
 * shipped order becomes after a full refund of a return, not a cancellation.)
 */
export const CANCELLED_STATUS_IDS = [5, 6]

const MONTHS: Record<string, number> = {
  jan: 0,
  feb: 1,
  mar: 2,
  apr: 3,
  may: 4,
  jun: 5,
  jul: 6,
  aug: 7,
  sep: 8,
  oct: 9,
  nov: 10,
  dec: 11,
}

/** RFC 2822 (v2) or ISO 8601 → ISO 8601 UTC; null when empty or unreadable. */
export function parseBcDate(value: string | null | undefined): string | null {
  if (!value) return null
  const v = value.trim()
  const m =
    /^(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4}|GMT|UTC|UT|Z)?$/.exec(
      v,
    )
  if (m) {
    const month = MONTHS[m[2]!.toLowerCase()]
    if (month === undefined) return null
    let offsetMin = 0
    const zone = m[7]
    if (zone && /^[+-]\d{4}$/.test(zone)) {
      const sign = zone[0] === '-' ? -1 : 1
      offsetMin = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5)))
    }
    const utc =
      Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)) -
      offsetMin * 60_000
    return new Date(utc).toISOString()
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(v)) {
    const d = new Date(v)
    return Number.isNaN(d.getTime()) ? null : d.toISOString()
  }
  return null
}

/** "225.0000" → "225.00", "1.2345" → "1.2345", 12.5 → "12.50"; null when not a number. */
export function parseMoney(value: string | number | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null
  const s = typeof value === 'number' ? String(value) : value.trim()
  if (!/^-?\d+(\.\d+)?$/.test(s)) return null
  const [int, frac = ''] = s.split('.')
  const trimmed = frac.replace(/0+$/, '').padEnd(2, '0')
  return `${int}.${trimmed}`
}

const clean = (s: string | null | undefined): string | null => {
  const t = (s ?? '').trim()
  return t ? t : null
}

function address(a: {
  first_name?: string | null | undefined
  last_name?: string | null | undefined
  company?: string | null | undefined
  street_1?: string | null | undefined
  street_2?: string | null | undefined
  zip?: string | null | undefined
  city?: string | null | undefined
  state?: string | null | undefined
  country_iso2?: string | null | undefined
  email?: string | null | undefined
  phone?: string | null | undefined
}): AddressInput {
  return {
    name: clean([a.first_name, a.last_name].filter((x) => x?.trim()).join(' ')),
    company: clean(a.company),
    address1: clean(a.street_1),
    address2: clean(a.street_2),
    postCode: clean(a.zip),
    city: clean(a.city),
    state: clean(a.state),
    countryCode: clean(a.country_iso2)?.toUpperCase() ?? null,
    email: clean(a.email),
    phone: clean(a.phone),
  }
}

function lineName(p: BcOrderProduct): string {
  const opts = (p.product_options ?? [])
    .map((o) => [o.display_name, o.display_value].filter(Boolean).join(': '))
    .filter(Boolean)
  return opts.length ? `${p.name} (${opts.join(', ')})` : p.name
}

export interface MappedOrder {
  order: OrderInput
  issues: RecordIssue[]
}

export function mapOrder(
  raw: BcOrder,
  products: BcOrderProduct[],
  addresses: BcShippingAddress[],
): MappedOrder {
  const issues: RecordIssue[] = []
  const ship = addresses[0] ?? null
  const billing = raw.billing_address ? address(raw.billing_address) : null
  const customer = ship ? address(ship) : (billing ?? address({}))
  if (addresses.length > 1) {
    issues.push({
      code: 'multiple_shipping_addresses',
      message: `Order ${raw.id} ships to ${addresses.length} addresses; the warehouse order uses the first, and each shipment is reported to the address its lines belong to.`,
      platformRef: String(raw.id),
      level: 'warning',
    })
  }
  const lines: OrderLineInput[] = []
  for (const p of products) {
    // Digital items have no shipping address; bundle children ship with their parent.
    if (p.type === 'digital' || p.order_address_id === 0) continue
    if (p.parent_order_product_id) continue
    lines.push({
      externalLineId: String(p.id),
      articleNumber: clean(p.sku),
      name: lineName(p),
      quantity: p.quantity,
      unitPrice: parseMoney(p.price_inc_tax),
      lineTotal: parseMoney(p.total_inc_tax),
      meta: {
        order_product_id: p.id,
        product_id: p.product_id ?? null,
        variant_id: p.variant_id ?? null,
        order_address_id: p.order_address_id ?? ship?.id ?? null,
      },
    })
  }
  const email = customer.email ?? billing?.email ?? null
  const phone = customer.phone ?? billing?.phone ?? null
  const shippingMethod = clean(ship?.shipping_method)
  const order: OrderInput = {
    externalId: String(raw.id),
    orderNumber: String(raw.id),
    shopStatus: clean(raw.status) ?? String(raw.status_id),
    orderDate: parseBcDate(raw.date_created),
    currency: clean(raw.currency_code),
    totalPrice: parseMoney(raw.total_inc_tax),
    remark: clean(raw.customer_message),
    shippingMethod: shippingMethod ? { code: null, name: shippingMethod } : null,
    customer: {
      ...customer,
      email,
      phone,
      customerNumber: raw.customer_id ? String(raw.customer_id) : null,
    },
    invoiceAddress: billing,
    notification: {
      email,
      mobilePhone: null,
      telephone: phone,
      notifyByEmail: !!email,
      notifyBySms: false,
    },
    lines,
    cancelled: CANCELLED_STATUS_IDS.includes(raw.status_id) || raw.is_deleted === true,
    meta: {
      status_id: raw.status_id,
      date_modified: parseBcDate(raw.date_modified),
      order_address_ids: addresses.map((a) => a.id),
    },
  }
  return { order, issues }
}

/**
 * The order's products and shipping addresses out of its consignments
 * (`include=consignments.line_items&consignment_structure=object`), as `/orders/{id}/products`
 * and `/orders/{id}/shipping_addresses` would give them: the line items of every consignment
 * (shipping, pickup, download, gift certificate) in order product id order, and each shipping
 * consignment as an address (its `id` is the order address id). Null when the consignments
 * cannot stand in for those reads: no line item at all (consignments missing, a resource link,
 * or empty), or fewer items than the order's `items_total` (lines in no consignment).
 */
export function fromConsignments(
  raw: BcOrder,
  consignments: BcConsignments,
): { products: BcOrderProduct[]; addresses: BcShippingAddress[] } | null {
  const groups = [
    ...(consignments.shipping ?? []),
    ...(consignments.pickups ?? []),
    ...(consignments.downloads ?? []),
    ...(consignments.email?.gift_certificates ?? []),
  ]
  const byId = new Map<number, BcOrderProduct>()
  for (const g of groups) for (const p of g.line_items) if (!byId.has(p.id)) byId.set(p.id, p)
  if (byId.size === 0) return null
  const products = [...byId.values()].sort((a, b) => a.id - b.id)
  const items = products.reduce((n, p) => n + p.quantity, 0)
  if (typeof raw.items_total === 'number' && items < raw.items_total) return null
  const addresses = (consignments.shipping ?? []).map(
    ({ line_items: _lines, ...address }) => address,
  )
  return { products, addresses }
}
