/**
 * The one place the Shopify Admin API version is pinned. Shopify supports each quarterly version
 * for at least 12 months; an unsupported version silently "falls forward" to the oldest supported
 * one, so bump this deliberately and re-run the schema test (test/connectors/shopify/queries.test.ts).
 * Docs: https://shopify.dev/docs/api/usage/versioning
 */
export const SHOPIFY_API_VERSION = '2026-10'

/** Scopes the hub asks for at install. Docs: https://shopify.dev/docs/api/usage/access-scopes */
export const SHOPIFY_SCOPES = [
  'read_products',
  'read_inventory',
  'write_inventory',
  'read_locations',
  'read_orders',
  'write_orders',
  'read_merchant_managed_fulfillment_orders',
  'write_merchant_managed_fulfillment_orders',
  'write_fulfillments',
  'read_returns',
  'write_returns',
] as const

/** `{handle}.myshopify.com`, the only shop identity the Admin API accepts. */
export const SHOP_DOMAIN_RE = /^[a-zA-Z0-9][a-zA-Z0-9-]*\.myshopify\.com$/
