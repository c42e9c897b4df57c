/**
 * WooCommerce order → warehouse order, per the seed's field mapping
 * (../shared/seeds/001_20cb58b7855d00ff.txt). Pure: no clock, network or database.
 */
import type { AddressInput, CustomerInput, OrderInput } from '../../domain/types.ts'
import type { WooAddress, WooOrder } from './payloads.ts'

/** Shop statuses that mean "do not ship": the warehouse order is cancelled if picking hasn't started. */
export const CANCELLED_STATUSES = ['cancelled', 'refunded', 'trash'] as const

export interface OrderMapOptions {
  notifyByEmail?: boolean
  notifyBySms?: boolean
  /** The registered customer's e-mail, when the caller looked it up ("Customer (if set) ⇒ Email"). */
  customerEmail?: string | null
}

const blank = (s: string | null | undefined): string | null => {
  const t = (s ?? '').trim()
  return t === '' ? null : t
}

function personName(a: WooAddress): string | null {
  return blank(`${a.first_name} ${a.last_name}`)
}

/** "Company (if set, otherwise first name + last name)". */
function displayName(a: WooAddress): string | null {
  return blank(a.company) ?? personName(a)
}

function hasAddress(a: WooAddress): boolean {
  return !!(blank(a.address_1) || blank(a.first_name) || blank(a.last_name) || blank(a.company))
}

/** WooCommerce `_gmt` dates have no zone; they are UTC. */
export function gmtToIso(value: string | null | undefined): string | null {
  if (!value) return null
  const t = Date.parse(`${value.slice(0, 19)}Z`)
  return Number.isNaN(t) ? null : new Date(t).toISOString()
}

function money(value: number | string | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null
  return String(value)
}

export function toOrderInput(order: WooOrder, options: OrderMapOptions = {}): OrderInput {
  const billing = order.billing
  // Shipping address per the seed; an order without any shipping address (virtual goods, some
  // local-pickup checkouts) falls back to the billing address so the warehouse has one.
  const ship = hasAddress(order.shipping) ? order.shipping : billing
  const email = blank(options.customerEmail) ?? blank(billing.email)
  const phone = blank(billing.phone)
  const company = blank(ship.company)
  const customer: CustomerInput = {
    name: displayName(ship),
    company,
    address1: blank(ship.address_1),
    address2: blank(ship.address_2),
    postCode: blank(ship.postcode),
    city: blank(ship.city),
    state: blank(ship.state),
    countryCode: blank(ship.country),
    email,
    mobilePhone: phone,
    // Seed: SalesCode = shipping first + last name, only when a company name is set.
    salesCode: company ? personName(ship) : null,
  }
  const invoiceAddress: AddressInput = {
    name: displayName(billing),
    company: blank(billing.company),
    address1: blank(billing.address_1),
    address2: blank(billing.address_2),
    postCode: blank(billing.postcode),
    city: blank(billing.city),
    state: blank(billing.state),
    countryCode: blank(billing.country),
    email: blank(billing.email),
    mobilePhone: phone,
  }
  const first = order.shipping_lines[0]
  const shippingMethod = first
    ? { code: blank(first.method_id), name: blank(first.method_title) }
    : null
  return {
    externalId: String(order.id),
    orderNumber: order.number || String(order.id),
    shopStatus: order.status,
    orderDate: gmtToIso(order.date_created_gmt),
    currency: blank(order.currency),
    totalPrice: money(order.total),
    remark: blank(order.customer_note),
    shippingMethod,
    customer,
    invoiceAddress,
    notification: {
      email,
      mobilePhone: phone,
      telephone: phone,
      notifyByEmail: options.notifyByEmail ?? true,
      notifyBySms: options.notifyBySms ?? true,
    },
    lines: order.line_items.map((li) => ({
      externalLineId: String(li.id),
      articleNumber: blank(li.sku),
      name: li.name,
      quantity: li.quantity,
      unitPrice: money(li.price),
      lineTotal: money(li.total),
      meta: { item_id: li.id, product_id: li.product_id, variation_id: li.variation_id },
    })),
    cancelled: (CANCELLED_STATUSES as readonly string[]).includes(order.status),
    meta: { order_id: order.id },
  }
}
