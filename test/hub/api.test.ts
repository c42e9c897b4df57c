import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FakeShop, fakeRegistry } from '../helpers/fake-connector.ts'
import { eventually, startTestHub, type TestHub } from '../helpers/hub.ts'

let hub: TestHub
const shop = new FakeShop()
let ownerA: string
let ownerB: string
let tokenA: string
let tokenB: string
let connectionId: string

async function waitRun(runId: string, token = tokenA) {
  return eventually(
    async () => {
      const r = await hub.request('GET', `/api/v1/runs/${runId}`, undefined, token)
      return ['succeeded', 'partial', 'failed'].includes(r.body.status) ? r.body : null
    },
    20_000,
    `run ${runId}`,
  )
}

async function syncNow(processes?: string[]) {
  const res = await hub.request(
    'POST',
    `/api/v1/connections/${connectionId}/sync`,
    processes ? { processes } : undefined,
    tokenA,
  )
  expect(res.status).toBe(202)
  return waitRun(res.body.run_id)
}

beforeAll(async () => {
  hub = await startTestHub({ registry: fakeRegistry(shop) })
  ownerA = (await hub.request('POST', '/api/v1/goods-owners', { name: 'Acme Shop' })).body.id
  ownerB = (await hub.request('POST', '/api/v1/goods-owners', { name: 'Other Client' })).body.id
  tokenA = (
    await hub.request('POST', '/api/v1/tokens', {
      name: 'acme wms',
      role: 'owner',
      goods_owner_id: ownerA,
    })
  ).body.token
  tokenB = (
    await hub.request('POST', '/api/v1/tokens', {
      name: 'other',
      role: 'owner',
      goods_owner_id: ownerB,
    })
  ).body.token
  for (const sku of ['SKU-1', 'SKU-2', 'SKU-3']) shop.addProduct(sku)
})
afterAll(async () => {
  await hub?.stop()
})

describe('authentication and errors', () => {
  it('answers 401 problem+json without a token, and with a wrong one', async () => {
    const none = await hub.request('GET', '/api/v1/orders', undefined, null)
    expect(none.status).toBe(401)
    expect(none.headers.get('content-type')).toContain('application/problem+json')
    expect(none.body).toMatchObject({ status: 401, title: 'Unauthorized' })
    expect(none.body.detail).toMatch(/Bearer/)
    const wrong = await hub.request('GET', '/api/v1/orders', undefined, 'dh_owner_wrong')
    expect(wrong.status).toBe(401)
  })

  it('serves /health without a token', async () => {
    const res = await hub.request('GET', '/health', undefined, null)
    expect(res.status).toBe(200)
    expect(res.body.status).toBe('ok')
  })

  it('rejects malformed and oversized bodies with 4xx problems', async () => {
    const bad = await hub.request('POST', '/api/v1/goods-owners', '{"name":', ADMIN())
    expect(bad.status).toBe(400)
    expect(bad.body.detail).toMatch(/not valid JSON/)
    const notJson = await hub.request('POST', '/api/v1/goods-owners', 'name=x', ADMIN(), {
      'content-type': 'text/plain',
    })
    expect(notJson.status).toBe(415)
    const invalid = await hub.request('POST', '/api/v1/goods-owners', { name: '' })
    expect(invalid.status).toBe(422)
    expect(invalid.body.errors[0].path).toBe('/name')
    const huge = await hub.request('POST', '/api/v1/goods-owners', {
      name: 'x'.repeat(6 * 1024 * 1024),
    })
    expect(huge.status).toBe(413)
    const route = await hub.request('GET', '/api/v1/nope')
    expect(route.status).toBe(404)
    expect(route.headers.get('content-type')).toContain('application/problem+json')
  })

  it('keeps owner tokens out of admin resources', async () => {
    expect((await hub.request('POST', '/api/v1/goods-owners', { name: 'x' }, tokenA)).status).toBe(
      403,
    )
    expect((await hub.request('GET', '/api/v1/tokens', undefined, tokenA)).status).toBe(403)
    const owners = await hub.request('GET', '/api/v1/goods-owners', undefined, tokenA)
    expect(owners.body.data.map((o: { id: string }) => o.id)).toEqual([ownerA])
    expect(
      (await hub.request('GET', `/api/v1/goods-owners/${ownerB}`, undefined, tokenA)).status,
    ).toBe(404)
  })
})

