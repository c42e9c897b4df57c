/**
 * Connection settings per platform, with the defaults from the seeds (../shared/seeds).
 * The hub validates with these schemas; the WordPress plugin validates its form with the same ones.
 * Browser-safe: no node: imports.
 */
import { z } from 'zod'
import { BIGCOMMERCE_ORDER_STATUSES } from './platforms.ts'

const processes = (stockDefault: boolean) =>
  z
    .object({
      articles: z.boolean().default(true),
      orders: z.boolean().default(true),
      fulfilments: z.boolean().default(true),
      stock: z.boolean().default(stockDefault),
      returns: z.boolean().default(true),
    })
    .prefault({})

const common = {
  /** Minutes between scheduled runs. Seeds: every 15 minutes. */
  interval_minutes: z.number().int().min(1).max(1440).default(15),
  /** "automatic" imports every shop product as an article; "manual" lists them for selection (OGOship seed). */
  article_import: z.enum(['automatic', 'manual']).default('automatic'),
  /** Register platform webhooks pointing at the hub (needs DOCKHAND_PUBLIC_URL). Polling stays as the safety net. */
  webhooks: z.boolean().default(true),
  /** Hour (0-23, UTC) of the daily full stock reconcile. */
  stock_reconcile_hour_utc: z.number().int().min(0).max(23).default(3),
  /**
   * Stock safety guard: a push that would set more than this share of the shop's stocked variants to
   * zero at once is held for confirmation instead of sent.
   */
  stock_zero_guard_share: z.number().min(0).max(1).default(0.2),
}

export const wooCommerceSettingsSchema = z.object({
  ...common,
  processes: processes(true),
  /** Product status that makes a product an article. Seed default: "Publish". */
  product_status: z.enum(['publish', 'draft', 'pending', 'private', 'any']).default('publish'),
  /** Order statuses pulled into the warehouse. Seed default: "Processing". */
  order_statuses: z.array(z.string().min(1).max(40)).min(1).default(['processing']),
  /** Virtual products/variations become stock articles (seed default) or non-stock articles. */
  virtual_products_as_stock_articles: z.boolean().default(true),
  /** Product categories are synchronised. Seed: off by default. */
  sync_categories: z.boolean().default(false),
  /** Variants without unique SKUs are keyed by product code (id) instead. Seed default: No. */
  key_by_product_code_when_sku_missing: z.boolean().default(false),
  /** Set shipped orders to completed and send tracking. Seed default: Yes. */
  complete_orders: z.boolean().default(true),
  /** When to complete: on any shipment, or only once a tracking number exists (seed default). */
  complete_when: z.enum(['shipment', 'tracking_number']).default('tracking_number'),
  /** Transfer tracking numbers/links. Seed default: Yes. */
  send_tracking: z.boolean().default(true),
  /** Where tracking goes: the Shipment Tracking extension's API, or order notes. */
  tracking_via: z.enum(['notes', 'shipment_tracking']).default('notes'),
  /** Tracking notes are visible to the customer (and e-mailed) or private. */
  tracking_note_customer_visible: z.boolean().default(true),
  /** Plain-HTTP shops are signed with OAuth 1.0a. Seed default: SHA256. */
  oauth_signature_method: z.enum(['HMAC-SHA256', 'HMAC-SHA1']).default('HMAC-SHA256'),
  /** Send keys in the query string for hosts that strip the Authorization header. */
  query_string_auth: z.boolean().default(false),
  /** Refunds restock in WooCommerce. Off: the warehouse owns stock. */
  refund_restock: z.boolean().default(false),
  /** Seed item 2 (WooCommerce version): wc/v3 for WooCommerce 3.5+, wc/v2 for 3.0-3.4. */
  api_version: z.enum(['wc/v3', 'wc/v2']).default('wc/v3'),
  /**
   * Status written after an order is imported. WooCommerce has no "awaiting shipment" status, so
   * by default nothing is written; a custom status slug (e.g. from a plugin) can be set here.
   */
  status_after_import: z.string().min(1).max(40).nullable().default(null),
  /** Order notification flags (seed: NotifyByEmail/NotifyBySms True, "affected by settings"). */
  notify_by_email: z.boolean().default(true),
  notify_by_sms: z.boolean().default(true),
  /** Seconds before a request to the shop is given up (and retried). */
  request_timeout_seconds: z.number().int().min(1).max(300).default(30),
})

