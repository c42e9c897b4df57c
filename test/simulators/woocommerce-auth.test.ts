/**
 * Auth against the WooCommerce simulator, driven by WooCommerce's own JS client over HTTPS
 * (basic auth) and plain HTTP (OAuth 1.0a, HMAC-SHA256), plus hand-crafted OAuth requests.
 */
import { createHmac } from 'node:crypto'
import WooCommerceRestApi from '@woocommerce/woocommerce-rest-api'
import { setupServer } from 'msw/node'
import OAuth from 'oauth-1.0a'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWooCommerceSimulator } from '../../fixtures/src/woocommerce/index.ts'

const https = createWooCommerceSimulator({ seed: 'auth', origin: 'https://shop.example.com' })
const http = createWooCommerceSimulator({
  seed: 'auth-http',
  origin: 'http://plain.example.test:8080',
  extraKeys: [{ consumerKey: 'ck_readonly', consumerSecret: 'cs_readonly', permissions: 'read' }],
})
const server = setupServer(...https.mswHandlers(), ...http.mswHandlers())

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())

function client(
  sim: typeof https,
  overrides: Partial<{
    consumerKey: string
    consumerSecret: string
    queryStringAuth: boolean
  }> = {},
) {
  return new WooCommerceRestApi({
    url: sim.origin,
    consumerKey: sim.credentials.consumerKey,
    consumerSecret: sim.credentials.consumerSecret,
    version: 'wc/v3',
    // Return error responses instead of throwing, so bodies can be asserted.
    axiosConfig: { validateStatus: () => true },
    ...overrides,
  })
}

function oauth(secret: string, key: string, method: 'HMAC-SHA1' | 'HMAC-SHA256' = 'HMAC-SHA256') {
  const algo = method === 'HMAC-SHA1' ? 'sha1' : 'sha256'
  return new OAuth({
    consumer: { key, secret },
    signature_method: method,
    hash_function: (base, k) => createHmac(algo, k).update(base).digest('base64'),
  })
}

function signedUrl(
  url: string,
  method: string,
  secret: string,
  key: string,
  sigMethod?: 'HMAC-SHA1' | 'HMAC-SHA256',
) {
  const data = oauth(secret, key, sigMethod).authorize({ url, method })
  const u = new URL(url)
  for (const [k, v] of Object.entries(data)) u.searchParams.set(k, String(v))
  return u.toString()
}

