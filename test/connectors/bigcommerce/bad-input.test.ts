/**
 * Bad input from a BigCommerce store, through a real hub and the simulator (issue #9, "Bad
 * input"). One batch holds a good order next to orders with an unknown SKU, a line without SKU,
 * no address at all, zero and negative quantities, a 100 KB customer message, unicode and HTML in
 * names and messages, two variants forced to share a SKU, and an order whose line breaks the
 * documented shape. One sync imports what can be imported and holds or reports the rest with a
 * reason naming the problem; after the store is fixed, the next sync brings each in once. Then
 * webhooks: forged, replayed, replayed under a new timestamp.
 *
 * The simulator's clock runs with real time plus an offset the test moves forward, so an edit
 * made "later" has a later `date_modified` (v2 dates have one-second resolution) without waiting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Variant } from '../../../fixtures/src/bigcommerce/store.ts'
import { SECRET_HEADER } from '../../../hub/src/connectors/bigcommerce/webhooks.ts'
import { type BcHarness, startBc } from './helpers.ts'

const HTML_NAME = '<b>Zoë</b> <script>alert("x")</script>'
const HTML_COMPANY = 'Ørsted & Søn <img src=x onerror=alert(1)> 北京 👩‍🔧'
const HTML_NOTE = '<script>document.cookie</script> Ring på dörren 🚪 & "knock" <br/>'
const HTML_LINE = 'Tröja "Größe" <img src=x onerror=alert(2)> — 北京'
const BIG_NOTE = `${'Leave it by the door. '.repeat(5000).slice(0, 100 * 1024 - 4)} END`
const ADDRESS = {
  first_name: 'Per',
  last_name: 'Olsson',
  company: '',
  street_1: 'Hamngatan 5',
  street_2: '',
  city: 'Göteborg',
  state: '',
  zip: '411 06',
  country: 'Sweden',
  country_iso2: 'SE',
  phone: '+46 31 123 45 67',
  email: 'per@example.se',
}
const BLANK = Object.fromEntries(Object.keys(ADDRESS).map((k) => [k, ''])) as typeof ADDRESS

let h: BcHarness
let offset = 0
const later = () => {
  offset += 60_000
}
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
let good: Variant
let spare: Variant
let dupA: Variant
let dupB: Variant
let firstRun: any
let firstIssues: any[]

async function hubOrder(id: number): Promise<any> {
  const list = await h.hub.request('GET', `/api/v1/orders?external_id=${id}`, undefined, h.token)
  if (list.body.data.length > 1) throw new Error(`order ${id} imported twice`)
  const o = list.body.data[0]
  return o ? (await h.hub.request('GET', `/api/v1/orders/${o.id}`, undefined, h.token)).body : null
}

const linesOf = (orderId: number) =>
  [...h.sim.store.orderProducts.values()].filter((l) => l.order_id === orderId)

function touch(orderId: number) {
  // An edit in the control panel moves date_modified; the next pull reads the order again.
  h.sim.store.orders.get(orderId)!.date_modified = h.sim.store.now()
}

function place(lines: Array<{ variantId: number; quantity: number; name?: string }>, extra = {}) {
  return h.sim.placeOrder({
    lines,
    billingAddress: ADDRESS,
    shippingAddresses: [{ ...ADDRESS, shipping_method: 'PostNord' }],
    ...extra,
  }).id
}

beforeAll(async () => {
  h = await startBc({
    sim: { clock: () => new Date(Date.now() + offset) },
    settings: { stock_zero_guard_share: 1 },
  })
  await h.syncNow()
  later()

  const physical = [...h.sim.store.variants.values()].filter((v) => {
    const p = h.sim.store.products.get(v.product_id)!
    return v.sku && p.type === 'physical' && p.availability === 'available'
  })
  ;[good, spare, dupA, dupB] = physical.slice(-4) as [Variant, Variant, Variant, Variant]

  // BigCommerce refuses a second variant with a taken SKU (the simulator too); a catalogue
  // import from another system could still leave one, so the store gets it directly.
  expect(() => h.sim.updateVariant(dupB.id, { sku: dupA.sku })).toThrow(/duplicate/)
  dupB.sku = dupA.sku
  h.sim.store.products.get(dupB.product_id)!.date_modified = h.sim.store.now()

  ids.good = place([{ variantId: good.id, quantity: 2 }])

  // Order lines keep the SKU they were sold with: this one names a SKU no variant has (any more).
  ids.unknownSku = place([{ variantId: good.id, quantity: 1 }])
  linesOf(ids.unknownSku)[0]!.sku = 'BC-NOT-STOCKED-1'

  ids.noSku = place([
    { variantId: good.id, quantity: 1 },
    { variantId: spare.id, quantity: 1, name: 'Gift wrapping' },
  ])
  linesOf(ids.noSku)[1]!.sku = ''

  // No shipping address and an empty billing address to fall back on.
  ids.noAddress = place([{ variantId: good.id, quantity: 1 }], { billingAddress: BLANK })
  for (const a of [...h.sim.store.shippingAddresses.values()])
    if (a.order_id === ids.noAddress) h.sim.store.shippingAddresses.delete(a.id)

  // BigCommerce's checkout and API never create a line below 1; the store carries them anyway.
  ids.quantities = place([
    { variantId: good.id, quantity: 3 },
    { variantId: spare.id, quantity: 1 },
    { variantId: spare.id, quantity: 1 },
  ])
  linesOf(ids.quantities)[1]!.quantity = 0
  linesOf(ids.quantities)[2]!.quantity = -2

  ids.bigNote = place([{ variantId: good.id, quantity: 1 }], { customerMessage: BIG_NOTE })

  ids.html = place([{ variantId: good.id, quantity: 1, name: HTML_LINE }], {
    customerMessage: HTML_NOTE,
    shippingAddresses: [{ ...ADDRESS, first_name: HTML_NAME, company: HTML_COMPANY }],
  })

  ids.duplicate = place([{ variantId: dupB.id, quantity: 1 }])

  // Not the documented shape: a line's quantity is a string, not a number.
  ids.malformed = place([{ variantId: good.id, quantity: 1 }])
  ;(linesOf(ids.malformed)[0] as { quantity: unknown }).quantity = '2'

  firstRun = await h.syncNow()
  firstIssues = await h.issues(firstRun.id)
}, 180_000)
afterAll(async () => h?.stop())

describe('BigCommerce: one batch of bad orders', () => {
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
    }
    expect((await hubOrder(ids.good)).attention).toEqual([])
  })

  it('holds an order with an unknown SKU and names the SKU', async () => {
    const o = await hubOrder(ids.unknownSku)
    expect(o.status).toBe('on_hold')
    expect(o.attention).toMatchObject([{ code: 'unknown_article', blocking: true }])
    expect(o.attention[0].message).toContain('SKU "BC-NOT-STOCKED-1", which is not an article')
    const issue = firstIssues.find((i: any) => i.order_id === o.id)
    expect(issue).toMatchObject({ code: 'unknown_article', platform_ref: String(ids.unknownSku) })
    expect(issue.message).toContain(`Order ${ids.unknownSku}:`)
  })

  it('holds an order with a line without SKU and names the line', async () => {
    const o = await hubOrder(ids.noSku)
    expect(o.status).toBe('on_hold')
    expect(o.attention).toMatchObject([{ code: 'missing_sku', blocking: true }])
    expect(o.attention[0].message).toMatch(/^Line "Gift wrapping.*" .* has no SKU/)
  })

  it('holds an order without any address and says what is missing', async () => {
    const o = await hubOrder(ids.noAddress)
    expect(o.status).toBe('on_hold')
    expect(o.attention.find((a: any) => a.code === 'missing_address').message).toBe(
      'The delivery address lacks name, address, city, country.',
    )
  })

  it('leaves out zero and negative quantities, saying so, and ships the rest', async () => {
    const o = await hubOrder(ids.quantities)
    expect(o.lines).toHaveLength(1)
    expect(o.lines[0]).toMatchObject({ article_number: good.sku, quantity: 3 })
    const items = o.attention.filter((a: any) => a.code === 'invalid_quantity')
    expect(items.map((a: any) => a.message)).toEqual([
      expect.stringMatching(/has quantity 0; it was left out/),
      expect.stringMatching(/has quantity -2; it was left out/),
    ])
  })

  it('cuts a 100 KB customer message to the remark limit and says so', async () => {
    const o = await hubOrder(ids.bigNote)
    expect(o.remark).toBe(BIG_NOTE.slice(0, 10_000))
    expect(o.attention).toMatchObject([{ code: 'text_truncated', blocking: false }])
    expect(o.attention[0].message).toMatch(/customer note is 102,400 characters long/)
  })

  it('stores unicode and HTML as text and returns it intact', async () => {
    const o = await hubOrder(ids.html)
    expect(o.remark).toBe(HTML_NOTE)
    expect(o.customer.name).toBe(`${HTML_NAME} Olsson`)
    expect(o.customer.company).toBe(HTML_COMPANY)
    expect(o.lines[0].name).toContain(HTML_LINE)
  })

  it('reports two variants sharing a SKU and books the order on the one article', async () => {
    const dup = firstIssues.filter((i: any) => i.code === 'duplicate_sku')
    expect(dup).toHaveLength(1)
    expect(dup[0].message).toContain(`SKU "${dupA.sku}"`)
    expect(dup[0].message).toContain(`variant ${dupA.id}`)
    expect(dup[0].message).toContain(`variant ${dupB.id}`)
    const o = await hubOrder(ids.duplicate)
    const article = (
      await h.hub.request('GET', `/api/v1/articles?article_number=${dupA.sku}`, undefined, h.token)
    ).body.data[0]
    expect(o.lines[0]).toMatchObject({ article_number: dupA.sku, article_id: article.id })
  })

  it('reports an order it cannot read on the run, naming the order and the field', async () => {
    const issue = firstIssues.find((i: any) => i.code === 'unreadable_order')
    expect(issue).toMatchObject({ platform_ref: String(ids.malformed), level: 'error' })
    expect(issue.message).toContain(`Order ${ids.malformed} could not be read`)
    expect(issue.message).toMatch(/products\.0\.quantity: .*expected number/)
  })
})

describe('BigCommerce: the store is fixed, the next sync brings each order in once', () => {
  let secondRun: any
  beforeAll(async () => {
    later()
    // The warehouse creates the article the order was waiting for.
    const created = await h.hub.request(
      'POST',
      '/api/v1/articles',
      { article_number: 'BC-NOT-STOCKED-1', name: 'Newly stocked' },
      h.token,
    )
    expect(created.status).toBe(201)
    linesOf(ids.noSku)[1]!.sku = spare.sku
    touch(ids.noSku)
    // The merchant enters the shipping address.
    h.sim.store.shippingAddresses.set(990_001, {
      ...ADDRESS,
      id: 990_001,
      order_id: ids.noAddress,
      shipping_method: 'PostNord',
      base_cost: 0,
      shipping_zone_id: 1,
      shipping_zone_name: 'Sweden',
    })
    touch(ids.noAddress)
    ;(linesOf(ids.malformed)[0] as { quantity: unknown }).quantity = 2
    touch(ids.malformed)
    secondRun = await h.syncNow()
  }, 120_000)

  it('released the held orders and imported the unreadable one', async () => {
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

  it('has each order once, received once, and another sync changes nothing', async () => {
    const third = await h.syncNow({ processes: ['orders'] })
    expect(third.counts.orders?.created ?? 0).toBe(0)
    expect(third.counts.orders?.updated ?? 0).toBe(0)
    const all = (await h.hub.request('GET', '/api/v1/orders?limit=500', undefined, h.token)).body
      .data
    const mine = all.filter((o: any) => Object.values(ids).map(String).includes(o.external_id))
    expect(mine).toHaveLength(Object.keys(ids).length)
    const events = (
      await h.hub.request(
        'GET',
        '/api/v1/events?after=0&limit=1000&type=order.received',
        undefined,
        h.token,
      )
    ).body.data
    for (const o of mine)
      expect(
        events.filter((e: any) => e.subject_id === o.id),
        o.external_id,
      ).toHaveLength(1)
  })
})

describe('BigCommerce: webhooks that must not be acted on', () => {
  let secret: string
  const deliver = (body: string, headers: Record<string, string>) =>
    fetch(`${h.hub.url}/webhooks/bigcommerce/${h.connectionId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    })
  beforeAll(async () => {
    const c = await h.hub.running.hub.db
      .selectFrom('connections')
      .selectAll()
      .where('id', '=', h.connectionId)
      .executeTakeFirstOrThrow()
    secret = h.hub.running.hub.box.open(c.webhook_secret_enc, `connection-webhook:${c.id}`)
  })

  it('refuses a delivery without the secret header with a 401 problem', async () => {
    const id = place([{ variantId: good.id, quantity: 1 }])
    const body = JSON.stringify(h.sim.webhookPayload('store/order/created', { type: 'order', id }))
    const res = await deliver(body, { [SECRET_HEADER]: 'not-the-secret' })
    expect(res.status).toBe(401)
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect((await res.json()).detail).toMatch(/secret header/)
    expect(await hubOrder(id)).toBeNull()
  })

  it('acts on a delivery once; a replay, even under a new timestamp, adds nothing', async () => {
    const id = place([{ variantId: good.id, quantity: 1 }])
    const payload = h.sim.webhookPayload('store/order/created', { type: 'order', id })
    const body = JSON.stringify(payload)
    expect((await deliver(body, { [SECRET_HEADER]: secret })).status).toBe(200)
    const o = await hubOrder(id)
    expect(o.status).toBe('open')
    expect(await (await deliver(body, { [SECRET_HEADER]: secret })).json()).toMatchObject({
      duplicate: true,
    })
    // The secret is a static header, so whoever saw one delivery can send others; the hub keeps
    // no time window. The payload is only a trigger: the order is read from the API again and
    // nothing changes.
    const restamped = JSON.stringify({
      ...payload,
      created_at: Number(payload.created_at) - 86_400,
    })
    expect((await deliver(restamped, { [SECRET_HEADER]: secret })).status).toBe(200)
    expect((await hubOrder(id)).updated_at).toBe(o.updated_at)
    const events = (
      await h.hub.request('GET', '/api/v1/events?after=0&limit=1000', undefined, h.token)
    ).body.data
    expect(events.filter((e: any) => e.subject_id === o.id).map((e: any) => e.type)).toEqual([
      'order.received',
    ])
  })

  it('refuses a body that is not a BigCommerce event, and an oversized one, with 4xx problems', async () => {
    const junk = await deliver('{"scope": 42}', { [SECRET_HEADER]: secret })
    expect(junk.status).toBe(401)
    expect((await junk.json()).detail).toMatch(/not a BigCommerce event/)
    const big = await deliver(`{"x":"${'y'.repeat(6 * 1024 * 1024)}"}`, {
      [SECRET_HEADER]: secret,
    })
    expect(big.status).toBe(413)
    expect(big.headers.get('content-type')).toMatch(/^application\/problem\+json/)
  })
})
