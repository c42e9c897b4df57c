/**
 * Bad input from a WooCommerce shop, through a real hub and the simulator (issue #9, "Bad input").
 * One batch holds a good order next to orders with an unknown SKU, a line without SKU, no address
 * at all, zero and negative quantities, a 100 KB customer note, unicode and HTML in names and
 * notes, a product pair sharing a SKU, and an order whose payload breaks the documented shape.
 * One sync must import what can be imported, hold or report the rest with a reason that names the
 * problem, and a later sync after the shop is fixed must bring each one in once. Then webhooks:
 * forged, replayed, oversized.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { webhookSignature } from '../../../fixtures/src/woocommerce/index.ts'
import {
  BILLING,
  type Env,
  listenMsw,
  mswServer,
  pickProducts,
  SHIPPING,
  startEnv,
} from './helpers.ts'

beforeAll(() => listenMsw())
afterAll(() => mswServer.close())

const HTML_NAME = '<b>Zoë</b> <script>alert("x")</script>'
const HTML_COMPANY = 'Ørsted & Søn <img src=x onerror=alert(1)> 北京 👩‍🔧'
// With a NUL, which PostgreSQL text cannot hold: the hub drops that one character, nothing else.
const HTML_NOTE = '<script>document.cookie</script> Ring på dörren 🚪 & "knock" <br/>\u0000end'
const HTML_LINE = 'Tröja "Größe" <img src=x onerror=alert(2)> — 北京'
// 100 KB, with an emoji (two UTF-16 units) straddling the 10,000th unit: it must not be split.
const BIG_NOTE =
  `${'Leave it by the door. '.repeat(500).slice(0, 9_999)}🚪${'Ring twice. '.repeat(9000)}`
    .slice(0, 100 * 1024 - 4)
    .concat(' END')

let env: Env
let picks: ReturnType<typeof pickProducts>
const ids = {} as Record<
  | 'good'
  | 'unknownSku'
  | 'noSku'
  | 'noAddress'
  | 'quantities'
  | 'bigNote'
  | 'html'
  | 'duplicate'
  | 'malformed',
  number
>
let noSkuProduct: number
let dupA: { id: number; sku: string }
let dupB: number
let firstRun: any
let firstIssues: any[]

async function hubOrder(externalId: number): Promise<any> {
  const list = await env.api('GET', `/api/v1/orders?external_id=${externalId}`)
  expect(list.status).toBe(200)
  if (list.body.data.length > 1) throw new Error(`order ${externalId} imported twice`)
  const o = list.body.data[0]
  return o ? (await env.api('GET', `/api/v1/orders/${o.id}`)).body : null
}

async function runIssues(runId: string): Promise<any[]> {
  return (await env.api('GET', `/api/v1/runs/${runId}/issues`)).body.data
}

function touch(id: number) {
  // An edit in wp-admin: WooCommerce moves date_modified, so the next pull reads the order again.
  env.sim.updateOrder(id, {})
}

beforeAll(async () => {
  env = await startEnv({ transport: 'https', settings: { stock_zero_guard_share: 1 } })
  picks = pickProducts(env.sim)
  const line = (quantity = 1) => [{ product_id: picks.simple.id, quantity }]

  // A product without SKU (WooCommerce allows it), and two simple products that will share one.
  noSkuProduct = env.sim.createProduct({
    name: 'Gift wrapping',
    type: 'simple',
    regular_price: '2.00',
  }).id
  const simples = [...env.sim.store.products.values()].filter(
    (p) => p.type === 'simple' && p.sku && p.id !== picks.simple.id && p.status === 'publish',
  )
  dupA = { id: simples[0]!.id, sku: simples[0]!.sku }
  // Product A was last edited long ago: an incremental pull does not read it again.
  simples[0]!.modified = Date.parse('2020-01-01T00:00:00Z')
  dupB = simples[1]!.id
  const other = simples[2]!.id
  // WooCommerce refuses a duplicate SKU through the REST API and wp-admin (as the simulator does);
  // CSV imports and plugins writing post meta do not check, so the store gets one directly.
  expect(() => env.sim.updateProduct(dupB, { sku: dupA.sku })).toThrow(/duplicated SKU/)
  const b = env.sim.store.products.get(dupB)!
  b.sku = dupA.sku
  b.modified = env.sim.store.now()

  ids.good = env.sim.placeOrder({ lines: line(2), billing: BILLING, shipping: SHIPPING }).id

  // The line names a SKU no product has (a snapshot of a product since renamed).
  ids.unknownSku = env.sim.placeOrder({ lines: line(), billing: BILLING, shipping: SHIPPING }).id
  env.sim.store.orders.get(ids.unknownSku)!.line_items[0]!.sku = 'WOO-NOT-STOCKED-1'

  ids.noSku = env.sim.placeOrder({
    lines: [...line(), { product_id: noSkuProduct, quantity: 1 }],
    billing: BILLING,
    shipping: SHIPPING,
  }).id

  // Neither a shipping nor a billing address: the billing fallback has nothing either.
  ids.noAddress = env.sim.placeOrder({ lines: line(), billing: { email: 'nobody@example.com' } }).id

  // WooCommerce's checkout and REST API never create a line with quantity 0 or less, but an admin
  // edit, a refund plugin or a direct database write can leave one; the stored order carries it.
  ids.quantities = env.sim.placeOrder({
    lines: [...line(3), ...[1, 1, 1, 1].map((quantity) => ({ product_id: other, quantity }))],
    billing: BILLING,
    shipping: SHIPPING,
  }).id
  const q = env.sim.store.orders.get(ids.quantities)!.line_items
  q[1]!.quantity = 0
  q[2]!.quantity = -2
  q[3]!.quantity = 1.5
  // More than a 32-bit quantity column holds (PostgreSQL would refuse the whole batch).
  q[4]!.quantity = 10_000_000_000

  ids.bigNote = env.sim.placeOrder({
    lines: line(),
    billing: BILLING,
    shipping: SHIPPING,
    customerNote: BIG_NOTE,
  }).id

  ids.html = env.sim.placeOrder({
    lines: line(),
    billing: { ...BILLING, first_name: HTML_NAME, company: HTML_COMPANY },
    shipping: { ...SHIPPING, first_name: HTML_NAME, company: HTML_COMPANY },
    customerNote: HTML_NOTE,
  }).id
  env.sim.store.orders.get(ids.html)!.line_items[0]!.name = HTML_LINE

  ids.duplicate = env.sim.placeOrder({
    lines: [{ product_id: dupB, quantity: 1 }],
    billing: BILLING,
    shipping: SHIPPING,
  }).id

  // Not the documented shape: a line's quantity is a string, not an integer.
  ids.malformed = env.sim.placeOrder({ lines: line(), billing: BILLING, shipping: SHIPPING }).id
  ;(env.sim.store.orders.get(ids.malformed)!.line_items[0] as { quantity: unknown }).quantity = '2'

  firstRun = await env.sync()
  firstIssues = await runIssues(firstRun.id)
}, 120_000)
afterAll(async () => env?.stop())

describe('WooCommerce: one batch of bad orders', () => {
  it('finishes the run and imports every order it can read', async () => {
    expect(firstRun.status).toBe('succeeded')
    expect(firstRun.progress.orders.state).toBe('done')
    for (const key of Object.keys(ids) as Array<keyof typeof ids>) {
      const o = await hubOrder(ids[key])
      if (key === 'malformed') expect(o, key).toBeNull()
      else expect(o, key).toBeTruthy()
    }
    expect(firstRun.counts.orders.created).toBe(Object.keys(ids).length - 1)
  })

  it('keeps the good and the importable ones open', async () => {
    for (const key of ['good', 'quantities', 'bigNote', 'html', 'duplicate'] as const) {
      const o = await hubOrder(ids[key])
      expect(o.status, `${key}: ${JSON.stringify(o.attention)}`).toBe('open')
      expect(
        o.attention.filter((a: any) => a.blocking),
        key,
      ).toEqual([])
    }
    expect((await hubOrder(ids.good)).attention).toEqual([])
  })

  it('holds an order with an unknown SKU and names the SKU', async () => {
    const o = await hubOrder(ids.unknownSku)
    expect(o.status).toBe('on_hold')
    expect(o.attention).toMatchObject([{ code: 'unknown_article', blocking: true }])
    expect(o.attention[0].message).toContain('"WOO-NOT-STOCKED-1"')
    expect(o.attention[0].message).toMatch(/not an article/)
    const issue = firstIssues.find((i) => i.order_id === o.id)
    expect(issue).toMatchObject({ code: 'unknown_article', platform_ref: String(ids.unknownSku) })
    expect(issue.message).toContain(`Order ${o.order_number}:`)
    expect(issue.message).toContain('WOO-NOT-STOCKED-1')
  })

  it('holds an order with a line without SKU and names the line', async () => {
    const o = await hubOrder(ids.noSku)
    expect(o.status).toBe('on_hold')
    const item = o.attention.find((a: any) => a.code === 'missing_sku')
    expect(item.message).toMatch(/"Gift wrapping" .* has no SKU/)
    expect(o.lines.map((l: any) => l.article_number)).toEqual([picks.simple.sku, null])
  })

  it('holds an order without any address and says what is missing', async () => {
    const o = await hubOrder(ids.noAddress)
    expect(o.status).toBe('on_hold')
    const item = o.attention.find((a: any) => a.code === 'missing_address')
    expect(item.message).toBe('The delivery address lacks name, address, city, country.')
  })

  it('leaves out zero, negative, fractional and absurd quantities, saying so, and ships the rest', async () => {
    const o = await hubOrder(ids.quantities)
    expect(o.lines).toHaveLength(1)
    expect(o.lines[0]).toMatchObject({ article_number: picks.simple.sku, quantity: 3 })
    const items = o.attention.filter((a: any) => a.code === 'invalid_quantity')
    expect(items.map((a: any) => a.message.replace(/^.* has quantity /, ''))).toEqual([
      '0; it was left out.',
      '-2; it was left out.',
      '1.5; it was left out.',
      '10000000000; it was left out.',
    ])
    expect(items.every((a: any) => a.blocking === false)).toBe(true)
  })

  it('cuts a 100 KB customer note to the remark limit and says so', async () => {
    const o = await hubOrder(ids.bigNote)
    expect(BIG_NOTE.length).toBe(100 * 1024)
    // Cut before the emoji rather than through it.
    expect(o.remark).toBe(BIG_NOTE.slice(0, 9_999))
    const item = o.attention.find((a: any) => a.code === 'text_truncated')
    expect(item).toMatchObject({ blocking: false })
    expect(item.message).toBe(
      'The customer note is 102,400 characters long and was cut to the first 10,000; the whole text is in the shop.',
    )
    const issue = firstIssues.find((i) => i.order_id === o.id)
    expect(issue).toMatchObject({ code: 'text_truncated', level: 'warning' })
  })

  it('stores unicode and HTML as text and returns it intact, never as markup', async () => {
    const res = await env.api('GET', `/api/v1/orders?external_id=${ids.html}`)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    const o = await hubOrder(ids.html)
    expect(o.remark).toBe(HTML_NOTE.replace('\u0000', ''))
    expect(o.customer.name).toBe(HTML_COMPANY)
    expect(o.customer.salesCode).toBe(`${HTML_NAME} ${SHIPPING.last_name}`)
    expect(o.invoice_address.name).toBe(HTML_COMPANY)
    expect(o.lines[0].name).toBe(HTML_LINE)
  })

  it('reports a SKU used by two products and books the order on the one article', async () => {
    const dup = firstIssues.filter((i) => i.code === 'duplicate_sku')
    expect(dup).toHaveLength(1)
    expect(dup[0].message).toContain(`SKU "${dupA.sku}"`)
    expect(dup[0].message).toContain(String(dupA.id))
    expect(dup[0].message).toContain(String(dupB))
    const o = await hubOrder(ids.duplicate)
    const article = (await env.api('GET', `/api/v1/articles?article_number=${dupA.sku}`)).body
      .data[0]
    expect(article.product_code).toBe(String(dupA.id))
    expect(o.lines[0]).toMatchObject({ article_number: dupA.sku, article_id: article.id })
  })

  it('reports an order it cannot read on the run, naming the order and the field', async () => {
    const issue = firstIssues.find((i) => i.code === 'unreadable_order')
    expect(issue).toMatchObject({ platform_ref: String(ids.malformed), level: 'error' })
    expect(issue.message).toContain(`Order ${ids.malformed}`)
    expect(issue.message).toMatch(/line_items\.0\.quantity: .*expected number/)
  })
})

describe('WooCommerce: the shop is fixed, the next sync brings each order in once', () => {
  let secondRun: any
  beforeAll(async () => {
    // The missing article appears in the shop.
    env.sim.createProduct({
      name: 'Newly stocked',
      type: 'simple',
      sku: 'WOO-NOT-STOCKED-1',
      regular_price: '9.00',
      manage_stock: true,
      stock_quantity: 5,
    })
    // The product without SKU gets one; the order line follows (the snapshot is edited with it).
    env.sim.updateProduct(noSkuProduct, { sku: 'WOO-GIFT-WRAP' })
    env.sim.store.orders.get(ids.noSku)!.line_items[1]!.sku = 'WOO-GIFT-WRAP'
    touch(ids.noSku)
    env.sim.updateOrder(ids.noAddress, { shipping: SHIPPING })
    ;(env.sim.store.orders.get(ids.malformed)!.line_items[0] as { quantity: unknown }).quantity = 2
    touch(ids.malformed)
    secondRun = await env.sync()
  }, 120_000)

  it('releases the held orders and imports the unreadable one', async () => {
    expect(secondRun.status).toBe('succeeded')
    for (const key of ['unknownSku', 'noSku', 'noAddress', 'malformed'] as const) {
      const o = await hubOrder(ids[key])
      expect(o.status, `${key}: ${JSON.stringify(o.attention)}`).toBe('open')
      expect(o.attention, key).toEqual([])
      expect(
        o.lines.every((l: any) => l.article_id),
        key,
      ).toBe(true)
    }
    expect((await hubOrder(ids.malformed)).lines[0].quantity).toBe(2)
  })

  it('has each order once, received once, and a third sync changes nothing', async () => {
    const third = await env.sync(['orders'])
    expect(third.counts.orders?.created ?? 0).toBe(0)
    expect(third.counts.orders?.updated ?? 0).toBe(0)
    const all = (await env.api('GET', '/api/v1/orders?limit=500')).body.data
    const mine = all.filter((o: any) => Object.values(ids).map(String).includes(o.external_id))
    expect(mine).toHaveLength(Object.keys(ids).length)
    const events = (await env.api('GET', '/api/v1/events?after=0&limit=1000&type=order.received'))
      .body.data
    for (const o of mine)
      expect(
        events.filter((e: any) => e.subject_id === o.id),
        o.external_id,
      ).toHaveLength(1)
  })
})

describe('WooCommerce: webhooks that must not be acted on', () => {
  let url: string
  let secret: string
  beforeAll(async () => {
    url = `${env.hub.url}/webhooks/woocommerce/${env.connectionId}`
    const c = await env.hub.running.hub.db
      .selectFrom('connections')
      .selectAll()
      .where('id', '=', env.connectionId)
      .executeTakeFirstOrThrow()
    secret = env.hub.running.hub.box.open(c.webhook_secret_enc, `connection-webhook:${c.id}`)
  })

  const post = (body: string, headers: Record<string, string>) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    })

  it('refuses a forged signature with a 401 problem', async () => {
    const placed = env.sim.placeOrder({
      lines: [{ product_id: picks.simple.id, quantity: 1 }],
      shipping: SHIPPING,
    })
    const body = JSON.stringify(env.sim.getOrder(placed.id))
    const res = await post(body, {
      'x-wc-webhook-topic': 'order.created',
      'x-wc-webhook-delivery-id': 'forged-1',
      'x-wc-webhook-signature': webhookSignature(body, 'not-the-secret'),
    })
    expect(res.status).toBe(401)
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(await res.json()).toMatchObject({ status: 401, detail: /does not match/ })
    expect(await hubOrder(placed.id)).toBeNull()
  })

  it('drops a replayed delivery, and a re-sent signed body adds no order and no event', async () => {
    const placed = env.sim.placeOrder({
      lines: [{ product_id: picks.simple.id, quantity: 1 }],
      shipping: SHIPPING,
    })
    const body = JSON.stringify(env.sim.getOrder(placed.id))
    const headers = {
      'x-wc-webhook-topic': 'order.created',
      'x-wc-webhook-delivery-id': `d-${placed.id}`,
      'x-wc-webhook-signature': webhookSignature(body, secret),
    }
    expect((await post(body, headers)).status).toBe(200)
    const o = await hubOrder(placed.id)
    expect(o.status).toBe('open')
    const again = await post(body, headers)
    expect(await again.json()).toMatchObject({ duplicate: true })
    // WooCommerce signs only the body: a copy with a new delivery id passes the signature, and the
    // hub reads the order from the shop again, which changes nothing.
    const copy = await post(body, { ...headers, 'x-wc-webhook-delivery-id': `copy-${placed.id}` })
    expect(copy.status).toBe(200)
    expect((await hubOrder(placed.id)).updated_at).toBe(o.updated_at)
    const events = (await env.api('GET', '/api/v1/events?after=0&limit=1000')).body.data
    expect(events.filter((e: any) => e.subject_id === o.id).map((e: any) => e.type)).toEqual([
      'order.received',
    ])
  })

  it('answers an oversized or unknown-endpoint delivery with a 4xx problem', async () => {
    const big = 'x'.repeat(6 * 1024 * 1024)
    const res = await post(big, { 'x-wc-webhook-signature': webhookSignature(big, secret) })
    expect(res.status).toBe(413)
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    const nowhere = await fetch(`${env.hub.url}/webhooks/woocommerce/con_nope`, {
      method: 'POST',
      body: '{}',
    })
    expect(nowhere.status).toBe(404)
    expect(nowhere.headers.get('content-type')).toMatch(/^application\/problem\+json/)
  })

  it('answers a malformed sync request with a 4xx problem', async () => {
    const res = await env.api(
      'POST',
      `/api/v1/connections/${env.connectionId}/sync`,
      '{"processes":',
    )
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    const wrong = await env.api('POST', `/api/v1/connections/${env.connectionId}/sync`, {
      processes: 'orders',
    })
    expect(wrong.status).toBe(422)
  })
})
