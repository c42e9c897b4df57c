/**
 * Shopify order → warehouse order, per the seed's field mapping, keeping only the lines of
 * fulfilment orders assigned to the connection's location. Pure: no clock, network or database.
 */
import type { AddressInput, OrderInput, OrderLineInput } from '../../domain/types.ts'
import { legacyId } from './map-article.ts'
import type { RawAddress, RawFulfillmentOrder, RawOrder } from './payloads.ts'

export interface OrderFilters {
  financial_statuses: string[]
  fulfillment_statuses: string[]
  order_status: 'open' | 'any'
}

/** Refunded units that reduce the quantity to ship (seed: restock cancel, no_restock or return). */
const COUNTED_RESTOCK = new Set(['CANCEL', 'NO_RESTOCK', 'RETURN'])

const FULFILMENT_DISPLAY: Record<string, string> = {
  unfulfilled: 'UNFULFILLED',
  partial: 'PARTIALLY_FULFILLED',
  scheduled: 'SCHEDULED',
  on_hold: 'ON_HOLD',
}

/** The same filters the orders query applies, checked again on what came back (and on webhook fetches). */
export function matchesFilters(o: RawOrder, f: OrderFilters): boolean {
  const financial = (o.displayFinancialStatus ?? '').toLowerCase()
  if (!f.financial_statuses.includes(financial)) return false
  const wanted = f.fulfillment_statuses.map((s) => FULFILMENT_DISPLAY[s] ?? s.toUpperCase())
  if (!wanted.includes(o.displayFulfillmentStatus)) return false
  if (f.order_status === 'open' && (o.closed || o.cancelledAt)) return false
  return true
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/
export function isValidEmail(v: string | null | undefined): v is string {
  return !!v && EMAIL_RE.test(v.trim())
}
export function isValidPhone(v: string | null | undefined): v is string {
  if (!v) return false
  const digits = v.replace(/\D/g, '')
  return /^\+?[\d\s().-]+$/.test(v.trim()) && digits.length >= 7 && digits.length <= 15
}

function isEmptyAddress(a: RawAddress | null | undefined): boolean {
  return (
    !a || ![a.address1, a.city, a.zip, a.lastName, a.firstName, a.company].some((x) => x?.trim())
  )
}

/** Company before the person's name, as the seed puts it. */
function addressInput(a: RawAddress | null | undefined): AddressInput {
  const person = [a?.firstName, a?.lastName]
    .map((x) => x?.trim())
    .filter(Boolean)
    .join(' ')
  const company = a?.company?.trim() || null
  return {
    name: [company, person].filter(Boolean).join(' ') || null,
    company,
    address1: a?.address1?.trim() || null,
    address2: a?.address2?.trim() || null,
    postCode: a?.zip?.trim() || null,
    city: a?.city?.trim() || null,
    state: a?.provinceCode?.trim() || null,
    countryCode: a?.countryCodeV2 ?? null,
    phone: a?.phone?.trim() || null,
    mobilePhone: a?.phone?.trim() || null,
  }
}

/** Attribute keys shipping apps leave on the order (pickup point / service point, delivery method). */
const SERVICE_POINT_KEYS = [
  'pickup_point',
  '_pickup_point',
  'pickup_point_id',
  'service_point',
  'service_point_id',
  'servicepointid',
]
const METHOD_KEYS = ['shipping_method', '_shipping_method', 'delivery_method']

function attribute(o: RawOrder, keys: string[]): string | null {
  for (const a of o.customAttributes ?? []) {
    if (keys.includes(a.key.toLowerCase()) && a.value?.trim()) return a.value.trim()
  }
  return null
}

function money(n: number): string {
  return (Math.round(n * 100) / 100).toFixed(2)
}

export interface OrderMapResult {
  /** null when no line of the order is assigned to the connection's location. */
  order: OrderInput | null
  /** The location's fulfilment orders, for logs/tests. */
  localFulfillmentOrders: number
}

export function toOrderInput(
  o: RawOrder,
  options: { locationId: string; fulfillmentOrders?: RawFulfillmentOrder[] },
): OrderMapResult {
  const fos = (options.fulfillmentOrders ?? o.fulfillmentOrders.nodes).filter(
    (fo) => fo.assignedLocation.location?.id === options.locationId && fo.status !== 'CANCELLED',
  )
  const refunded = new Map<string, number>()
  for (const r of o.refunds ?? [])
    for (const rl of r.refundLineItems.nodes)
      if (COUNTED_RESTOCK.has(rl.restockType.toUpperCase()))
        refunded.set(rl.lineItem.id, (refunded.get(rl.lineItem.id) ?? 0) + rl.quantity)

  const byLine = new Map<
    string,
    {
      line: RawFulfillmentOrder['lineItems']['nodes'][number]['lineItem']
      quantity: number
      fo: Array<{ fulfillment_order_id: string; id: string; quantity: number }>
    }
  >()
  for (const fo of fos) {
    for (const fl of fo.lineItems.nodes) {
      const entry = byLine.get(fl.lineItem.id) ?? { line: fl.lineItem, quantity: 0, fo: [] }
      entry.quantity += fl.totalQuantity
      entry.fo.push({ fulfillment_order_id: fo.id, id: fl.id, quantity: fl.totalQuantity })
      byLine.set(fl.lineItem.id, entry)
    }
  }
  const lines: OrderLineInput[] = []
  for (const { line, quantity: atLocation, fo } of byLine.values()) {
    const quantity = Math.min(atLocation, line.quantity - (refunded.get(line.id) ?? 0))
    // Nothing left to ship here (refunded, moved, fulfilled elsewhere). Below zero is inconsistent
    // data: passed on, so the order says so (invalid_quantity) instead of losing the line quietly.
    if (quantity === 0) continue
    const unit = Number(line.originalUnitPriceSet?.shopMoney.amount ?? 0)
    // totalDiscountSet covers all of the line's units; the warehouse line carries only the units
    // left after refunds and at this location, so it gets their share of the discount.
    const lineDiscount = Number(line.totalDiscountSet?.shopMoney.amount ?? 0)
    const discount =
      line.quantity > 0 && quantity < line.quantity
        ? Math.round((lineDiscount * quantity * 100) / line.quantity) / 100
        : lineDiscount
    const gross = unit * quantity
    const sku = line.sku?.trim() || null
    lines.push({
      externalLineId: line.id,
      // Seed: "Line item ⇒ SKU OR Line item ⇒ Variant id".
      articleNumber: sku ?? (line.variant ? legacyId(line.variant.id) : null),
      ...(!sku && line.variant ? { articleNumberFrom: 'variant id' } : {}),
      name: line.name,
      quantity,
      unitPrice: money(unit),
      lineTotal: money(gross),
      discount: discount > 0 ? money(discount) : null,
      meta: {
        line_item_id: line.id,
        variant_id: line.variant?.id ?? null,
        customs_value: money(gross - discount),
        fulfillment_order_lines: fo,
      },
    })
  }
  if (lines.length === 0 && !o.cancelledAt)
    return { order: null, localFulfillmentOrders: fos.length }

  const address = isEmptyAddress(o.shippingAddress) ? o.billingAddress : o.shippingAddress
  const customer = addressInput(address)
  const email = o.customer?.email?.trim() || o.email?.trim() || null
  const mobile = o.shippingAddress?.phone?.trim() || o.phone?.trim() || null
  const shippingLine = o.shippingLine ?? null
  const methodFromApp = attribute(o, METHOD_KEYS)
  const order: OrderInput = {
    externalId: o.id,
    orderNumber: o.name.replace(/^#/, ''),
    shopStatus: o.cancelledAt
      ? 'cancelled'
      : `${(o.displayFinancialStatus ?? 'unknown').toLowerCase()}/${o.displayFulfillmentStatus.toLowerCase()}`,
    orderDate: o.createdAt,
    currency: o.currencyCode,
    totalPrice: o.totalPriceSet.shopMoney.amount,
    remark: o.note?.trim() || null,
    deliveryInstruction: shippingLine?.title ?? null,
    shippingMethod: methodFromApp
      ? { code: methodFromApp, name: methodFromApp }
      : shippingLine
        ? { code: shippingLine.code ?? null, name: shippingLine.title }
        : null,
    servicePoint: attribute(o, SERVICE_POINT_KEYS),
    customer: {
      ...customer,
      customerNumber: legacyId(o.id),
      email: email,
      remark: o.customer?.note?.trim() || null,
    },
    invoiceAddress:
      o.billingAddress && !isEmptyAddress(o.billingAddress)
        ? { ...addressInput(o.billingAddress), email }
        : null,
    notification: {
      email,
      mobilePhone: mobile,
      telephone: o.shippingAddress?.phone?.trim() || null,
      notifyByEmail: isValidEmail(o.customer?.email ?? o.email),
      notifyBySms: isValidPhone(o.shippingAddress?.phone),
    },
    lines,
    cancelled: !!o.cancelledAt,
    meta: { order_id: o.id, legacy_id: legacyId(o.id), location_id: options.locationId },
  }
  return { order, localFulfillmentOrders: fos.length }
}
