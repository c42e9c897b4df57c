/**
 * Webhooks: subscribe to order and product topics (re-created each run: Shopify deletes
 * API-created subscriptions after repeated failed deliveries), and verify deliveries —
 * base64 HMAC-SHA256 of the raw body with the app's secret, checked before parsing.
 * Docs: https://shopify.dev/docs/apps/build/webhooks/verify-deliveries ,
 * https://shopify.dev/docs/api/admin-graphql/latest/mutations/webhookSubscriptionCreate ,
 * https://shopify.dev/docs/apps/build/compliance/privacy-law-compliance
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { z } from 'zod'
import type { RecordIssue } from '../../domain/types.ts'
import type { ConnectorContext, WebhookVerification } from '../../sync/connector.ts'
import {
  type ShopifyRuntime,
  type UserError,
  userErrorReason,
  webhookSigningSecret,
} from './client.ts'
import { webhookOrderRefSchema, webhookOrderSchema, webhookProductSchema } from './payloads.ts'
import { WEBHOOK_SUBSCRIPTION_CREATE, WEBHOOK_SUBSCRIPTIONS_QUERY } from './queries.ts'
import { clientFor, type Page, type ShopifyContext } from './shared.ts'

export const WEBHOOK_TOPICS = [
  'ORDERS_CREATE',
  'ORDERS_UPDATED',
  'ORDERS_PAID',
  'ORDERS_CANCELLED',
  'PRODUCTS_CREATE',
  'PRODUCTS_UPDATE',
] as const

/** Mandatory for public apps; configured in the app's TOML and delivered to the same receiver. */
export const PRIVACY_TOPICS = ['customers/data_request', 'customers/redact', 'shop/redact']

export async function ensureWebhooks(
  ctx: ShopifyContext,
  rt: ShopifyRuntime,
  options: { registeredBefore?: boolean } = {},
): Promise<RecordIssue[]> {
  const uri = ctx.webhookUrl
  if (!uri) return []
  if (!webhookSigningSecret(ctx))
    return [
      {
        code: 'webhooks_unverifiable',
        message:
          "Webhooks are not registered: the connection has no app API secret to verify them with. Add the custom app's API secret key as credentials.api_secret, or install through the Dockhand app. Polling keeps running.",
        level: 'warning',
      },
    ]
  const client = clientFor(ctx, rt)
  const have = new Set<string>()
  let after: string | null = null
  for (;;) {
    const data: { webhookSubscriptions: Page<{ topic: string; uri: string | null }> } =
      await client.request(WEBHOOK_SUBSCRIPTIONS_QUERY, { first: 100, after })
    for (const s of data.webhookSubscriptions.nodes) if (s.uri === uri) have.add(s.topic)
    if (!data.webhookSubscriptions.pageInfo.hasNextPage) break
    after = data.webhookSubscriptions.pageInfo.endCursor
  }
  const issues: RecordIssue[] = []
  const missing = WEBHOOK_TOPICS.filter((t) => !have.has(t))
  // Some still there, or all registered on an earlier run: the missing ones were removed by Shopify.
  const recreating = have.size > 0 || options.registeredBefore === true
  for (const topic of missing) {
    const res = await client.request<{
      webhookSubscriptionCreate: { userErrors: UserError[] }
    }>(WEBHOOK_SUBSCRIPTION_CREATE, {
      topic,
      webhookSubscription: { uri, format: 'JSON' },
    })
    const reason = userErrorReason(res.webhookSubscriptionCreate.userErrors)
    if (reason)
      issues.push({
        code: 'webhook_subscription_failed',
        message: `Shopify would not create the ${topic} webhook: ${reason}. Polling keeps running.`,
        level: 'warning',
      })
    else if (recreating)
      issues.push({
        code: 'webhook_recreated',
        message: `The ${topic} webhook was missing in Shopify (Shopify removes subscriptions after repeated failed deliveries) and was created again.`,
        level: 'warning',
      })
  }
  return issues
}

