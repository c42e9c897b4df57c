/** The shop platforms Dockhand connects to. Browser-safe: bundled into the WordPress admin UI. */
export const PLATFORMS = ['woocommerce', 'shopify', 'bigcommerce'] as const
export type Platform = (typeof PLATFORMS)[number]

/** The sync processes a connection can switch on or off. */
export const PROCESSES = ['articles', 'orders', 'fulfilments', 'stock', 'returns'] as const
export type Process = (typeof PROCESSES)[number]

export function isPlatform(value: unknown): value is Platform {
  return typeof value === 'string' && (PLATFORMS as readonly string[]).includes(value)
}

/** BigCommerce's fixed order status table (GET /v2/order_statuses); merchants may relabel, ids stay. */
export const BIGCOMMERCE_ORDER_STATUSES: Readonly<Record<number, string>> = {
  0: 'Incomplete',
  1: 'Pending',
  2: 'Shipped',
  3: 'Partially Shipped',
  4: 'Refunded',
  5: 'Cancelled',
  6: 'Declined',
  7: 'Awaiting Payment',
  8: 'Awaiting Pickup',
  9: 'Awaiting Shipment',
  10: 'Completed',
  11: 'Awaiting Fulfillment',
  12: 'Manual Verification Required',
  13: 'Disputed',
  14: 'Partially Refunded',
}

/** WooCommerce core order statuses (slugs without `wc-`); plugins may add more. */
export const WOOCOMMERCE_ORDER_STATUSES = [
  'pending',
  'processing',
  'on-hold',
  'completed',
  'cancelled',
  'refunded',
  'failed',
  'checkout-draft',
] as const
