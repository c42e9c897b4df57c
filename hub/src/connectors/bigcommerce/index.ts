/**
 * The BigCommerce connector: store-level API account (store hash + access token), orders v2,
 * catalog/inventory/webhooks v3. See ../../../../shared/platforms/bigcommerce.md in the reference
 * material for the API facts this relies on.
 */
import { HubError } from '../../errors.ts'
import type { Connector, ConnectorContext } from '../../sync/connector.ts'
import { BcClient, type ClientOptions, DEFAULT_ORIGIN } from './client.ts'
import { pullArticles } from './pull-articles.ts'
import { fetchOrders, pullOrders } from './pull-orders.ts'
import { pushFulfilment } from './push-fulfilment.ts'
import { pushRefund } from './push-refund.ts'
import { pushStatus } from './push-status.ts'
import { pushStock, readStock, STOCK_BATCH } from './push-stock.ts'
import { settingsOf } from './settings.ts'
import { testConnection } from './test-connection.ts'
import { ensureWebhooks, verifyWebhook } from './webhooks.ts'

const HASH = /^[a-z0-9]{4,20}$/

/**
 * The store hash from what a person pasted: the hash itself, the API path
 * (`https://api.bigcommerce.com/stores/{hash}/v3/`), `stores/{hash}`, or the control-panel host
 * `store-{hash}.mybigcommerce.com`. Returns the origin too when a whole URL was pasted.
 */
export function parseStoreRef(input: string): { hash: string; origin: string | null } | null {
  const s = input.trim()
  const fromPath = /(?:^|\/)stores\/([A-Za-z0-9]+)(?:\/|$)/.exec(s)
  if (fromPath) {
    let origin: string | null = null
    try {
      origin = new URL(s).origin
    } catch {
      origin = null
    }
    return { hash: fromPath[1]!.toLowerCase(), origin }
  }
  const fromHost = /(?:^|\/\/)store-([a-z0-9]+)\.mybigcommerce\.com/i.exec(s)
  if (fromHost) return { hash: fromHost[1]!.toLowerCase(), origin: null }
  return HASH.test(s.toLowerCase()) ? { hash: s.toLowerCase(), origin: null } : null
}

function parseOrigin(raw: string): string {
  let u: URL
  try {
    u = new URL(raw)
  } catch {
    throw new HubError('validation_failed', `base_url "${raw}" is not a URL.`)
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback))
    throw new HubError(
      'validation_failed',
      'base_url must use https (plain http is only accepted for a local test server).',
    )
  return u.origin
}

export function createBigCommerceConnector(options: ClientOptions = {}): Connector {
  const client = (ctx: ConnectorContext) => new BcClient(ctx, options)
  return {
    platform: 'bigcommerce',
    processes: ['articles', 'orders', 'fulfilments', 'stock', 'returns'],
    stockBatchSize: STOCK_BATCH,

    parseConnection(input) {
      const ref = input.shop_ref?.trim() ?? ''
      if (!ref)
        throw new HubError(
          'validation_failed',
          'shop_ref is required: the store hash, or the API path shown on the API account (https://api.bigcommerce.com/stores/{hash}/v3/).',
        )
      const parsed = parseStoreRef(ref)
      if (!parsed)
        throw new HubError(
          'validation_failed',
          `"${ref}" is not a BigCommerce store hash or API path; paste the API path from Settings → Store-level API accounts, e.g. https://api.bigcommerce.com/stores/abc123/v3/.`,
        )
      const token = input.credentials.access_token
      if (typeof token !== 'string' || token.trim().length < 8)
        throw new HubError(
          'validation_failed',
          'credentials.access_token is required: the access token shown once when the API account was created.',
        )
      const baseUrl = input.base_url?.trim()
        ? parseOrigin(input.base_url.trim())
        : parsed.origin
          ? parseOrigin(parsed.origin)
          : DEFAULT_ORIGIN
      return { baseUrl, shopRef: parsed.hash, credentials: { access_token: token.trim() } }
    },

    testConnection: (ctx) => testConnection(ctx, client(ctx)),
    pullArticles: (ctx, from, opts) => pullArticles(ctx, client(ctx), from, opts),
    pullOrders: (ctx, from) => pullOrders(ctx, client(ctx), from),
    fetchOrders: (ctx, ids) => fetchOrders(ctx, client(ctx), ids),

    afterOrderImported(ctx, order) {
      const s = settingsOf(ctx)
      const current = Number(order.meta?.status_id)
      if (!s.pull_status_ids.includes(current) || current === s.after_pull_status_id) return []
      return [
        {
          kind: 'order.status',
          payload: {
            external_order_id: order.externalId,
            status_id: s.after_pull_status_id,
            only_from: s.pull_status_ids,
          },
        },
      ]
    },

    readStock: (ctx, targets) =>
      readStock(client(ctx), targets, settingsOf(ctx).inventory_location_id),

    async deliver(ctx, write) {
      const s = settingsOf(ctx)
      switch (write.kind) {
        case 'order.status':
          return pushStatus(client(ctx), write)
        case 'fulfilment':
          return pushFulfilment(client(ctx), write, {
            shipped: s.shipped_status_id,
            partial: s.partially_shipped_status_id,
          })
        case 'stock.set':
          return pushStock(client(ctx), write, s.inventory_location_id)
        case 'refund':
          return pushRefund(client(ctx), write)
        default:
          return {
            status: 'failed',
            reason: `The BigCommerce connector does not perform "${write.kind}" writes.`,
          }
      }
    },

    ensureWebhooks: (ctx) => ensureWebhooks(ctx, client(ctx)),
    verifyWebhook: (ctx, request) => verifyWebhook(ctx, request),
  }
}

export const bigCommerceConnector = createBigCommerceConnector()
