/** What goes wrong in the field, each through a real hub and the simulator. */
import { http } from 'msw'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listenMsw, mswServer, pickProducts, SHIPPING, startEnv } from './helpers.ts'

beforeAll(() => listenMsw())
afterAll(() => mswServer.close())

describe('a host that strips the Authorization header over HTTPS', () => {
  it('is detected: test connection says so, and syncing falls back to query-string auth', async () => {
    const env = await startEnv({ transport: 'https', sim: { stripAuthorizationHeader: true } })
    try {
      const test = await env.api('POST', `/api/v1/connections/${env.connectionId}/test`)
      expect(test.body.ok).toBe(true)
      expect(test.body.summary).toMatch(/strips the Authorization header.*query_string_auth/)
      const picks = pickProducts(env.sim)
      const placed = env.sim.placeOrder({
        lines: [{ product_id: picks.simple.id, quantity: 1 }],
        shipping: SHIPPING,
      })
      const run = await env.sync(['orders'])
      const issues = await env.api('GET', `/api/v1/runs/${run.id}/issues`)
      expect(issues.body.data.map((i: { code: string }) => i.code)).toContain(
        'authorization_header_stripped',
      )
      const list = await env.api('GET', `/api/v1/orders?external_id=${placed.id}`)
      expect(list.body.data).toHaveLength(1)
    } finally {
      await env.stop()
    }
  }, 60_000)
})

describe('test connection', () => {
  it('names a wrong secret, a read-only key and clock skew', async () => {
    let now = Date.now()
    const env = await startEnv({
      transport: 'http',
      sim: {
        clock: () => new Date(now),
        extraKeys: [
          {
            consumerKey: `ck_${'a'.repeat(40)}`,
            consumerSecret: `cs_${'b'.repeat(40)}`,
            permissions: 'read',
          },
        ],
      },
    })
    try {
      const ok = await env.api('POST', `/api/v1/connections/${env.connectionId}/test`)
      expect(ok.body).toMatchObject({ ok: true })
      now += 60 * 60_000
      const skew = await env.api('POST', `/api/v1/connections/${env.connectionId}/test`)
      expect(skew.body.ok).toBe(false)
      expect(skew.body.summary).toMatch(/clock.*15 minutes/)
      now -= 60 * 60_000
      const readOnly = await env.api('POST', '/api/v1/connections', {
        platform: 'woocommerce',
        name: 'ro',
        base_url: env.sim.origin,
        credentials: {
          consumer_key: `ck_${'a'.repeat(40)}`,
          consumer_secret: `cs_${'b'.repeat(40)}`,
        },
      })
      const ro = await env.api('POST', `/api/v1/connections/${readOnly.body.id}/test`)
      expect(ro.body.ok).toBe(false)
      expect(ro.body.summary).toMatch(/read-only/)
      await env.api('PATCH', `/api/v1/connections/${readOnly.body.id}`, {
        credentials: { consumer_secret: `cs_${'c'.repeat(40)}` },
      })
      const wrong = await env.api('POST', `/api/v1/connections/${readOnly.body.id}/test`)
      expect(wrong.body.ok).toBe(false)
      expect(wrong.body.summary).toMatch(/signature does not match|secret/)
      const bad = await env.api('POST', '/api/v1/connections', {
        platform: 'woocommerce',
        name: 'x',
        base_url: env.sim.origin,
        credentials: { consumer_key: 'cs_123', consumer_secret: 'x' },
      })
      expect(bad.status).toBe(422)
      expect(bad.body.detail).toMatch(/ck_/)
    } finally {
      await env.stop()
    }
  }, 60_000)

  it('says when the site is not WooCommerce or unreachable', async () => {
    const env = await startEnv({ transport: 'https', waitFirstRun: false })
    try {
      const other = await env.api('POST', '/api/v1/connections', {
        platform: 'woocommerce',
        name: 'down',
        base_url: 'http://127.0.0.1:9',
        credentials: {
          consumer_key: `ck_${'d'.repeat(40)}`,
          consumer_secret: `cs_${'d'.repeat(40)}`,
        },
      })
      const down = await env.api('POST', `/api/v1/connections/${other.body.id}/test`)
      expect(down.body.summary).toMatch(/could not reach/)
      mswServer.use(
        http.get(
          'https://plain.example.org/*',
          () =>
            new Response('<html>hi</html>', {
              status: 404,
              headers: { 'content-type': 'text/html' },
            }),
        ),
      )
      const notWoo = await env.api('POST', '/api/v1/connections', {
        platform: 'woocommerce',
        name: 'nw',
        base_url: 'https://plain.example.org',
        credentials: {
          consumer_key: `ck_${'e'.repeat(40)}`,
          consumer_secret: `cs_${'e'.repeat(40)}`,
        },
      })
      const nw = await env.api('POST', `/api/v1/connections/${notWoo.body.id}/test`)
      expect(nw.body.summary).toMatch(/does not answer like a WordPress site/)
    } finally {
      await env.stop()
    }
  }, 60_000)
})