function ADMIN() {
  return undefined
}

describe('goods owners and tokens', () => {
  it('lists tokens without their secrets and revokes them', async () => {
    const created = await hub.request('POST', '/api/v1/tokens', { name: 'temp', role: 'admin' })
    expect(created.status).toBe(201)
    expect(created.body.token).toMatch(/^dh_admin_/)
    const list = await hub.request('GET', '/api/v1/tokens')
    expect(JSON.stringify(list.body)).not.toContain(created.body.token)
    expect(list.body.data.every((t: Record<string, unknown>) => !('token_hash' in t))).toBe(true)
    expect((await hub.request('GET', '/api/v1/orders', undefined, created.body.token)).status).toBe(
      200,
    )
    expect((await hub.request('DELETE', `/api/v1/tokens/${created.body.id}`)).status).toBe(204)
    expect((await hub.request('GET', '/api/v1/orders', undefined, created.body.token)).status).toBe(
      401,
    )
  })

  it('pages goods owners with a cursor', async () => {
    for (let i = 0; i < 3; i++)
      await hub.request('POST', '/api/v1/goods-owners', { name: `Pager ${i}` })
    const first = await hub.request('GET', '/api/v1/goods-owners?limit=2')
    expect(first.body.data).toHaveLength(2)
    expect(first.body.next_cursor).toBeTruthy()
    const second = await hub.request(
      'GET',
      `/api/v1/goods-owners?limit=2&cursor=${first.body.next_cursor}`,
    )
    expect(second.body.data[0].id > first.body.data[1].id).toBe(true)
    expect((await hub.request('GET', '/api/v1/goods-owners?cursor=garbage')).status).toBe(422)
    expect((await hub.request('GET', '/api/v1/goods-owners?limit=100000')).status).toBe(422)
  })
})

describe('connections', () => {
  it('creates a connection with validated settings and never returns credentials', async () => {
    const bad = await hub.request(
      'POST',
      '/api/v1/connections',
      {
        platform: 'woocommerce',
        name: 'Bad',
        credentials: { api_key: 'good-key' },
        settings: { interval_minutes: 0 },
      },
      tokenA,
    )
    expect(bad.status).toBe(422)
    expect(bad.body.errors[0].path).toBe('/settings/interval_minutes')
    const res = await hub.request(
      'POST',
      '/api/v1/connections',
      { platform: 'woocommerce', name: 'Acme WooCommerce', credentials: { api_key: 'good-key' } },
      tokenA,
    )
    expect(res.status).toBe(201)
    connectionId = res.body.id
    expect(res.body.settings).toMatchObject({
      interval_minutes: 15,
      order_statuses: ['processing'],
      product_status: 'publish',
    })
    expect(res.body.has_credentials).toBe(true)
    expect(JSON.stringify(res.body)).not.toContain('good-key')
    const got = await hub.request('GET', `/api/v1/connections/${connectionId}`, undefined, tokenA)
    expect(JSON.stringify(got.body)).not.toContain('good-key')
  })

  it('needs goods_owner_id for an admin creating a connection', async () => {
    const res = await hub.request('POST', '/api/v1/connections', {
      platform: 'woocommerce',
      name: 'x',
      credentials: { api_key: 'good-key' },
    })
    expect(res.status).toBe(422)
    expect(res.body.detail).toMatch(/goods_owner_id/)
  })

  it('merges and validates settings updates', async () => {
    const res = await hub.request(
      'PATCH',
      `/api/v1/connections/${connectionId}`,
      { settings: { interval_minutes: 5 } },
      tokenA,
    )
    expect(res.status).toBe(200)
    expect(res.body.settings.interval_minutes).toBe(5)
    expect(res.body.settings.order_statuses).toEqual(['processing'])
    const bad = await hub.request(
      'PATCH',
      `/api/v1/connections/${connectionId}`,
      { settings: { complete_when: 'sometimes' } },
      tokenA,
    )
    expect(bad.status).toBe(422)
  })

  it('tests a connection and says what is wrong', async () => {
    const ok = await hub.request(
      'POST',
      `/api/v1/connections/${connectionId}/test`,
      undefined,
      tokenA,
    )
    expect(ok.body).toMatchObject({ ok: true })
    const other = await hub.request(
      'POST',
      '/api/v1/connections',
      { platform: 'woocommerce', name: 'wrong', credentials: { api_key: 'bad-key' } },
      tokenA,
    )
    const bad = await hub.request(
      'POST',
      `/api/v1/connections/${other.body.id}/test`,
      undefined,
      tokenA,
    )
    expect(bad.body.ok).toBe(false)
    expect(bad.body.summary).toMatch(/rejected the API key/)
    expect(
      (await hub.request('DELETE', `/api/v1/connections/${other.body.id}`, undefined, tokenA))
        .status,
    ).toBe(204)
  })

  it("hides one owner's connection from another owner's token (404, not 403)", async () => {
    expect(
      (await hub.request('GET', `/api/v1/connections/${connectionId}`, undefined, tokenB)).status,
    ).toBe(404)
    expect(
      (await hub.request('POST', `/api/v1/connections/${connectionId}/sync`, undefined, tokenB))
        .status,
    ).toBe(404)
  })
})

