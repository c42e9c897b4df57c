/**
 * WooCommerce webhooks to the hub: registered (and re-enabled after WooCommerce disables them for
 * failed deliveries) on order and product topics; verified by `X-WC-Webhook-Signature` =
 * base64(HMAC-SHA256(raw body, secret)) in constant time; the payload is only a trigger.
 * Docs: https://woocommerce.github.io/woocommerce-rest-api-docs/#webhooks
 * Source: woocommerce/woocommerce plugins/woocommerce/includes/class-wc-webhook.php
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { RecordIssue } from '../../domain/types.ts'
import type { WebhookVerification } from '../../sync/connector.ts'
import type { WooClient, WooCtx } from './client.ts'
import { parseEach, type WooWebhook, webhookSchema } from './payloads.ts'

export const TOPICS = ['order.created', 'order.updated', 'product.created', 'product.updated']

export function webhookName(connectionId: string, topic: string): string {
  return `Dockhand ${connectionId} ${topic}`
}

/** Same site? Scheme-insensitive host + path comparison, trailing slash ignored. */
export function sameSite(a: string, b: string): boolean {
  const norm = (u: string) => {
    try {
      const url = new URL(u)
      return `${url.host.toLowerCase().replace(/^www\./, '')}${url.pathname.replace(/\/+$/, '')}`
    } catch {
      return u.trim().toLowerCase().replace(/\/+$/, '')
    }
  }
  return norm(a) === norm(b)
}

export function signatureFor(rawBody: string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64')
}

export function verifyWebhook(
  ctx: WooCtx,
  request: { headers: Headers; rawBody: string },
): WebhookVerification {
  const h = request.headers
  const signature = h.get('x-wc-webhook-signature')
  // Creation ping: form body `webhook_id=<id>`, no signature; WooCommerce needs exactly 200.
  if (!signature && /^webhook_id=\d+$/.test(request.rawBody.trim()))
    return { ok: true, ignore: true }
  if (!signature) return { ok: false, reason: 'The request has no X-WC-Webhook-Signature header.' }
  const expected = Buffer.from(signatureFor(request.rawBody, ctx.webhookSecret))
  const given = Buffer.from(signature)
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return {
      ok: false,
      reason: "The X-WC-Webhook-Signature does not match this connection's webhook secret.",
    }
  const source = h.get('x-wc-webhook-source')
  if (source && !sameSite(source, ctx.connection.baseUrl))
    return {
      ok: true,
      hold: {
        code: 'staging_copy_suspected',
        message: `A site at ${source} sent a webhook signed with this connection's secret, but the connection is for ${ctx.connection.baseUrl}. It is probably a copy (staging) of the shop. The hub ignored it: nothing was imported from or written to it, and the connection still points at ${ctx.connection.baseUrl}. If the shop really moved, change the connection's base URL.`,
      },
    }
  const topic = h.get('x-wc-webhook-topic') ?? ''
  const deliveryId = h.get('x-wc-webhook-delivery-id') ?? undefined
  let id: string | null = null
  try {
    const body = JSON.parse(request.rawBody) as { id?: unknown }
    if (body && (typeof body.id === 'number' || typeof body.id === 'string')) id = String(body.id)
  } catch {
    return { ok: true, ignore: true, ...(deliveryId ? { deliveryId } : {}) }
  }
  const base = deliveryId ? { deliveryId } : {}
  if (id && topic.startsWith('order.') && topic !== 'order.deleted')
    return { ok: true, ...base, orders: [id] }
  if (id && topic.startsWith('product.')) return { ok: true, ...base, products: [id] }
  return { ok: true, ...base, ignore: true }
}

/** Create missing webhooks, re-enable disabled/paused ones, re-point ones with an old URL. */
export async function ensureWebhooks(ctx: WooCtx, client: WooClient): Promise<RecordIssue[]> {
  const url = ctx.webhookUrl
  if (!url) return []
  const issues: RecordIssue[] = []
  const mine: WooWebhook[] = []
  for (let page = 1; page < 50; page++) {
    // Docs: https://woocommerce.github.io/woocommerce-rest-api-docs/#list-all-webhooks
    const res = await client.get<unknown[]>('webhooks', { per_page: 100, page, status: 'all' })
    const items = Array.isArray(res.data) ? res.data : []
    for (const w of parseEach(webhookSchema, items).ok) {
      if (w.delivery_url === url || w.name.startsWith(`Dockhand ${ctx.connection.id} `))
        mine.push(w)
    }
    const pages = Number(res.headers['x-wp-totalpages'] ?? 0)
    if (items.length < 100 || page >= pages) break
  }
  for (const topic of TOPICS) {
    const found = mine.filter((w) => w.topic === topic)
    const active = found.find((w) => w.status === 'active' && w.delivery_url === url)
    if (active) continue
    const stale = found[0]
    try {
      if (stale) {
        // Docs: https://woocommerce.github.io/woocommerce-rest-api-docs/#update-a-webhook
        await client.write('put', `webhooks/${stale.id}`, {
          status: 'active',
          delivery_url: url,
          secret: ctx.webhookSecret,
        })
        issues.push({
          code: 'webhook_reactivated',
          message:
            stale.status === 'disabled'
              ? `WooCommerce had disabled the ${topic} webhook (${stale.id}), usually after 5 failed deliveries in a row; the hub re-enabled it. Polling kept the sync going meanwhile.`
              : `The ${topic} webhook (${stale.id}) was ${stale.status === 'active' ? 'pointing elsewhere' : stale.status}; the hub re-enabled it for ${url}.`,
          platformRef: String(stale.id),
          level: 'warning',
        })
      } else {
        // Docs: https://woocommerce.github.io/woocommerce-rest-api-docs/#create-a-webhook
        await client.write('post', 'webhooks', {
          name: webhookName(ctx.connection.id, topic),
          topic,
          delivery_url: url,
          secret: ctx.webhookSecret,
          status: 'active',
        })
      }
    } catch (err) {
      issues.push({
        code: 'webhook_setup_failed',
        message: `Could not set up the ${topic} webhook: ${(err as Error).message}. Orders still sync on the interval.`,
        level: 'warning',
      })
    }
  }
  return issues
}
