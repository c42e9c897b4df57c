/**
 * The WooCommerce connector: articles from products/variations, orders in the pull statuses,
 * completion with tracking, stock through the batch endpoints, refunds for returns, webhooks.
 *
 * @example
 * const registry = new ConnectorRegistry().register(wooCommerceConnector)
 * // POST /api/v1/connections {platform:'woocommerce', base_url:'https://shop.example.com',
 * //   credentials:{consumer_key:'ck_…', consumer_secret:'cs_…'}}
 */
import type { WooCommerceSettings } from '../../../../shared/src/settings.ts'
import { HubError } from '../../errors.ts'
import type { Connector, DeliveryOutcome, OutboxWrite } from '../../sync/connector.ts'
import { WooClient, writeOutcome } from './client.ts'
import { pullArticles } from './pull-articles.ts'
import { fetchOrders, pullOrders } from './pull-orders.ts'
import { pushFulfilment, shopOrderId } from './push-fulfilment.ts'
import { pushRefund } from './push-refund.ts'
import { pushStock, readStock } from './push-stock.ts'
import { testConnection } from './test-connection.ts'
import { ensureWebhooks, verifyWebhook } from './webhooks.ts'

const KEY_RE = /^ck_[0-9a-f]{40}$/i
const SECRET_RE = /^cs_[0-9a-f]{40}$/i

/** The shop's own URL from what a person typed (also accepts the REST URL the seed mentions). */
export function normaliseShopUrl(input: string | undefined): string {
  const raw = (input ?? '').trim()
  if (!raw) throw new HubError('validation_failed', 'Enter the shop URL, e.g. https://myshop.com.')
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new HubError(
      'validation_failed',
      `"${raw}" is not a web address; enter the shop URL, e.g. https://myshop.com.`,
    )
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new HubError('validation_failed', 'The shop URL must start with https:// or http://.')
  const path = url.pathname.replace(/\/wp-json(\/.*)?$/, '').replace(/\/+$/, '')
  return `${url.protocol}//${url.host}${path}`
}

/** Status write requested by the `status_after_import` setting. */
async function pushStatus(client: WooClient, write: OutboxWrite) {
  const p = write.payload as { external_order_id: string; status: string; order_number?: string }
  const id = shopOrderId(p)
  try {
    if (write.attempt > 1) {
      const order = await client.get<{ status?: string }>(`orders/${id}`)
      if (order.data?.status === p.status) return { status: 'done' as const }
    }
    // Docs: https://woocommerce.github.io/woocommerce-rest-api-docs/#update-an-order
    await client.write('put', `orders/${id}`, { status: p.status })
    return { status: 'done' as const }
  } catch (err) {
    return writeOutcome(err, `setting order ${p.order_number ?? id} to "${p.status}"`)
  }
}

export const wooCommerceConnector: Connector<WooCommerceSettings> = {
  platform: 'woocommerce',
  processes: ['articles', 'orders', 'fulfilments', 'stock', 'returns'],
  stockBatchSize: 100,
  // As within one pull (claimArticleNumbers): the record that had the SKU first keeps the article.
  sharedSkus: 'first',

  parseConnection(input) {
    const baseUrl = normaliseShopUrl(input.base_url)
    const key = String(input.credentials.consumer_key ?? '').trim()
    const secret = String(input.credentials.consumer_secret ?? '').trim()
    if (!KEY_RE.test(key))
      throw new HubError(
        'validation_failed',
        key.startsWith('cs_')
          ? 'The consumer key starts with "cs_": that is the consumer secret. The key starts with "ck_".'
          : 'The consumer key should look like "ck_" followed by 40 letters and digits, as WooCommerce shows it.',
      )
    if (!SECRET_RE.test(secret))
      throw new HubError(
        'validation_failed',
        'The consumer secret should look like "cs_" followed by 40 letters and digits, as WooCommerce shows it.',
      )
    return {
      baseUrl,
      shopRef: baseUrl,
      credentials: { consumer_key: key, consumer_secret: secret },
    }
  },

  testConnection: (ctx) => testConnection(ctx, new WooClient(ctx)),
  pullArticles: (ctx, from, options) => pullArticles(ctx, new WooClient(ctx), from, options),
  pullOrders: (ctx, from) => pullOrders(ctx, new WooClient(ctx), from),
  fetchOrders: (ctx, ids) => fetchOrders(ctx, new WooClient(ctx), ids),

  afterOrderImported(ctx, order) {
    const status = ctx.settings.status_after_import
    if (!status || order.shopStatus === status) return []
    return [
      {
        kind: 'order.status',
        payload: {
          external_order_id: order.externalId,
          order_number: order.orderNumber,
          status,
          order_meta: order.meta ?? {},
        },
      },
    ]
  },

  readStock: (ctx, targets) => readStock(ctx, new WooClient(ctx), targets),

  async deliver(ctx, write): Promise<DeliveryOutcome> {
    const client = new WooClient(ctx)
    switch (write.kind) {
      case 'fulfilment':
        return pushFulfilment(ctx, client, write)
      case 'stock.set':
        return pushStock(ctx, client, write)
      case 'refund':
        return pushRefund(ctx, client, write)
      case 'order.status':
        return pushStatus(client, write)
      default:
        return {
          status: 'failed',
          reason: `The WooCommerce connector does not write "${write.kind}".`,
        }
    }
  },

  ensureWebhooks: (ctx) => ensureWebhooks(ctx, new WooClient(ctx)),
  verifyWebhook: (ctx, request) => verifyWebhook(ctx, request),
}