describe('incremental reads', () => {
  it('reads dates in GMT: a store 2 h ahead of UTC does not hide recent changes', async () => {
    const env = await startEnv({ transport: 'https', sim: { timezoneOffsetMinutes: 120 } })
    try {
      const picks = pickProducts(env.sim)
      const placed = env.sim.placeOrder({
        lines: [{ product_id: picks.simple.id, quantity: 1 }],
        shipping: SHIPPING,
      })
      await env.sync(['orders'])
      env.sim.updateOrder(placed.id, { customer_note: 'Changed later' })
      await env.sync(['orders'])
      const list = await env.api('GET', `/api/v1/orders?external_id=${placed.id}`)
      expect(list.body.data[0].remark).toBe('Changed later')
      const q = env.sim.log.entries.filter(
        (e) => e.path.endsWith('/orders') && e.query.modified_after,
      )
      expect(q.every((e) => e.query.dates_are_gmt === 'true')).toBe(true)
    } finally {
      await env.stop()
    }
  }, 60_000)

  it('misses no order when 250 share one modified second and one changes mid-read', async () => {
    const fixed = new Date('2026-11-24T10:00:00Z')
    let clock = () => fixed
    const env = await startEnv({
      transport: 'https',
      sim: { clock: () => clock() },
      waitFirstRun: true,
    })
    try {
      const picks = pickProducts(env.sim)
      const ids: number[] = []
      for (let i = 0; i < 250; i++)
        ids.push(
          env.sim.placeOrder({
            lines: [{ product_id: picks.simple.id, quantity: 1 }],
            shipping: SHIPPING,
          }).id,
        )
      clock = () => new Date()
      let changed = false
      mswServer.use(
        http.get(`${env.sim.origin}/wp-json/wc/v3/orders`, () => {
          if (!changed && env.sim.log.count((e) => e.path.endsWith('/orders')) >= 2) {
            changed = true
            env.sim.updateOrder(ids[3]!, { customer_note: 'moved to the end' })
          }
          return undefined
        }),
      )
      await env.sync(['orders'])
      expect(changed).toBe(true)
      const list = await env.api('GET', '/api/v1/orders?limit=500')
      const got = new Set(list.body.data.map((o: { external_id: string }) => o.external_id))
      expect(ids.filter((id) => !got.has(String(id)))).toEqual([])
    } finally {
      await env.stop()
    }
  }, 90_000)
  it('a quiet shop costs one read per resource; a change after the quiet spell is still read', async () => {
    let now = Date.parse('2026-11-24T10:00:00Z')
    const env = await startEnv({
      transport: 'https',
      sim: { clock: () => new Date(now) },
      waitFirstRun: true,
    })
    try {
      const picks = pickProducts(env.sim)
      const reads = () =>
        env.sim.log.entries.filter((e) => e.method === 'GET' && e.auth !== 'failed').length
      // Right after the changes the next pass re-reads the overlap (late saves may still appear).
      now += 10_000
      await env.sync(['articles', 'orders'])
      // Three minutes later nothing changed: one products read and one orders read.
      now += 180_000
      await env.sync(['articles', 'orders'])
      const before = reads()
      now += 180_000
      await env.sync(['articles', 'orders'])
      const quiet = env.sim.log.entries.slice(-(reads() - before))
      // (the webhook subscriptions are checked on every run; that is not a read of a resource)
      expect(
        quiet.map((e) => e.path.replace(/.*\/wc\/v3/, '')).filter((p) => p !== '/webhooks'),
      ).toEqual(['/products', '/orders'])
      // A change after the quiet spell is read on the next run.
      now += 60_000
      const placed = env.sim.placeOrder({
        lines: [{ product_id: picks.simple.id, quantity: 1 }],
        shipping: SHIPPING,
      })
      await env.sync(['articles', 'orders'])
      const list = await env.api('GET', `/api/v1/orders?external_id=${placed.id}`)
      expect(list.body.data).toHaveLength(1)
    } finally {
      await env.stop()
    }
  }, 90_000)
})