export const shopifySettingsSchema = z.object({
  ...common,
  processes: processes(true),
  /** The Shopify location (GID) this warehouse is. Only lines assigned to it are imported. */
  location_id: z
    .string()
    .regex(/^gid:\/\/shopify\/Location\/\d+$/)
    .optional(),
  /** Financial statuses pulled. Seed default: Authorized, Paid. */
  financial_statuses: z
    .array(
      z.enum([
        'pending',
        'authorized',
        'partially_paid',
        'paid',
        'partially_refunded',
        'refunded',
        'voided',
        'expired',
      ]),
    )
    .min(1)
    .default(['authorized', 'paid']),
  /** Fulfilment statuses pulled. Seed default: unshipped. */
  fulfillment_statuses: z
    .array(z.enum(['unfulfilled', 'partial', 'scheduled', 'on_hold']))
    .min(1)
    .default(['unfulfilled', 'partial']),
  /** Order status pulled. Seed default: open. */
  order_status: z.enum(['open', 'any']).default('open'),
  /** First run looks back this many hours. Seed: 24. */
  first_run_lookback_hours: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(24),
  /** Fetch inventory items for cost, country of origin and HS code. */
  fetch_inventory_items: z.boolean().default(false),
  /** Which article price field inventory-item cost fills. */
  cost_field: z.enum(['customer_price', 'purchase_price']).default('purchase_price'),
  /** Create fulfilments automatically on each run (otherwise triggered by hand per order). */
  fulfil_automatically: z.boolean().default(true),
  /**
   * Which orders are fulfilled automatically (the seed's "filters for which orders should be
   * fulfilled"); the others wait until triggered by hand (POST /api/v1/orders/{id}/fulfil).
   */
  fulfil_filter: z
    .object({
      /** Only orders with one of these warehouse ways of delivery; empty: all. */
      ways_of_delivery: z.array(z.string().min(1).max(80)).max(100).default([]),
      /** Part shipments wait and go together with the last one. */
      only_when_fully_shipped: z.boolean().default(false),
    })
    .prefault({}),
  notify_customer: z.boolean().default(false),
  capture_payment_on_fulfilment: z.boolean().default(false),
  refund_restock: z.boolean().default(false),
})

const bcStatusId = z
  .union([z.number().int(), z.string()])
  .transform((value, ctx) => {
    if (typeof value === 'number') return value
    const byName = Object.entries(BIGCOMMERCE_ORDER_STATUSES).find(
      ([, name]) => name.toLowerCase() === value.trim().toLowerCase(),
    )
    if (byName) return Number(byName[0])
    if (/^\d+$/.test(value)) return Number(value)
    ctx.addIssue({ code: 'custom', message: `unknown BigCommerce order status "${value}"` })
    return z.NEVER
  })
  .pipe(
    z
      .number()
      .int()
      .refine((id) => id in BIGCOMMERCE_ORDER_STATUSES, 'BigCommerce order status ids are 0 to 14'),
  )

export const bigCommerceSettingsSchema = z.object({
  ...common,
  processes: processes(false),
  /** Status ids pulled. Seed default: 11 "Awaiting Fulfillment". Names are accepted too. */
  pull_status_ids: z.array(bcStatusId).min(1).default([11]),
  /** Status written after the pull. Seed default: 9 "Awaiting Shipment". */
  after_pull_status_id: bcStatusId.default(9),
  /** Status when everything is shipped. Seed default: 2 "Shipped". */
  shipped_status_id: bcStatusId.default(2),
  /** Status while only part is shipped: 3 "Partially Shipped". */
  partially_shipped_status_id: bcStatusId.default(3),
  /** Inventory location stock is written to (BigCommerce's default location is 1). */
  inventory_location_id: z.number().int().min(1).default(1),
})

export type WooCommerceSettings = z.infer<typeof wooCommerceSettingsSchema>
export type ShopifySettings = z.infer<typeof shopifySettingsSchema>
export type BigCommerceSettings = z.infer<typeof bigCommerceSettingsSchema>

export const settingsSchemas = {
  woocommerce: wooCommerceSettingsSchema,
  shopify: shopifySettingsSchema,
  bigcommerce: bigCommerceSettingsSchema,
} as const

export type SettingsFor<P extends keyof typeof settingsSchemas> = z.infer<
  (typeof settingsSchemas)[P]
>

/** Defaults per platform, as the hub applies them (shown in the WordPress plugin). */
export function defaultSettings<P extends keyof typeof settingsSchemas>(
  platform: P,
): SettingsFor<P> {
  return settingsSchemas[platform].parse({}) as SettingsFor<P>
}
