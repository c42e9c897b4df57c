/**
 * Webhooks (v3 `/hooks`): order created/updated and product events to the hub, each carrying the
 * connection's secret in a custom header BigCommerce echoes on every delivery. Hooks that
 * BigCommerce deactivated after failing deliveries are re-activated on each run (or recreated when
 * gone). Payloads are light (`data: {type, id}`): the hub fetches the order or product itself.
 * https://developer.bigcommerce.com/docs/integrations/webhooks
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { RecordIssue } from '../../domain/types.ts'
import type { ConnectorContext, WebhookVerification } from '../../sync/connector.ts'
import { type BcClient, BcError } from './client.ts'
import { hookSchema, v3PageSchema, webhookPayloadSchema } from './payloads.ts'

export const SECRET_HEADER = 'X-Dockhand-Secret'
export const HOOK_SCOPES = ['store/order/created', 'store/order/updated', 'store/product/*']

/** BigCommerce delivers only to https on port 443. */
export function webhookUrlProblem(url: string | null): string | null {
  if (!url) return null
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return `the hub's public URL "${url}" is not a valid URL`
  }
  if (u.protocol !== 'https:' || (u.port !== '' && u.port !== '443'))
    return `BigCommerce delivers webhooks only to HTTPS on port 443, and the hub's public URL ${u.origin} isn't`
  return null
}

export async function ensureWebhooks(
  ctx: ConnectorContext,
  client: BcClient,
): Promise<RecordIssue[]> {
  const url = ctx.webhookUrl
  if (!url) return []
  const headers = { [SECRET_HEADER]: ctx.webhookSecret }
  const issues: RecordIssue[] = []
  // https://developer.bigcommerce.com/docs/integrations/webhooks#get-webhooks
  const res = await client.get('v3', '/hooks', { limit: 250 })
  const hooks = v3PageSchema
    .parse(res.body ?? { data: [] })
    .data.map((h) => hookSchema.safeParse(h))
    .filter((h) => h.success)
    .map((h) => h.data)
    .filter((h) => h.destination === url)
  for (const scope of HOOK_SCOPES) {
    const hook = hooks.find((h) => h.scope === scope)
    try {
      if (!hook) {
        // https://developer.bigcommerce.com/docs/integrations/webhooks#create-a-webhook
        await client.write('POST', 'v3', '/hooks', {
          scope,
          destination: url,
          is_active: true,
          headers,
        })
      } else if (hook.is_active !== true || hook.headers?.[SECRET_HEADER] !== ctx.webhookSecret) {
        // https://developer.bigcommerce.com/docs/integrations/webhooks#update-a-webhook
        await client.write('PUT', 'v3', `/hooks/${hook.id}`, { is_active: true, headers })
        if (hook.is_active !== true)
          issues.push({
            code: 'webhook_reactivated',
            message: `BigCommerce had deactivated the ${scope} webhook after failed deliveries; it is active again. Orders missed meanwhile are picked up by polling.`,
            level: 'warning',
          })
      }
    } catch (err) {
      const problem = webhookUrlProblem(url)
      issues.push({
        code: 'webhook_failed',
        message: problem
          ? `Webhook ${scope} could not be registered: ${problem}. Orders are picked up by polling instead.`
          : `Webhook ${scope} could not be registered: ${err instanceof BcError ? err.reason : String(err)}`,
        level: 'warning',
      })
    }
  }
  return issues
}

function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest()
  const b = createHash('sha256').update(expected).digest()
  return timingSafeEqual(a, b) && given.length === expected.length
}

export function verifyWebhook(
  ctx: ConnectorContext,
  request: { headers: Headers; rawBody: string },
): WebhookVerification {
  const given = request.headers.get(SECRET_HEADER)
  if (!given || !ctx.webhookSecret || !sameSecret(given, ctx.webhookSecret))
    return { ok: false, reason: 'The webhook does not carry this connection’s secret header.' }
  let json: unknown
  try {
    json = JSON.parse(request.rawBody)
  } catch {
    return { ok: false, reason: 'The webhook body is not JSON.' }
  }
  const parsed = webhookPayloadSchema.safeParse(json)
  if (!parsed.success) return { ok: false, reason: 'The webhook body is not a BigCommerce event.' }
  const { scope, data, hash, created_at } = parsed.data
  // The same event delivered again has the same hash and time; a later change of the same order
  // has the same hash (it is a hash of `data`) but a later time.
  const deliveryId = hash ? `${hash}:${created_at ?? ''}` : undefined
  const id = data?.id !== undefined ? String(data.id) : null
  const base = deliveryId ? { ok: true, deliveryId } : { ok: true }
  if (id && scope.startsWith('store/order/')) return { ...base, orders: [id] }
  // Inventory events (our own stock writes among them) don't change articles.
  if (id && /^store\/product\/(created|updated|deleted)$/.test(scope))
    return { ...base, products: [id] }
  return { ...base, ignore: true }
}
