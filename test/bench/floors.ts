/**
 * The floor of each job: the fewest API calls the platform's documented page and batch sizes
 * allow for the work the job must do (see /work/shared/platforms and docs/performance.md).
 *
 * WooCommerce (docs §4, §7): list pages ≤ 100 (`per_page` max 100); variations are not in the
 *   products list, so each variable product's variations are one more list call
 *   (`GET products/{id}/variations?per_page=100`); stock writes go through
 *   `POST products/{id}/variations/batch`, ≤ 100 items and one parent per call.
 * Shopify (GraphQL, docs §3, §4, §6): connections ≤ 250 nodes and a query ≤ 1,000 cost points;
 *   the page sizes are bound by the cost of the fields the hub needs, as its connector documents
 *   them (hub/src/connectors/shopify/queries.ts): 125 variants (node cost 7), 5 orders (node cost
 *   ≈ 183: line items, fulfilment orders and refunds inside); `inventorySetQuantities` ≤ 250
 *   quantities per call.
 * BigCommerce (docs §4, §5, §7): v3 catalogue pages ≤ 250 products with `include=variants`; v2
 *   order pages ≤ 250, and `include=consignments.line_items&consignment_structure=object` on the
 *   list carries each order's lines and shipping consignments (orders.v2.oas2.yml, parameter
 *   `order_includes`), so no per-order read is needed; the status write-back (11 → 9, a default
 *   setting) is one `PUT /v2/orders/{id}` per order (v2 has no batch); inventory absolute
 *   adjustments ≤ 2,000 items per call.
 * Incremental run with nothing changed: one read per resource (products, orders); stock,
 *   fulfilments and returns have nothing to do and need no call.
 * Webhook: per order placed, one read of that order (payloads are triggers; BigCommerce's are
 *   light and must be fetched), plus BigCommerce's status write-back.
 */
import type { Platform } from '../proof/kits.ts'

export type JobName = 'products' | 'orders' | 'stock' | 'incremental' | 'webhook'

export interface Size {
  products: number
  variants: number
  orders: number
  /** Stock levels changed (every variant). */
  stock: number
  webhookOrders: number
}

const up = (a: number, b: number) => Math.ceil(a / b)

/** Connector page sizes bound by Shopify's query cost (hub/src/connectors/shopify/queries.ts). */
export const SHOPIFY_VARIANT_PAGE = 125
export const SHOPIFY_ORDER_PAGE = 5

export function floorOf(platform: Platform, job: JobName, s: Size): number {
  switch (platform) {
    case 'woocommerce':
      switch (job) {
        case 'products':
          return up(s.products, 100) + s.products * up(s.variants, 100)
        case 'orders':
          return up(s.orders, 100)
        case 'stock':
          // every variant of every product changed: one batch call per parent (≤ 100 each)
          return s.products * up(s.variants, 100)
        case 'incremental':
          return 2
        case 'webhook':
          return s.webhookOrders
      }
      break
    case 'shopify':
      switch (job) {
        case 'products':
          return up(s.products * s.variants, SHOPIFY_VARIANT_PAGE)
        case 'orders':
          return up(s.orders, SHOPIFY_ORDER_PAGE)
        case 'stock':
          return up(s.stock, 250)
        case 'incremental':
          return 2
        case 'webhook':
          return s.webhookOrders
      }
      break
    case 'bigcommerce':
      switch (job) {
        case 'products':
          return up(s.products, 250)
        case 'orders':
          return up(s.orders, 250) + s.orders
        case 'stock':
          return up(s.stock, 2000)
        case 'incremental':
          return 2
        case 'webhook':
          return 2 * s.webhookOrders
      }
  }
  throw new Error(`no floor for ${platform} ${job}`)
}

/** One line per platform and job: the formula behind the floor, for the printed legend. */
export const FLOOR_FORMULAS: Record<Platform, Record<JobName, string>> = {
  woocommerce: {
    products: '⌈P/100⌉ product pages + P × ⌈V/100⌉ variation lists',
    orders: '⌈N/100⌉ order pages',
    stock: 'P × ⌈V/100⌉ variation batch calls (one parent per batch)',
    incremental: '1 products read + 1 orders read',
    webhook: '1 order read per order',
  },
  shopify: {
    products: `⌈P·V/${SHOPIFY_VARIANT_PAGE}⌉ variant pages (cost-bound page size)`,
    orders: `⌈N/${SHOPIFY_ORDER_PAGE}⌉ order pages (cost-bound page size)`,
    stock: '⌈S/250⌉ inventorySetQuantities calls',
    incremental: '1 variants read + 1 orders read',
    webhook: '1 order read per order',
  },
  bigcommerce: {
    products: '⌈P/250⌉ product pages with include=variants',
    orders: '⌈N/250⌉ order pages with include=consignments.line_items + N status writes',
    stock: '⌈S/2000⌉ absolute adjustments',
    incremental: '1 products read + 1 orders read',
    webhook: '1 order read + 1 status write per order',
  },
}