describe('sync, articles and orders', () => {
  let orderId: string

  it('imports articles and orders in a run that reports progress, counts and issues', async () => {
    await hub.request(
      'PUT',
      '/api/v1/shipping-rules',
      { rules: [{ pattern: 'DHL*', way_of_delivery: 'DHL_PARCEL' }] },
      tokenA,
    )
    shop.addOrder({
      lines: [
        {
          externalLineId: '1',
          articleNumber: 'SKU-1',
          name: 'Product 1',
          quantity: 2,
          unitPrice: '5.00',
        },
      ],
    })
    shop.addOrder({
      shippingMethod: { code: 'flat_rate', name: 'Flat rate' },
      lines: [
        { externalLineId: '1', articleNumber: 'SKU-2', name: 'Product 2', quantity: 1 },
        { externalLineId: '2', articleNumber: 'NOPE', name: 'Unknown', quantity: 1 },
      ],
    })
    shop.addOrder({
      customer: {
        name: 'No Address',
        address1: null,
        postCode: null,
        city: null,
        countryCode: null,
      },
      lines: [{ externalLineId: '1', articleNumber: 'SKU-3', name: 'P3', quantity: 0 }],
    })
    const run = await syncNow()
    expect(run.status).toBe('succeeded')
    expect(run.counts.articles.created).toBe(3)
    expect(run.counts.orders.created).toBe(3)
    expect(run.progress.orders).toMatchObject({ done: 3, total: 3, state: 'done' })
    expect(run.issues.errors).toBeGreaterThan(0)
    const issues = await hub.request('GET', `/api/v1/runs/${run.id}/issues`, undefined, tokenA)
    const messages = issues.body.data.map((i: { message: string }) => i.message).join('\n')
    expect(messages).toMatch(/SKU "NOPE", which is not an article/)
    expect(messages).toMatch(/No shipping-method rule matches "Flat rate/)
    expect(messages).toMatch(/quantity 0/)
    expect(messages).toMatch(/lacks address, city, country/)
  })

  it('imports each order once however often it is seen', async () => {
    const run = await syncNow(['orders'])
    expect(run.counts.orders?.created ?? 0).toBe(0)
    const list = await hub.request('GET', '/api/v1/orders?limit=100', undefined, tokenA)
    expect(list.body.data).toHaveLength(3)
    // A full re-read (cursor reset) still creates nothing new.
    await hub.running.hub.db.deleteFrom('sync_cursors').execute()
    const again = await syncNow(['orders'])
    expect(again.counts.orders.unchanged).toBe(3)
    expect(
      (await hub.request('GET', '/api/v1/orders?limit=100', undefined, tokenA)).body.data,
    ).toHaveLength(3)
  })

  it('maps the way of delivery and puts problem orders on hold with a reason', async () => {
    const list = await hub.request('GET', '/api/v1/orders?limit=100', undefined, tokenA)
    const [first, second, third] = list.body.data
    orderId = first.id
    expect(first).toMatchObject({ status: 'open', way_of_delivery: 'DHL_PARCEL', attention: [] })
    expect(second.status).toBe('on_hold')
    expect(second.attention.map((a: { code: string }) => a.code)).toEqual(
      expect.arrayContaining(['unknown_article', 'unmapped_shipping_method']),
    )
    expect(third.status).toBe('on_hold')
    const filtered = await hub.request('GET', '/api/v1/orders?status=on_hold', undefined, tokenA)
    expect(filtered.body.data).toHaveLength(2)
    expect(
      (await hub.request('GET', '/api/v1/orders?status=bogus', undefined, tokenA)).status,
    ).toBe(422)
    expect(
      (await hub.request('GET', '/api/v1/orders?created_after=yesterday', undefined, tokenA))
        .status,
    ).toBe(422)
    const attention = await hub.request(
      'GET',
      '/api/v1/orders?needs_attention=true',
      undefined,
      tokenA,
    )
    expect(attention.body.data).toHaveLength(2)
  })

  it('applies shop changes before picking and records them as conflicts after', async () => {
    const order = shop.orders[0]!
    shop.touch(order, { remark: 'Leave at the door' })
    await syncNow(['orders'])
    let got = await hub.request('GET', `/api/v1/orders/${orderId}`, undefined, tokenA)
    expect(got.body.remark).toBe('Leave at the door')
    const pick = await hub.request('POST', `/api/v1/orders/${orderId}/pick`, undefined, tokenA)
    expect(pick.status).toBe(200)
    expect(pick.body.status).toBe('picking')
    const twice = await hub.request('POST', `/api/v1/orders/${orderId}/pick`, undefined, tokenA)
    expect(twice.status).toBe(409)
    expect(twice.body.detail).toMatch(/already started/)
    shop.touch(order, { remark: 'Changed my mind' })
    await syncNow(['orders'])
    got = await hub.request('GET', `/api/v1/orders/${orderId}`, undefined, tokenA)
    expect(got.body.remark).toBe('Leave at the door')
    expect(got.body.attention.map((a: { code: string }) => a.code)).toContain(
      'conflict_after_picking',
    )
  })

  it('returns 404, not 403, for another owner’s order', async () => {
    const res = await hub.request('GET', `/api/v1/orders/${orderId}`, undefined, tokenB)
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toContain('application/problem+json')
    expect((await hub.request('POST', `/api/v1/orders/${orderId}/ship`, {}, tokenB)).status).toBe(
      404,
    )
  })

  it('ships part and then the rest, refusing to ship more than ordered', async () => {
    await hub.request(
      'POST',
      '/api/v1/stock',
      { items: [{ article_number: 'SKU-1', on_hand: 10 }] },
      tokenA,
    )
    const over = await hub.request(
      'POST',
      `/api/v1/orders/${orderId}/ship`,
      { lines: [{ article_number: 'SKU-1', quantity: 3 }] },
      tokenA,
    )
    expect(over.status).toBe(409)
    expect(over.body.detail).toMatch(/more than was ordered.*3 asked, 2 left/)
    const part = await hub.request(
      'POST',
      `/api/v1/orders/${orderId}/ship`,
      {
        lines: [{ article_number: 'SKU-1', quantity: 1 }],
        tracking_number: 'TRK1',
        carrier: 'DHL',
        tracking_url: 'https://dhl.example/TRK1',
      },
      tokenA,
      { 'idempotency-key': 'ship-1' },
    )
    expect(part.status).toBe(201)
    expect(part.body.order.status).toBe('partially_shipped')
    const retry = await hub.request(
      'POST',
      `/api/v1/orders/${orderId}/ship`,
      { lines: [{ article_number: 'SKU-1', quantity: 1 }] },
      tokenA,
      { 'idempotency-key': 'ship-1' },
    )
    expect(retry.status).toBe(200)
    expect(retry.body.shipment_id).toBe(part.body.shipment_id)
    const rest = await hub.request(
      'POST',
      `/api/v1/orders/${orderId}/ship`,
      { tracking_number: 'TRK2' },
      tokenA,
    )
    expect(rest.status).toBe(201)
    expect(rest.body.order.status).toBe('shipped')
    expect(rest.body.order.shipments).toHaveLength(2)
    const again = await hub.request('POST', `/api/v1/orders/${orderId}/ship`, {}, tokenA)
    expect(again.status).toBe(409)
    const stock = await hub.request('GET', '/api/v1/stock?article_number=SKU-1', undefined, tokenA)
    expect(stock.body.data[0]).toMatchObject({ on_hand: 8, allocated: 0, available: 8 })
    const cancel = await hub.request('POST', `/api/v1/orders/${orderId}/cancel`, {}, tokenA)
    expect(cancel.status).toBe(409)
  })

  it('delivers the shipments to the shop once each, through the outbox', async () => {
    await syncNow(['fulfilments'])
    const fulfilments = shop.writes.filter((w) => w.kind === 'fulfilment')
    expect(fulfilments).toHaveLength(2)
    expect(fulfilments[0]!.payload).toMatchObject({
      external_order_id: '1000',
      tracking: { number: 'TRK1', carrier: 'DHL' },
      all_shipped: false,
    })
    expect(fulfilments[1]!.payload.all_shipped).toBe(true)
    expect(shop.writes.filter((w) => w.kind === 'order.status')).toHaveLength(3)
    await syncNow(['fulfilments'])
    expect(shop.writes.filter((w) => w.kind === 'fulfilment')).toHaveLength(2)
  })

  it('registers a return once and queues exactly one refund', async () => {
    const tooMany = await hub.request(
      'POST',
      `/api/v1/orders/${orderId}/returns`,
      { lines: [{ article_number: 'SKU-1', quantity: 3 }] },
      tokenA,
    )
    expect(tooMany.status).toBe(409)
    const ret = await hub.request(
      'POST',
      `/api/v1/orders/${orderId}/returns`,
      { lines: [{ article_number: 'SKU-1', quantity: 1 }], reason: 'damaged' },
      tokenA,
      { 'idempotency-key': 'ret-1' },
    )
    expect(ret.status).toBe(201)
    const dup = await hub.request(
      'POST',
      `/api/v1/orders/${orderId}/returns`,
      { lines: [{ article_number: 'SKU-1', quantity: 1 }] },
      tokenA,
      { 'idempotency-key': 'ret-1' },
    )
    expect(dup.status).toBe(200)
    await syncNow(['returns'])
    expect(shop.writes.filter((w) => w.kind === 'refund')).toHaveLength(1)
    const returns = await hub.request('GET', '/api/v1/returns', undefined, tokenA)
    expect(returns.body.data[0]).toMatchObject({ reason: 'damaged', refund: { status: 'done' } })
  })

  it('holds, releases and cancels with the right 409s', async () => {
    const list = await hub.request('GET', '/api/v1/orders?status=on_hold', undefined, tokenA)
    const held = list.body.data[0].id
    expect(
      (await hub.request('POST', `/api/v1/orders/${held}/pick`, undefined, tokenA)).status,
    ).toBe(409)
    expect((await hub.request('POST', `/api/v1/orders/${held}/hold`, {}, tokenA)).status).toBe(409)
    expect((await hub.request('POST', `/api/v1/orders/${held}/ship`, {}, tokenA)).status).toBe(409)
    const released = await hub.request('POST', `/api/v1/orders/${held}/release`, undefined, tokenA)
    expect(released.body.status).toBe('open')
    const hold = await hub.request(
      'POST',
      `/api/v1/orders/${held}/hold`,
      { reason: 'customer called' },
      tokenA,
    )
    expect(hold.body.status).toBe('on_hold')
    await hub.request('POST', `/api/v1/orders/${held}/release`, undefined, tokenA)
    const cancelled = await hub.request(
      'POST',
      `/api/v1/orders/${held}/cancel`,
      { reason: 'out of stock' },
      tokenA,
    )
    expect(cancelled.body.status).toBe('cancelled')
    expect((await hub.request('POST', `/api/v1/orders/${held}/cancel`, {}, tokenA)).status).toBe(
      409,
    )
    expect((await hub.request('POST', `/api/v1/orders/${held}/ship`, {}, tokenA)).status).toBe(409)
    expect(
      (await hub.request('POST', `/api/v1/orders/${held}/pick`, undefined, tokenA)).status,
    ).toBe(409)
  })

  it('cancels the warehouse order when the shop cancels before picking', async () => {
    const order = shop.addOrder({
      lines: [{ externalLineId: '1', articleNumber: 'SKU-2', name: 'P2', quantity: 1 }],
    })
    await syncNow(['orders'])
    shop.touch(order, { cancelled: true, shopStatus: 'cancelled' })
    await syncNow(['orders'])
    const got = await hub.request(
      'GET',
      `/api/v1/orders?external_id=${order.externalId}`,
      undefined,
      tokenA,
    )
    expect(got.body.data[0].status).toBe('cancelled')
  })
})

describe('stock', () => {
  it('sets and adjusts in bulk, all or nothing, with a journal', async () => {
    const bad = await hub.request(
      'POST',
      '/api/v1/stock',
      {
        items: [
          { article_number: 'SKU-2', on_hand: 5 },
          { article_number: 'GHOST', on_hand: 1 },
        ],
      },
      tokenA,
    )
    expect(bad.status).toBe(422)
    expect(bad.body.errors[0].message).toMatch(/unknown article number "GHOST"/)
    const before = await hub.request('GET', '/api/v1/stock?article_number=SKU-2', undefined, tokenA)
    expect(before.body.data[0].on_hand).toBe(0)
    const neg = await hub.request(
      'POST',
      '/api/v1/stock',
      { items: [{ article_number: 'SKU-2', adjust: -1 }] },
      tokenA,
    )
    expect(neg.status).toBe(422)
    const ok = await hub.request(
      'POST',
      '/api/v1/stock',
      {
        items: [
          { article_number: 'SKU-2', on_hand: 5 },
          { article_number: 'SKU-2', adjust: 2 },
          { article_number: 'SKU-3', on_hand: 4 },
        ],
      },
      tokenA,
    )
    expect(ok.status).toBe(200)
    const after = await hub.request('GET', '/api/v1/stock?article_number=SKU-2', undefined, tokenA)
    expect(after.body.data[0]).toMatchObject({ on_hand: 7 })
    const journal = await hub.request(
      'GET',
      '/api/v1/stock/journal?article_number=SKU-2',
      undefined,
      tokenA,
    )
    expect(
      journal.body.data.slice(0, 2).map((j: { on_hand_after: number }) => j.on_hand_after),
    ).toEqual([7, 5])
    const other = await hub.request('GET', '/api/v1/stock?article_number=SKU-2', undefined, tokenB)
    expect(other.body.data).toHaveLength(0)
  })

  it('pushes changed stock to the shop in batches and only what changed', async () => {
    const first = await syncNow(['stock'])
    expect(first.status).toBe('succeeded')
    expect(shop.stock.get('2')).toBe(7)
    expect(shop.stock.get('3')).toBe(4)
    const writes = shop.writes.filter((w) => w.kind === 'stock.set').length
    const second = await syncNow(['stock'])
    expect(second.status).toBe('succeeded')
    expect(shop.writes.filter((w) => w.kind === 'stock.set').length).toBe(writes)
  })
})

describe('articles', () => {
  it('lists articles with stock and shows one with its links', async () => {
    const list = await hub.request(
      'GET',
      '/api/v1/articles?article_number=SKU-2',
      undefined,
      tokenA,
    )
    expect(list.body.data[0]).toMatchObject({
      article_number: 'SKU-2',
      unit: 'st',
      stock: { on_hand: 7 },
    })
    const one = await hub.request(
      'GET',
      `/api/v1/articles/${list.body.data[0].id}`,
      undefined,
      tokenA,
    )
    expect(one.body.links[0]).toMatchObject({
      connection_id: connectionId,
      product_id: '2',
      stock_tracked: true,
    })
    expect(
      (await hub.request('GET', `/api/v1/articles/${list.body.data[0].id}`, undefined, tokenB))
        .status,
    ).toBe(404)
  })
})

describe('event feed', () => {
  it('returns events after a cursor and long-polls for new ones', async () => {
    const all = await hub.request('GET', '/api/v1/events?after=0&limit=1000', undefined, tokenA)
    const types = all.body.data.map((e: { type: string }) => e.type)
    expect(types).toEqual(
      expect.arrayContaining([
        'order.received',
        'order.changed',
        'order.picking_started',
        'order.shipped',
        'order.cancelled',
        'return.registered',
        'stock.changed',
      ]),
    )
    const last = all.body.next_after
    expect(
      (await hub.request('GET', `/api/v1/events?after=${last}`, undefined, tokenB)).body.data.every(
        (e: { goods_owner_id: string }) => e.goods_owner_id === ownerB,
      ),
    ).toBe(true)
    const waiting = hub.request('GET', `/api/v1/events?after=${last}&wait=20`, undefined, tokenA)
    await new Promise((r) => setTimeout(r, 100))
    await hub.request(
      'POST',
      '/api/v1/stock',
      { items: [{ article_number: 'SKU-3', adjust: 1 }] },
      tokenA,
    )
    const res = await waiting
    expect(res.body.data[0]).toMatchObject({ type: 'stock.changed' })
    expect(res.body.next_after).toBeGreaterThan(last)
  })
})

describe('shipping rules', () => {
  it('stores ordered rules per goods owner', async () => {
    const put = await hub.request(
      'PUT',
      '/api/v1/shipping-rules',
      {
        rules: [
          { pattern: 'D*L', way_of_delivery: 'DHL' },
          { pattern: '*', way_of_delivery: 'POSTNORD' },
        ],
      },
      tokenA,
    )
    expect(put.status).toBe(200)
    const got = await hub.request('GET', '/api/v1/shipping-rules', undefined, tokenA)
    expect(got.body.data.map((r: { pattern: string }) => r.pattern)).toEqual(['D*L', '*'])
    expect(
      (await hub.request('GET', '/api/v1/shipping-rules', undefined, tokenB)).body.data,
    ).toEqual([])
  })
})

describe('webhooks from the shop', () => {
  it('refuses a forged webhook and imports the order from a good one without waiting for the interval', async () => {
    const order = shop.addOrder({
      lines: [{ externalLineId: '1', articleNumber: 'SKU-3', name: 'P3', quantity: 1 }],
    })
    const forged = await fetch(`${hub.url}/webhooks/woocommerce/${connectionId}`, {
      method: 'POST',
      headers: { 'x-fake-secret': 'nope', 'content-type': 'application/json' },
      body: JSON.stringify({ id: order.externalId, delivery: 'd1' }),
    })
    expect(forged.status).toBe(401)
    const c = await hub.running.hub.db
      .selectFrom('connections')
      .selectAll()
      .where('id', '=', connectionId)
      .executeTakeFirstOrThrow()
    const secret = hub.running.hub.box.open(c.webhook_secret_enc, `connection-webhook:${c.id}`)
    const good = await fetch(`${hub.url}/webhooks/woocommerce/${connectionId}`, {
      method: 'POST',
      headers: { 'x-fake-secret': secret, 'content-type': 'application/json' },
      body: JSON.stringify({ id: order.externalId, delivery: 'd2' }),
    })
    expect(good.status).toBe(200)
    const got = await hub.request(
      'GET',
      `/api/v1/orders?external_id=${order.externalId}`,
      undefined,
      tokenA,
    )
    expect(got.body.data).toHaveLength(1)
    const replay = await fetch(`${hub.url}/webhooks/woocommerce/${connectionId}`, {
      method: 'POST',
      headers: { 'x-fake-secret': secret, 'content-type': 'application/json' },
      body: JSON.stringify({ id: order.externalId, delivery: 'd2' }),
    })
    expect(await replay.json()).toMatchObject({ duplicate: true })
  })
})
