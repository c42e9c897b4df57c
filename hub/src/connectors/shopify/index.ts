/**
 * The Shopify connector (GraphQL Admin API, version pinned in version.ts).
 *
 * @example
 * registry.register(createShopifyConnector())
 * // tests: run on the simulator's clock, so pacing and back-off never really sleep
 * registry.register(createShopifyConnector({ now: () => clock, sleep: async (ms) => { clock += ms } }))
 */
import type { ShopifySettings } from '../../../../shared/src/settings.ts'
import { HubError } from '../../errors.ts'
import type { Connector, DeliveryOutcome } from '../../sync/connector.ts'
import { defaultRuntime, ShopifyError, type ShopifyRuntime } from './client.ts'
import { pullArticles } from './pull-articles.ts'
import { fetchOrders, pullOrders } from './pull-orders.ts'
import { pushFulfilment } from './push-fulfilment.ts'
import { pushRefund } from './push-refund.ts'
import { pushStock, readStock } from './push-stock.ts'
import { STOCK_BATCH_SIZE } from './queries.ts'
import { testConnection } from './test-connection.ts'
import { SHOP_DOMAIN_RE } from './version.ts'
import { ensureWebhooks, verifyWebhook } from './webhooks.ts'

export function parseShopifyConnection(input: {
  base_url?: string | undefined
  shop_ref?: string | undefined
  credentials: Record<string, unknown>
}) {
  const shop = (input.shop_ref ?? '').trim().toLowerCase()
  if (!SHOP_DOMAIN_RE.test(shop))
    throw new HubError(
      'validation_failed',
      `shop_ref must be the shop's permanent domain, like "my-shop.myshopify.com" (got "${input.shop_ref ?? ''}"). Custom domains are not accepted by the Admin API.`,
    )
  let baseUrl = `https://${shop}`
  if (input.base_url?.trim()) {
    let url: URL
    try {
      url = new URL(input.base_url.trim())
    } catch {
      throw new HubError('validation_failed', `base_url "${input.base_url}" is not a URL.`)
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new HubError('validation_failed', 'base_url must start with https://.')
    baseUrl = url.origin
  }
  const token = input.credentials.access_token
  if (typeof token !== 'string' || !token.trim())
    throw new HubError(
      'validation_failed',
      'credentials.access_token is required: install the app, or paste the Admin API access token of a custom app (starts with "shpat_").',
    )
  const credentials: Record<string, string> = { access_token: token.trim() }
  const secret = input.credentials.api_secret
  if (secret !== undefined && secret !== null && secret !== '') {
    if (typeof secret !== 'string')
      throw new HubError('validation_failed', 'credentials.api_secret must be text.')
    credentials.api_secret = secret.trim()
  }
  return { baseUrl, shopRef: shop, credentials }
}

function outcomeOf(err: unknown): DeliveryOutcome {
  if (err instanceof ShopifyError)
    return err.retryable
      ? {
          status: 'retry',
          reason: err.message,
          ...(err.retryAfterMs ? { retryAfterMs: err.retryAfterMs } : {}),
        }
      : { status: 'failed', reason: err.message }
  throw err
}

export function createShopifyConnector(
  runtime: Partial<ShopifyRuntime> = {},
): Connector<ShopifySettings> & { runtime: ShopifyRuntime } {
  const rt: ShopifyRuntime = { ...defaultRuntime(), ...runtime }
  return {
    platform: 'shopify',
    processes: ['articles', 'orders', 'fulfilments', 'stock', 'returns'],
    stockBatchSize: STOCK_BATCH_SIZE,
    runtime: rt,
    parseConnection: parseShopifyConnection,
    testConnection: (ctx) => testConnection(ctx, rt),
    pullArticles: (ctx, from, options) => pullArticles(ctx, rt, from, options),
    pullOrders: (ctx, from) => pullOrders(ctx, rt, from),
    fetchOrders: (ctx, ids) => fetchOrders(ctx, rt, ids),
    readStock: (ctx, targets) => readStock(ctx, rt, targets),
    async deliver(ctx, write) {
      try {
        switch (write.kind) {
          case 'fulfilment':
            return await pushFulfilment(ctx, rt, write)
          case 'stock.set':
            return await pushStock(ctx, rt, write)
          case 'refund':
            return await pushRefund(ctx, rt, write)
          default:
            return {
              status: 'failed',
              reason: `The Shopify connector does not handle "${write.kind}" writes.`,
            }
        }
      } catch (err) {
        return outcomeOf(err)
      }
    },
    ensureWebhooks: (ctx, options) => ensureWebhooks(ctx, rt, options),
    verifyWebhook: (ctx, request) => verifyWebhook(ctx, request),
  }
}