describe('HTTPS shop: basic auth', () => {
  it('lists orders with the official client (Authorization: Basic)', async () => {
    const res = await client(https).get('orders', { status: 'processing', per_page: 5 })
    expect(res.status).toBe(200)
    expect(res.data.length).toBeGreaterThan(0)
    expect(res.data.every((o: { status: string }) => o.status === 'processing')).toBe(true)
    expect(Number(res.headers['x-wp-total'])).toBeGreaterThanOrEqual(res.data.length)
    expect(https.log.entries.at(-1)?.auth).toBe('ok')
  })

  it('accepts query-string auth (queryStringAuth: true)', async () => {
    const res = await client(https, { queryStringAuth: true }).get('products', { per_page: 3 })
    expect(res.status).toBe(200)
    expect(res.data).toHaveLength(3)
    expect(https.log.entries.at(-1)?.query.consumer_key).toBe(https.credentials.consumerKey)
  })

  it('rejects a wrong secret with WooCommerce’s body and WWW-Authenticate', async () => {
    const res = await client(https, { consumerSecret: 'cs_wrong' }).get('orders')
    expect(res.status).toBe(401)
    expect(res.data).toEqual({
      code: 'woocommerce_rest_authentication_error',
      message: 'Consumer secret is invalid.',
      data: { status: 401 },
    })
    expect(res.headers['www-authenticate']).toMatch(/^Basic realm="WooCommerce API/)
    expect(https.log.entries.at(-1)?.auth).toBe('failed')
  })

  it('treats an unknown key as unauthenticated (cannot list)', async () => {
    const res = await client(https, { consumerKey: 'ck_unknown' }).get('orders')
    expect(res.status).toBe(401)
    expect(res.data).toEqual({
      code: 'woocommerce_rest_cannot_view',
      message: 'Sorry, you cannot list resources.',
      data: { status: 401 },
    })
  })

  it('also accepts OAuth 1.0a over HTTPS', async () => {
    const url = signedUrl(
      `${https.origin}/wp-json/wc/v3/orders?per_page=2`,
      'GET',
      https.credentials.consumerSecret,
      https.credentials.consumerKey,
    )
    const res = await fetch(url)
    expect(res.status).toBe(200)
    expect(await res.json()).toHaveLength(2)
  })

  it('host stripping Authorization: header auth looks like no auth, query auth works', async () => {
    https.setStripAuthorizationHeader(true)
    try {
      const header = await client(https).get('orders')
      expect(header.status).toBe(401)
      expect(header.data.code).toBe('woocommerce_rest_cannot_view')
      expect(header.data.message).toBe('Sorry, you cannot list resources.')
      const query = await client(https, { queryStringAuth: true }).get('orders')
      expect(query.status).toBe(200)
    } finally {
      https.setStripAuthorizationHeader(false)
    }
  })

  it('the index is public', async () => {
    const res = await fetch(`${https.origin}/wp-json/wc/v3`)
    expect(res.status).toBe(200)
    const body = (await res.json()) as { namespace: string; routes: Record<string, unknown> }
    expect(body.namespace).toBe('wc/v3')
    expect(Object.keys(body.routes)).toContain('/wc/v3/orders')
  })
})

describe('HTTP shop: OAuth 1.0a only', () => {
  it('the official client (HMAC-SHA256, OAuth in the query) reads and writes', async () => {
    const api = client(http)
    const list = await api.get('orders', {
      status: 'processing',
      per_page: 3,
      orderby: 'modified',
      order: 'asc',
    })
    expect(list.status).toBe(200)
    expect(list.data.length).toBeGreaterThan(0)
    const id = list.data[0].id
    const put = await api.put(`orders/${id}`, { status: 'completed' })
    expect(put.status).toBe(200)
    expect(put.data.status).toBe('completed')
    expect(http.log.entries.at(-1)?.auth).toBe('ok')
  })

  it('signs with the port and without the query string in the base URL', async () => {
    const res = await client(http).get('products', { per_page: 2, search: 'a b/ü' })
    expect(res.status).toBe(200)
  })

  it('accepts HMAC-SHA1 and the Authorization: OAuth header', async () => {
    const url = `${http.origin}/wp-json/wc/v3/products?per_page=1`
    const o = oauth(http.credentials.consumerSecret, http.credentials.consumerKey, 'HMAC-SHA1')
    const header = o.toHeader(o.authorize({ url, method: 'GET' }))
    const res = await fetch(url, { headers: { ...header } })
    expect(res.status).toBe(200)
  })

  it('basic auth is not accepted over plain HTTP', async () => {
    const basic = Buffer.from(
      `${http.credentials.consumerKey}:${http.credentials.consumerSecret}`,
    ).toString('base64')
    const res = await fetch(`${http.origin}/wp-json/wc/v3/orders`, {
      headers: { authorization: `Basic ${basic}` },
    })
    expect(res.status).toBe(401)
    expect((await res.json()).code).toBe('woocommerce_rest_cannot_view')
  })

  it('rejects a wrong signature', async () => {
    const res = await client(http, { consumerSecret: 'cs_not_the_secret' }).get('orders')
    expect(res.status).toBe(401)
    expect(res.data).toEqual({
      code: 'woocommerce_rest_authentication_error',
      message: 'Invalid signature - provided signature does not match.',
      data: { status: 401 },
    })
  })

  it('rejects an unknown key', async () => {
    const res = await client(http, { consumerKey: 'ck_nope' }).get('orders')
    expect(res.status).toBe(401)
    expect(res.data.message).toBe('Consumer key is invalid.')
  })

  it('rejects a replayed nonce', async () => {
    const url = signedUrl(
      `${http.origin}/wp-json/wc/v3/orders?per_page=1`,
      'GET',
      http.credentials.consumerSecret,
      http.credentials.consumerKey,
    )
    const first = await fetch(url)
    expect(first.status).toBe(200)
    const again = await fetch(url)
    expect(again.status).toBe(401)
    expect(await again.json()).toEqual({
      code: 'woocommerce_rest_authentication_error',
      message: 'Invalid nonce - nonce has already been used.',
      data: { status: 401 },
    })
  })

  it('rejects a stale timestamp and missing parameters', async () => {
    const o = oauth(http.credentials.consumerSecret, http.credentials.consumerKey)
    const url = `${http.origin}/wp-json/wc/v3/orders`
    const stale = { ...o.authorize({ url, method: 'GET' }) }
    // Re-sign with a timestamp 20 minutes old.
    const old = Math.floor(Date.now() / 1000) - 20 * 60
    const data = o.authorize({ url, method: 'GET' }, undefined)
    const params = { ...data, oauth_timestamp: old }
    const { oauth_signature: _s, ...unsigned } = params
    const sig = o.getSignature({ url, method: 'GET', data: {} }, undefined, unsigned as never)
    const u = new URL(url)
    for (const [k, v] of Object.entries({ ...unsigned, oauth_signature: sig }))
      u.searchParams.set(k, String(v))
    const res = await fetch(u)
    expect(res.status).toBe(401)
    expect((await res.json()).message).toBe('Invalid timestamp.')

    const missing = new URL(url)
    missing.searchParams.set('oauth_consumer_key', http.credentials.consumerKey)
    missing.searchParams.set('oauth_signature', String(stale.oauth_signature))
    const res2 = await fetch(missing)
    expect(res2.status).toBe(401)
    expect(await res2.json()).toEqual({
      code: 'woocommerce_rest_authentication_missing_parameter',
      message: 'Missing OAuth parameters oauth_timestamp, oauth_nonce, oauth_signature_method',
      data: { status: 401 },
    })
  })

  it('a read-only key cannot write', async () => {
    const api = client(http, { consumerKey: 'ck_readonly', consumerSecret: 'cs_readonly' })
    expect((await api.get('orders')).status).toBe(200)
    const res = await api.put('orders/1', { status: 'completed' })
    expect(res.status).toBe(401)
    expect(res.data).toEqual({
      code: 'woocommerce_rest_authentication_error',
      message: 'The API key provided does not have write permissions.',
      data: { status: 401 },
    })
  })
})
