/**
 * The Shopify app's install flow (OAuth 2.0 authorization-code grant, non-embedded app):
 * GET /shopify/install (HMAC-checked) → Shopify's consent screen with a one-time `state` →
 * GET /shopify/callback (HMAC, state and shop checked; code exchanged for an offline token) →
 * a landing page where the shop owner signs in with a hub token and chooses goods owner, location
 * and settings → POST /shopify/connections creates the connection.
 * Docs: https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/authorization-code-grant
 *
 * Nonces and exchanged tokens waiting for the landing form live in the database (`pending_installs`,
 * 10 and 30 minutes; keyed by a hash, the token sealed), so any hub instance behind a load balancer
 * can finish an install another one started, and a restart in between loses nothing.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { Hono } from 'hono'
import {
  contextForToken,
  defaultRuntime,
  exchangeOAuthCode,
  ShopifyClient,
  ShopifyError,
} from '../../connectors/shopify/client.ts'
import { LOCATIONS_QUERY } from '../../connectors/shopify/queries.ts'
import { SHOP_DOMAIN_RE, SHOPIFY_SCOPES } from '../../connectors/shopify/version.ts'
import { createConnection } from '../../domain/connections.ts'
import { findToken } from '../../domain/owners.ts'
import { HubError } from '../../errors.ts'
import type { Hub } from '../../hub.ts'
import type { Queryable } from '../../store/db.ts'
import { queueRun } from '../../sync/engine.ts'
import type { AppEnv } from '../context.ts'

const STATE_TTL_MS = 10 * 60_000
const INSTALL_TTL_MS = 30 * 60_000

/** Hex HMAC-SHA256 over the sorted query without `hmac`/`signature`, compared in constant time. */
export function verifyShopifyQuery(params: Record<string, string>, secret: string): boolean {
  const message = Object.keys(params)
    .filter((k) => k !== 'hmac' && k !== 'signature')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&')
  const expected = Buffer.from(createHmac('sha256', secret).update(message).digest('hex'))
  const given = Buffer.from(params.hmac ?? '')
  return given.length === expected.length && timingSafeEqual(given, expected)
}

