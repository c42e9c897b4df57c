/**
 * Plain-HTTP shops set to HMAC-SHA1 (`oauth_signature_method: 'HMAC-SHA1'`): the connector's
 * SHA1 signer (a subclass of the WooCommerce client) end to end against the simulator, which
 * recomputes every signature with the method the request names; and a method that is neither
 * SHA1 nor SHA256 is refused, by the hub's settings and by the shop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { oauthBaseString, oauthSign } from '../../../fixtures/src/woocommerce/index.ts'
import { eventually } from '../../helpers/hub.ts'
import { type Env, pickProducts, SHIPPING, startEnv, writesTo } from './helpers.ts'

describe('plain-HTTP shop signed with HMAC-SHA1', () => {
  let env: Env
  beforeAll(async () => {
    env = await startEnv({
      transport: 'http',
      settings: { oauth_signature_method: 'HMAC-SHA1', stock_zero_guard_share: 1 },
    })
  }, 60_000)
  afterAll(async () => env?.stop())

  it('test connection passes', async () => {
    const test = await env.api('POST', `/api/v1/connections/${env.connectionId}/test`)
    expect(test.body.ok, JSON.stringify(test.body)).toBe(true)
  })

  it('articles, an order, shipment with completion and stock all go through, all signed SHA1', async () => {
    const picks = pickProducts(env.sim)
    const a = await env.api('GET', `/api/v1/articles?article_number=${picks.simple.sku}`)
    expect(a.body.data).toHaveLength(1)

    const placed = env.sim.placeOrder({
      lines: [{ product_id: picks.simple.id, quantity: 1 }],
      shipping: SHIPPING,
    })
    await env.sync(['orders'])
    const list = await env.api('GET', `/api/v1/orders?external_id=${placed.id}`)
    expect(list.body.data).toHaveLength(1)

    await env.api('POST', '/api/v1/stock', {
      items: [{ article_number: picks.simple.sku, on_hand: 5 }],
    })
    const shipped = await env.api('POST', `/api/v1/orders/${list.body.data[0].id}/ship`, {
      tracking_number: 'SHA1-1',
      carrier: 'PostNord',
      tracking_url: 'https://tracking.postnord.com/SHA1-1',
    })
    expect(shipped.status).toBe(201)
    await env.sync(['fulfilments'])
    await eventually(async () => env.sim.getOrder(placed.id)!.status === 'completed', 30_000)
    await env.api('POST', '/api/v1/stock', {
      items: [{ article_number: picks.simple.sku, on_hand: 17 }],
    })
    await env.sync(['stock'])
    await eventually(
      async () => env.sim.getProduct(picks.simple.id)!.stock_quantity === 17,
      30_000,
      'stock in the shop',
    )

    // Every request the hub made to the REST API was OAuth-signed with SHA1 and accepted.
    const signed = env.sim.log.entries.filter((e) => e.query.oauth_signature_method)
    expect(signed.length).toBeGreaterThan(5)
    expect(new Set(signed.map((e) => e.query.oauth_signature_method))).toEqual(
      new Set(['HMAC-SHA1']),
    )
    expect(signed.filter((e) => e.auth === 'failed')).toEqual([])
    const methods = new Set(signed.map((e) => e.method))
    for (const m of ['GET', 'POST', 'PUT']) expect(methods).toContain(m)
    expect(writesTo(env.sim, 'PUT', new RegExp(`/orders/${placed.id}$`))).toHaveLength(1)
  }, 60_000)

  it('the shop really checks the method: a SHA1 signature sent as HMAC-SHA256 is refused', async () => {
    const url = `${env.sim.origin}/wp-json/wc/v3/products`
    const signedAs = (claimed: string, signWith: 'HMAC-SHA1' | 'HMAC-SHA256') => {
      const params: [string, string][] = [
        ['per_page', '1'],
        ['oauth_consumer_key', env.sim.credentials.consumerKey],
        ['oauth_nonce', `n${Math.random().toString(36).slice(2)}`],
        ['oauth_signature_method', claimed],
        ['oauth_timestamp', String(Math.floor(Date.now() / 1000))],
      ]
      const base = oauthBaseString('GET', url, params)
      const q = new URLSearchParams([
        ...params,
        ['oauth_signature', oauthSign(signWith, base, env.sim.credentials.consumerSecret)],
      ])
      return fetch(`${url}?${q}`)
    }
    expect((await signedAs('HMAC-SHA1', 'HMAC-SHA1')).status).toBe(200)
    const mismatch = await signedAs('HMAC-SHA256', 'HMAC-SHA1')
    expect(mismatch.status).toBe(401)
    expect((await mismatch.json()).message).toMatch(/signature does not match/)
    const md5 = await signedAs('HMAC-MD5', 'HMAC-SHA1')
    expect(md5.status).toBe(401)
    expect((await md5.json()).message).toMatch(/signature method is invalid/)
  })

  it('the hub refuses a signature method WooCommerce does not accept', async () => {
    for (const method of ['HMAC-MD5', 'PLAINTEXT', 'sha1']) {
      const res = await env.api('POST', '/api/v1/connections', {
        platform: 'woocommerce',
        name: `bad ${method}`,
        base_url: 'http://other-shop.example.com',
        credentials: {
          consumer_key: `ck_${'1'.repeat(40)}`,
          consumer_secret: `cs_${'2'.repeat(40)}`,
        },
        settings: { oauth_signature_method: method },
      })
      expect(res.status, method).toBe(422)
      expect(JSON.stringify(res.body)).toMatch(/oauth_signature_method/)
    }
    const existing = await env.api('PATCH', `/api/v1/connections/${env.connectionId}`, {
      settings: { oauth_signature_method: 'PLAINTEXT' },
    })
    expect(existing.status).toBe(422)
    const conn = await env.api('GET', `/api/v1/connections/${env.connectionId}`)
    expect(conn.body.settings.oauth_signature_method).toBe('HMAC-SHA1')
  })
})
