/**
 * "Test connection": reach the site, find the WooCommerce REST API, read with the key, check it
 * may write — and say exactly what is wrong in one sentence the shop owner can act on.
 * Docs: https://woocommerce.github.io/woocommerce-rest-api-docs/#authentication
 */
import type { ConnectionCheck } from '../../sync/connector.ts'
import { type WooClient, type WooCtx, WooError } from './client.ts'
import { TRACKING_NAMESPACE } from './push-fulfilment.ts'
import { sameSite } from './webhooks.ts'

type Check = ConnectionCheck['checks'][number]

/** The owner-facing explanation of an authentication failure (pure). */
export function explainAuthError(err: WooError, client: { isHttps: boolean }): string {
  const m = err.shopMessage ?? ''
  if (/consumer secret is invalid/i.test(m))
    return 'WooCommerce knows the consumer key but the consumer secret is wrong; copy both again from WooCommerce → Settings → Advanced → REST API.'
  if (/consumer key is invalid/i.test(m))
    return 'WooCommerce does not know this consumer key (it may have been revoked, or belong to another site); create a new key in WooCommerce → Settings → Advanced → REST API.'
  if (/invalid timestamp/i.test(m))
    return "The shop's clock and the hub's differ by more than 15 minutes, so WooCommerce refuses the signed (OAuth) requests; correct the time on the shop's server (or the hub's)."
  if (/nonce has already been used/i.test(m))
    return 'WooCommerce saw a repeated OAuth nonce; try again, and check that no proxy replays requests.'
  if (/signature method is invalid/i.test(m))
    return 'WooCommerce refused the OAuth signature method; use HMAC-SHA256 or HMAC-SHA1.'
  if (/signature does not match/i.test(m))
    return "WooCommerce says the OAuth signature does not match: the consumer secret is wrong, or the shop's own site address differs from the URL entered here (check www / http / port)."
  if (/missing oauth parameter/i.test(m))
    return 'Parts of the OAuth signature did not reach WooCommerce; a proxy may be removing query parameters.'
  if (/does not have read permissions/i.test(m))
    return 'The API key has no read permission; create a key with Read/Write permission.'
  if (/does not have write permissions/i.test(m))
    return 'The API key is read-only, so the hub cannot complete orders, write tracking, stock or refunds; create a key with Read/Write permission.'
  if (/^woocommerce_rest_cannot_/.test(err.code ?? ''))
    return client.isHttps
      ? 'WooCommerce did not accept the key: it does not know this consumer key, or the host strips the Authorization header (query-string auth did not help either). Check the key in WooCommerce → Settings → Advanced → REST API.'
      : 'WooCommerce did not accept the key over plain HTTP; check the consumer key and secret.'
  return `WooCommerce refused the key: ${err.message}.`
}