const keyHash = (kind: string, key: string) =>
  createHash('sha256').update(`${kind}:${key}`).digest('hex')

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:640px;margin:2rem auto;padding:0 1rem}
label{display:block;margin:.6rem 0 .2rem}input,select{font:inherit;padding:.3rem;width:100%}
fieldset{margin:1rem 0}button{font:inherit;padding:.5rem 1rem;margin-top:1rem}</style></head>
<body><h1>${esc(title)}</h1>${body}</body></html>`
}

export function shopifyAppRoutes(hub: Hub) {
  const sweep = () =>
    hub.db
      .deleteFrom('pending_installs')
      .where('expires_at', '<', new Date().toISOString())
      .execute()
  const remember = (
    kind: 'state' | 'install',
    key: string,
    shop: string,
    ttlMs: number,
    token: string | null,
  ) =>
    hub.db
      .insertInto('pending_installs')
      .values({
        key_hash: keyHash(kind, key),
        kind,
        platform: 'shopify',
        shop,
        sealed_token: token === null ? null : hub.box.seal(token, `shopify-install:${shop}`),
        expires_at: new Date(Date.now() + ttlMs).toISOString(),
      })
      .execute()
  /** Take a pending entry once: deleted as it is read, so a second use finds nothing. */
  const take = async (db: Queryable, kind: 'state' | 'install', key: string) => {
    if (!key) return null
    const row = await db
      .deleteFrom('pending_installs')
      .where('key_hash', '=', keyHash(kind, key))
      .where('kind', '=', kind)
      .where('expires_at', '>=', new Date().toISOString())
      .returningAll()
      .executeTakeFirst()
    if (!row) return null
    return {
      shop: row.shop,
      accessToken: row.sealed_token
        ? hub.box.open(row.sealed_token, `shopify-install:${row.shop}`)
        : null,
    }
  }
  const peek = async (key: string) => {
    if (!key) return null
    const row = await hub.db
      .selectFrom('pending_installs')
      .selectAll()
      .where('key_hash', '=', keyHash('install', key))
      .where('kind', '=', 'install')
      .where('expires_at', '>=', new Date().toISOString())
      .executeTakeFirst()
    if (!row?.sealed_token) return null
    return {
      shop: row.shop,
      accessToken: hub.box.open(row.sealed_token, `shopify-install:${row.shop}`),
    }
  }
  const appConfig = () => {
    const { apiKey, apiSecret } = hub.config.shopify
    if (!apiKey || !apiSecret)
      throw new HubError(
        'not_configured',
        'This hub is not set up as a Shopify app: set SHOPIFY_API_KEY and SHOPIFY_API_SECRET.',
      )
    return { apiKey, apiSecret }
  }
  const signedQuery = (query: Record<string, string>, secret: string) => {
    if (!verifyShopifyQuery(query, secret))
      throw new HubError('unauthorized', 'The request is not signed by Shopify (HMAC mismatch).')
    const shop = query.shop ?? ''
    if (!SHOP_DOMAIN_RE.test(shop))
      throw new HubError('bad_request', `"${shop}" is not a {name}.myshopify.com shop domain.`)
    // No timestamp window: replaying a signed install only yields a redirect, and the callback
    // is single-use through the state nonce.
    if (!query.timestamp) throw new HubError('bad_request', 'The signed request has no timestamp.')
    return shop.toLowerCase()
  }
  const publicUrl = (c: { req: { url: string } }) =>
    hub.config.publicUrl ?? new URL(c.req.url).origin

  return new Hono<AppEnv>()
    .get('/shopify/install', async (c) => {
      const { apiKey, apiSecret } = appConfig()
      const shop = signedQuery(c.req.query(), apiSecret)
      await sweep()
      const state = randomBytes(24).toString('base64url')
      await remember('state', state, shop, STATE_TTL_MS, null)
      const target = new URL(`https://${shop}/admin/oauth/authorize`)
      target.searchParams.set('client_id', apiKey)
      target.searchParams.set('scope', SHOPIFY_SCOPES.join(','))
      target.searchParams.set('redirect_uri', `${publicUrl(c)}/shopify/callback`)
      target.searchParams.set('state', state)
      return c.redirect(target.toString(), 302)
    })
    .get('/shopify/callback', async (c) => {
      const { apiKey, apiSecret } = appConfig()
      const query = c.req.query()
      const shop = signedQuery(query, apiSecret)
      await sweep()
      const pending = await take(hub.db, 'state', query.state ?? '')
      if (!pending || pending.shop !== shop)
        throw new HubError(
          'unauthorized',
          'The install state does not match (expired, reused or from another browser); start the install again from Shopify.',
        )
      if (!query.code) throw new HubError('bad_request', 'Shopify sent no authorization code.')
      const baseUrl = `https://${shop}`
      let token: string
      try {
        token = (await exchangeOAuthCode({ baseUrl, apiKey, apiSecret, code: query.code }))
          .accessToken
      } catch (err) {
        throw new HubError(
          'upstream_error',
          err instanceof ShopifyError ? err.message : 'Shopify could not be reached.',
        )
      }
      const installId = randomBytes(24).toString('base64url')
      await remember('install', installId, shop, INSTALL_TTL_MS, token)
      const ctx = contextForToken(baseUrl, token, hub.shutdown, hub.log)
      const { locations } = await new ShopifyClient(ctx, defaultRuntime()).request<{
        locations: {
          nodes: Array<{
            id: string
            name: string
            isActive: boolean
            isFulfillmentService: boolean
          }>
        }
      }>(LOCATIONS_QUERY)
      const options = locations.nodes
        .filter((l) => l.isActive && !l.isFulfillmentService)
        .map((l) => `<option value="${esc(l.id)}">${esc(l.name)}</option>`)
        .join('')
      const check = (name: string, value: string, label: string, on: boolean) =>
        `<label><input type="checkbox" name="${name}" value="${value}"${on ? ' checked' : ''} style="width:auto"> ${esc(label)}</label>`
      return c.html(
        page(
          `Connect ${shop} to Dockhand`,
          `<form method="post" action="/shopify/connections">
<input type="hidden" name="install" value="${esc(installId)}">
<label for="hub_token">Dockhand API token</label><input id="hub_token" name="hub_token" type="password" required autocomplete="off">
<label for="goods_owner_id">Goods owner id (only with an admin token)</label><input id="goods_owner_id" name="goods_owner_id">
<label for="name">Connection name</label><input id="name" name="name" value="${esc(shop)}">
<label for="location_id">Shopify location this warehouse ships from</label><select id="location_id" name="location_id" required>${options}</select>
<fieldset><legend>Orders with financial status</legend>${check('financial_statuses', 'authorized', 'Authorized', true)}${check('financial_statuses', 'paid', 'Paid', true)}${check('financial_statuses', 'pending', 'Pending', false)}${check('financial_statuses', 'partially_paid', 'Partially paid', false)}</fieldset>
<fieldset><legend>Options</legend>${check('fetch_inventory_items', 'true', 'Fetch inventory items (cost, country of origin, HS code)', false)}${check('notify_customer', 'true', 'Shopify e-mails the customer on fulfilment', false)}${check('capture_payment_on_fulfilment', 'true', 'Capture authorised payments on fulfilment', false)}</fieldset>
<button type="submit">Create connection</button></form>`,
        ),
      )
    })
    .post('/shopify/connections', async (c) => {
      const { apiSecret } = appConfig()
      const form = await c.req.parseBody({ all: true })
      const one = (k: string) => {
        const v = form[k]
        return typeof v === 'string'
          ? v.trim()
          : Array.isArray(v) && typeof v[0] === 'string'
            ? v[0].trim()
            : ''
      }
      const many = (k: string) => {
        const v = form[k]
        return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter(
          (x): x is string => typeof x === 'string',
        )
      }
      await sweep()
      const install = await peek(one('install'))
      if (!install)
        throw new HubError(
          'unauthorized',
          'This install has expired or was already used; start again from Shopify.',
        )
      const token = await findToken(hub.db, one('hub_token'))
      if (!token) throw new HubError('unauthorized', 'The Dockhand API token is not valid.')
      const ownerId = token.role === 'owner' ? token.goods_owner_id : one('goods_owner_id')
      if (!ownerId)
        throw new HubError('validation_failed', 'With an admin token, say which goods owner.')
      const financial = many('financial_statuses')
      const settings: Record<string, unknown> = {
        location_id: one('location_id'),
        ...(financial.length ? { financial_statuses: financial } : {}),
        fetch_inventory_items: one('fetch_inventory_items') === 'true',
        notify_customer: one('notify_customer') === 'true',
        capture_payment_on_fulfilment: one('capture_payment_on_fulfilment') === 'true',
      }
      // The install is used once (a second post of the form finds nothing), in the same transaction
      // as the connection: if the settings are refused, the install is still there to correct them.
      const row = await hub.db.transaction().execute(async (trx) => {
        if (!(await take(trx, 'install', one('install'))))
          throw new HubError('conflict', 'This install was just completed by another request.')
        return createConnection(trx, { box: hub.box, registry: hub.registry }, ownerId, {
          platform: 'shopify',
          name: one('name') || install.shop,
          shop_ref: install.shop,
          credentials: { access_token: install.accessToken, api_secret: apiSecret },
          settings,
        })
      })
      await queueRun(hub, row, { trigger: 'manual' })
      return c.html(
        page(
          'Connected',
          `<p>${esc(install.shop)} is connected (connection <code>${esc(row.id)}</code>). The first sync has started.</p>`,
        ),
        201,
      )
    })
}