function gidOf(
  type: string,
  body: { id: number | string; admin_graphql_api_id?: string | undefined },
) {
  return body.admin_graphql_api_id ?? `gid://shopify/${type}/${body.id}`
}

const orderIdList = z.array(z.union([z.number().int(), z.string().regex(/^\d+$/)])).default([])
const privacyBodySchema = z.object({
  customer: z.object({ id: z.union([z.number(), z.string()]).nullish() }).nullish(),
  orders_to_redact: orderIdList,
  orders_requested: orderIdList,
  data_request: z.object({ id: z.union([z.number(), z.string()]) }).nullish(),
})

/**
 * customers/redact → erase the customer's data on `orders_to_redact`; shop/redact (48 hours after
 * uninstall) → erase all of the shop's orders' personal data; customers/data_request → report
 * which of `orders_requested` the hub holds. Payloads per
 * https://shopify.dev/docs/apps/build/compliance/privacy-law-compliance
 */
function privacyRequest(
  topic: string,
  body: unknown,
): Pick<WebhookVerification, 'privacy' | 'ignore'> {
  const p = privacyBodySchema.safeParse(body)
  if (!p.success) return { ignore: true }
  const gids = (ids: Array<number | string>) => ids.map((id) => `gid://shopify/Order/${id}`)
  if (topic === 'shop/redact') return { privacy: { kind: 'shop_erasure', orders: null } }
  if (topic === 'customers/redact')
    return {
      privacy: {
        kind: 'customer_erasure',
        orders: gids(p.data.orders_to_redact),
        reference: p.data.customer?.id != null ? `customer ${p.data.customer.id}` : null,
      },
    }
  return {
    privacy: {
      kind: 'data_request',
      orders: gids(p.data.orders_requested),
      reference: p.data.data_request ? `data request ${p.data.data_request.id}` : null,
    },
  }
}

export function verifyWebhook(
  ctx: ConnectorContext,
  request: { headers: Headers; rawBody: string },
): WebhookVerification {
  const secret = webhookSigningSecret(ctx)
  if (!secret)
    return { ok: false, reason: 'This connection has no secret to verify Shopify webhooks.' }
  const given = request.headers.get('x-shopify-hmac-sha256') ?? ''
  const expected = createHmac('sha256', secret).update(request.rawBody, 'utf8').digest('base64')
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  if (a.length !== b.length || !timingSafeEqual(a, b))
    return { ok: false, reason: 'The X-Shopify-Hmac-Sha256 signature does not match the body.' }
  const shop = request.headers.get('x-shopify-shop-domain')
  if (shop && ctx.connection.shopRef && shop.toLowerCase() !== ctx.connection.shopRef.toLowerCase())
    return { ok: false, reason: `The webhook is from ${shop}, not from this connection's shop.` }
  const topic = (request.headers.get('x-shopify-topic') ?? '').toLowerCase()
  const deliveryId = request.headers.get('x-shopify-webhook-id') ?? undefined
  const base = deliveryId ? { ok: true, deliveryId } : { ok: true }
  let body: unknown
  try {
    body = JSON.parse(request.rawBody)
  } catch {
    return { ok: false, reason: 'The webhook body is not JSON.' }
  }
  // The mandatory privacy topics: the hub erases (or reports) what it holds of the customer.
  if (PRIVACY_TOPICS.includes(topic)) return { ...base, ...privacyRequest(topic, body) }
  if (topic.startsWith('orders/')) {
    const o = webhookOrderSchema.safeParse(body)
    return o.success ? { ...base, orders: [gidOf('Order', o.data)] } : { ...base, ignore: true }
  }
  if (topic.startsWith('refunds/') || topic.startsWith('fulfillments/')) {
    const r = webhookOrderRefSchema.safeParse(body)
    return r.success
      ? { ...base, orders: [`gid://shopify/Order/${r.data.order_id}`] }
      : { ...base, ignore: true }
  }
  if (topic.startsWith('products/')) {
    const p = webhookProductSchema.safeParse(body)
    return p.success ? { ...base, products: [gidOf('Product', p.data)] } : { ...base, ignore: true }
  }
  return { ...base, ignore: true }
}