function describe(err: unknown, client: WooClient): string {
  if (err instanceof WooError) {
    if (err.isAuth) return explainAuthError(err, client)
    if (err.kind !== 'http') return `${capital(err.message)}.`
    if (err.status === 404 && err.code === 'rest_no_route')
      return 'The WooCommerce REST API route is missing; update WooCommerce (3.5 or later for wc/v3).'
    return `${capital(err.message)}.`
  }
  return `Unexpected error: ${(err as Error)?.message ?? String(err)}.`
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

export async function testConnection(ctx: WooCtx, client: WooClient): Promise<ConnectionCheck> {
  const checks: Check[] = []
  const version = ctx.settings.api_version ?? 'wc/v3'
  const url = client.baseUrl
  const fail = (name: string, detail: string): ConnectionCheck => {
    checks.push({ name, ok: false, detail })
    return { ok: false, summary: detail, checks }
  }

  // 1. The site and its WooCommerce REST API (public namespace index, no key needed).
  const probe = await client.probeIndex()
  if (probe.kind === 'unreachable')
    return fail(
      'reachable',
      `The hub could not reach ${url} (${probe.reason}); check the address and that the site is online.`,
    )
  checks.push({ name: 'reachable', ok: true, detail: `${url} answered.` })
  const index = probe.json as {
    namespace?: string
    code?: string
    _links?: { up?: Array<{ href?: string }> }
  } | null
  if (probe.status >= 500)
    return fail('woocommerce', `${url} answered HTTP ${probe.status}: the site has a server error.`)
  if (probe.status === 401 || probe.status === 403)
    return fail(
      'woocommerce',
      `${url}/wp-json/ is blocked (HTTP ${probe.status}); a security plugin or the host disables the WordPress REST API for outside callers — allow /wp-json/${version}.`,
    )
  if (!index || typeof index !== 'object')
    return fail(
      'woocommerce',
      `${url} does not answer like a WordPress site at /wp-json/: it is not WordPress with WooCommerce, the REST API is disabled, or permalinks are set to "Plain" (choose any other permalink setting).`,
    )
  if (index.namespace !== version)
    return fail(
      'woocommerce',
      index.code === 'rest_no_route'
        ? `${url} runs WordPress, but the WooCommerce REST API (${version}) is not there: WooCommerce is not active or is older than 3.5.`
        : `${url}/wp-json/${version} did not answer as the WooCommerce REST API.`,
    )
  checks.push({ name: 'woocommerce', ok: true, detail: `WooCommerce REST API ${version} found.` })
  const home = index._links?.up?.[0]?.href?.replace(/\/wp-json\/?$/, '')
  if (home && !sameSite(home, url))
    return fail(
      'site_address',
      `The site at ${url} says its address is ${home}: it may be a copy (staging) of another shop, or the URL entered here is not the shop's own address. The hub writes nothing until this is resolved.`,
    )

  // 2. Read with the key.
  try {
    // Docs: https://woocommerce.github.io/woocommerce-rest-api-docs/#list-all-orders
    await client.get('orders', { per_page: 1 })
    checks.push({
      name: 'read',
      ok: true,
      detail: `The key can read orders (${client.isHttps ? 'Basic auth over HTTPS' : `OAuth 1.0a ${ctx.settings.oauth_signature_method} over HTTP`}).`,
    })
  } catch (err) {
    return fail('read', describe(err, client))
  }
  if (client.headerStripped)
    checks.push({
      name: 'authorization_header',
      ok: false,
      detail:
        "The shop's host strips the Authorization header; the hub fell back to query-string auth. Switch on the query_string_auth setting.",
    })

  // 3. Write permission, without changing anything: an update of order 0 is refused as "invalid
  // ID" for a read/write key, and as "no write permissions" for a read-only one.
  try {
    await client.write('post', 'orders/0', {})
    checks.push({ name: 'write', ok: true, detail: 'The key may write.' })
  } catch (err) {
    if (err instanceof WooError && err.isAuth) return fail('write', describe(err, client))
    if (err instanceof WooError && err.kind === 'http' && err.status! < 500)
      checks.push({ name: 'write', ok: true, detail: 'The key may write.' })
    else return fail('write', describe(err, client))
  }

  // 4. The Shipment Tracking extension, when the settings say it is installed.
  if (ctx.settings.tracking_via === 'shipment_tracking') {
    try {
      // Docs: https://woocommerce.com/document/shipment-tracking/#rest-api (providers list)
      await client.get('shipment-trackings/providers', {}, TRACKING_NAMESPACE)
      checks.push({
        name: 'shipment_tracking',
        ok: true,
        detail: 'The Shipment Tracking extension answers; tracking goes there.',
      })
    } catch (err) {
      if (!(err instanceof WooError && err.code === 'rest_no_route'))
        return fail('shipment_tracking', describe(err, client))
      const detail =
        "The settings say the Shipment Tracking extension is installed, but the shop has no Shipment Tracking API: install/activate the extension, or set tracking_via to 'notes'. Until then tracking is written as order notes."
      checks.push({ name: 'shipment_tracking', ok: false, detail })
      return { ok: true, summary: `Connected to WooCommerce at ${url}, but: ${detail}`, checks }
    }
  }

  const stripped = client.headerStripped
  return {
    ok: true,
    summary: stripped
      ? `Connected to WooCommerce at ${url}, but the host strips the Authorization header: switch on query_string_auth (the hub uses it meanwhile).`
      : `Connected to WooCommerce at ${url}; the key can read and write.`,
    checks,
  }
}
