/**
 * The WooCommerce simulator served over a real loopback HTTP server (no MSW in this file), as
 * testers and the hub use it: a plain-HTTP shop, so OAuth 1.0a only.
 */
import { createHmac } from 'node:crypto'
import OAuth from 'oauth-1.0a'
import { describe, expect, it } from 'vitest'
import { serveSimulator } from '../../fixtures/src/common/serve.ts'
import { createWooCommerceSimulator } from '../../fixtures/src/woocommerce/index.ts'

describe('served over a real loopback port', () => {
  it('answers fetch over HTTP with OAuth-only semantics after setOrigin', async () => {
    const local = createWooCommerceSimulator({ seed: 'loopback', orders: 3, products: 3 })
    const served = await serveSimulator(local)
    try {
      local.setOrigin(served.url)
      expect(local.describe()).toEqual({
        platform: 'woocommerce',
        baseUrl: served.url,
        consumerKey: local.credentials.consumerKey,
        consumerSecret: local.credentials.consumerSecret,
      })
      const index = await fetch(`${served.url}/wp-json/wc/v3`)
      expect(index.status).toBe(200)
      const basic = await fetch(`${served.url}/wp-json/wc/v3/orders`, {
        headers: {
          authorization: `Basic ${Buffer.from(`${local.credentials.consumerKey}:${local.credentials.consumerSecret}`).toString('base64')}`,
        },
      })
      expect(basic.status).toBe(401)
      const o = new OAuth({
        consumer: { key: local.credentials.consumerKey, secret: local.credentials.consumerSecret },
        signature_method: 'HMAC-SHA256',
        hash_function: (b, k) => createHmac('sha256', k).update(b).digest('base64'),
      })
      const url = `${served.url}/wp-json/wc/v3/orders?per_page=2`
      const signed = new URL(url)
      for (const [k, v] of Object.entries(o.authorize({ url, method: 'GET' })))
        signed.searchParams.set(k, String(v))
      const res = await fetch(signed)
      expect(res.status).toBe(200)
      expect(res.headers.get('x-wp-total')).toBe('3')
    } finally {
      await served.close()
    }
  })
})
