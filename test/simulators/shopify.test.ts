import { createHmac } from 'node:crypto'
import { createServer } from 'node:http'
import { parse, validate } from 'graphql'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { serveSimulator } from '../../fixtures/src/common/serve.ts'
import { getSchema, VERSION_DRIFT } from '../../fixtures/src/shopify/index.ts'
import { makeSim } from './shopify-helpers.ts'

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

function setup(options: Parameters<typeof makeSim>[0] = {}) {
  const t = makeSim(options)
  server.use(...t.sim.mswHandlers())
  return t
}

const READ_DOCS = [
  `{ shop { name ianaTimezone currencyCode } }`,
  `{ locations(first: 10) { nodes { id name isActive fulfillsOnlineOrders isFulfillmentService } } }`,
  `query($c: String) { productVariants(first: 20, after: $c, query: "updated_at:>'2026-01-01T00:00:00Z'", sortKey: ID) {
     pageInfo { hasNextPage endCursor }
     nodes { id sku barcode title displayName price updatedAt product { id title status vendor featuredImage { url } featuredMedia { ... on MediaImage { image { url } } } updatedAt }
       inventoryItem { id tracked unitCost { amount currencyCode } countryCodeOfOrigin harmonizedSystemCode measurement { weight { value unit } }
         inventoryLevels(first: 5) { nodes { location { id } quantities(names: ["available", "on_hand"]) { name quantity } } } } } } }`,
  `{ products(first: 5) { edges { cursor node { id title status variants(first: 5) { nodes { id sku } } } } } }`,
  `{ orders(first: 4, sortKey: UPDATED_AT, query: "status:open") { nodes { id legacyResourceId name email phone note createdAt updatedAt cancelledAt closed
      displayFinancialStatus displayFulfillmentStatus currencyCode totalPriceSet { shopMoney { amount currencyCode } }
      shippingAddress { firstName lastName address1 city zip countryCodeV2 phone } billingAddress { city }
      customer { email note } shippingLines(first: 5) { nodes { title code } } customAttributes { key value }
      lineItems(first: 10) { nodes { id sku name quantity currentQuantity refundableQuantity originalUnitPriceSet { shopMoney { amount } } discountAllocations { allocatedAmountSet { shopMoney { amount } } } variant { id } } }
      refunds { id refundLineItems(first: 5) { nodes { quantity restockType lineItem { id } } } }
      fulfillmentOrders(first: 3) { nodes { id status assignedLocation { location { id } } lineItems(first: 10) { nodes { id remainingQuantity totalQuantity lineItem { id } } } } } } } }`,
  `{ fulfillmentOrders(first: 10) { nodes { id status supportedActions { action } } } }`,
  `{ webhookSubscriptions(first: 10) { nodes { id topic uri } } }`,
]

describe('shopify simulator: schema conformance', () => {
  it('every simulated read validates against the schema and answers with data', async () => {
    const { gql } = setup()
    for (const doc of READ_DOCS) {
      expect(validate(getSchema(), parse(doc))).toEqual([])
      const { status, body } = await gql(doc)
      expect(status).toBe(200)
      expect(body.errors, doc).toBeUndefined()
      expect(body.extensions.cost.requestedQueryCost).toBeGreaterThanOrEqual(0)
    }
  })

  it('answers an unknown field with Shopify’s error shape', async () => {
    const { gql } = setup()
    const { status, body } = await gql('{ shop { name fooBar } }')
    expect(status).toBe(200)
    expect(body.data).toBeUndefined()
    expect(body.errors[0]).toMatchObject({
      message: "Field 'fooBar' doesn't exist on type 'Shop'",
      locations: [{ line: 1, column: 15 }],
      path: ['query', 'shop', 'fooBar'],
      extensions: { code: 'undefinedField', typeName: 'Shop', fieldName: 'fooBar' },
    })
  })

  it('applies the explicit drift list for 2026-10', () => {
    const schema = getSchema()
    const qty = schema.getType('InventoryQuantityInput') as any
    expect(Object.keys(qty.getFields()).sort()).toEqual([
      'changeFromQuantity',
      'inventoryItemId',
      'locationId',
      'quantity',
    ])
    const setInput = schema.getType('InventorySetQuantitiesInput') as any
    expect(setInput.getFields().ignoreCompareQuantity).toBeUndefined()
    const wh = schema.getType('WebhookSubscriptionInput') as any
    expect(wh.getFields().uri).toBeDefined()
    expect(wh.getFields().callbackUrl).toBeUndefined()
    expect(VERSION_DRIFT.map((p) => `${p.kind}:${p.type}`)).toContain(
      'addInputField:InventoryQuantityInput',
    )
  })
})

const SET = `mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) {
  inventoryAdjustmentGroup { reason changes { name delta quantityAfterChange } } userErrors { field message code } } }`

function stocked(sim: ReturnType<typeof makeSim>['sim']) {
  const locs = [...sim.store.locations.values()].filter((l) => !l.fulfillmentServiceHandle)
  const item = [...sim.store.inventoryItems.values()].find(
    (i) => i.tracked && sim.store.level(i.id, locs[0]!.id),
  )!
  const unstocked = [...sim.store.inventoryItems.values()].find(
    (i) => i.tracked && !sim.store.level(i.id, locs[1]!.id),
  )!
  return { locs, item, unstocked }
}

describe('shopify simulator: inventory', () => {
  it('requires changeFromQuantity (null allowed) and rejects compareQuantity', async () => {
    const { sim, gql } = setup()
    const { locs, item } = stocked(sim)
    const base = {
      inventoryItemId: `gid://shopify/InventoryItem/${item.id}`,
      locationId: `gid://shopify/Location/${locs[0]!.id}`,
      quantity: 7,
    }
    const input = (q: object) => ({
      input: {
        name: 'available',
        reason: 'correction',
        referenceDocumentUri: 'logistics://dockhand/run/1',
        quantities: [q],
      },
    })

    const missing = await gql(SET, input(base))
    expect(missing.body.data.inventorySetQuantities.userErrors[0].field).toEqual([
      'input',
      'quantities',
      '0',
      'changeFromQuantity',
    ])

    const old = await gql(SET, input({ ...base, compareQuantity: 1 }))
    expect(old.body.data).toBeUndefined()
    expect(old.body.errors[0].extensions.code).toBe('INVALID_VARIABLE')
    expect(old.body.errors[0].extensions.problems[0].explanation).toContain(
      'Field is not defined on InventoryQuantityInput',
    )

    const stale = await gql(SET, input({ ...base, changeFromQuantity: 99_999 }))
    expect(stale.body.data.inventorySetQuantities.userErrors[0].code).toBe(
      'CHANGE_FROM_QUANTITY_STALE',
    )

    const ok = await gql(SET, input({ ...base, changeFromQuantity: null }))
    expect(ok.body.data.inventorySetQuantities.userErrors).toEqual([])
    expect(sim.store.level(item.id, locs[0]!.id)!.quantities.available).toBe(7)
    const cas = await gql(SET, input({ ...base, quantity: 9, changeFromQuantity: 7 }))
    expect(cas.body.data.inventorySetQuantities.userErrors).toEqual([])
  })

  it('reports ITEM_NOT_STOCKED_AT_LOCATION and INVALID_REASON; inventoryActivate fixes stocking', async () => {
    const { sim, gql } = setup()
    const { locs, unstocked } = stocked(sim)
    const q = {
      inventoryItemId: `gid://shopify/InventoryItem/${unstocked.id}`,
      locationId: `gid://shopify/Location/${locs[1]!.id}`,
      quantity: 3,
      changeFromQuantity: null,
    }
    const res = await gql(SET, {
      input: { name: 'available', reason: 'correction', quantities: [q] },
    })
    expect(res.body.data.inventorySetQuantities.userErrors[0].code).toBe(
      'ITEM_NOT_STOCKED_AT_LOCATION',
    )
    const bad = await gql(SET, { input: { name: 'available', reason: 'because', quantities: [q] } })
    expect(bad.body.data.inventorySetQuantities.userErrors.map((e: any) => e.code)).toContain(
      'INVALID_REASON',
    )
    const act = await gql(
      `mutation($i: ID!, $l: ID!) { inventoryActivate(inventoryItemId: $i, locationId: $l, available: 0) { inventoryLevel { id } userErrors { message } } }`,
      { i: q.inventoryItemId, l: q.locationId },
    )
    expect(act.body.data.inventoryActivate.userErrors).toEqual([])
    const again = await gql(SET, {
      input: { name: 'available', reason: 'correction', quantities: [q] },
    })
    expect(again.body.data.inventorySetQuantities.userErrors).toEqual([])
  })

  it('rejects input arrays over 250', async () => {
    const { sim, gql } = setup()
    const { locs, item } = stocked(sim)
    const q = {
      inventoryItemId: `gid://shopify/InventoryItem/${item.id}`,
      locationId: `gid://shopify/Location/${locs[0]!.id}`,
      quantity: 1,
      changeFromQuantity: null,
    }
    const res = await gql(SET, {
      input: { name: 'available', reason: 'correction', quantities: Array(251).fill(q) },
    })
    expect(res.body.errors[0].extensions.code).toBe('MAX_INPUT_SIZE_EXCEEDED')
  })
})

describe('shopify simulator: pagination, search, limits', () => {
  it('walks all variants with cursors', async () => {
    const { sim, gql } = setup()
    const ids: string[] = []
    let after: string | null = null
    do {
      const res: any = await gql(
        `query($a: String) { productVariants(first: 7, after: $a) { pageInfo { hasNextPage endCursor } edges { cursor node { id } } } }`,
        { a: after },
      )
      const conn = res.body.data.productVariants
      ids.push(...conn.edges.map((e: any) => e.node.id))
      after = conn.pageInfo.hasNextPage ? conn.pageInfo.endCursor : null
    } while (after)
    expect(ids.length).toBe(sim.store.variants.size)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('refuses first: 251 and a missing first/last', async () => {
    const { gql } = setup()
    const res = await gql('{ products(first: 251) { nodes { id } } }')
    expect(res.body.data).toBeNull()
    expect(res.body.errors[0].message).toMatch(/250/)
    const none = await gql('{ products { nodes { id } } }')
    expect(none.body.errors[0].message).toBe('you must provide one of first or last')
  })

  it('reads updated_at without offset in the shop time zone (Europe/Stockholm)', async () => {
    const { sim, gql } = setup()
    const order = [...sim.store.orders.values()][0]!
    order.updatedAt = '2026-11-19T10:30:00.000Z' // 11:30 in Stockholm (CET, UTC+1)
    const q = (filter: string) =>
      gql(`query($q: String) { orders(first: 250, query: $q) { nodes { id } } }`, {
        q: filter,
      }).then((r) =>
        r.body.data.orders.nodes.map((n: any) => n.id).includes(`gid://shopify/Order/${order.id}`),
      )
    expect(await q(`updated_at:>'2026-11-19T11:00:00Z'`)).toBe(false) // UTC: 10:30 < 11:00
    expect(await q(`updated_at:>'2026-11-19T11:00:00'`)).toBe(true) // shop-local 11:00 = 10:00Z
    expect(await q(`updated_at:>'2026-11-19T11:00:00+01:00'`)).toBe(true)
  })

  it('filters orders by financial and fulfilment status', async () => {
    const { sim, gql } = setup()
    const res = await gql(
      `{ orders(first: 250, query: "financial_status:paid AND fulfillment_status:unshipped AND status:open") { nodes { displayFinancialStatus displayFulfillmentStatus cancelledAt closed } } }`,
    )
    const nodes = res.body.data.orders.nodes
    expect(nodes.length).toBeGreaterThan(0)
    for (const n of nodes) {
      expect(n.displayFinancialStatus).toBe('PAID')
      expect(n.displayFulfillmentStatus).not.toBe('FULFILLED')
      expect(n.cancelledAt).toBeNull()
    }
    expect(sim.store.orders.size).toBeGreaterThan(nodes.length)
  })
})

describe('shopify simulator: throttling and auth', () => {
  it('throttles a burst and recovers after the documented wait', async () => {
    const { gql, advance } = setup({ bucket: { maximumAvailable: 1000, restoreRate: 100 } })
    const heavy = '{ productVariants(first: 250) { nodes { id inventoryItem { id } } } }'
    const first = await gql(heavy)
    const cost = first.body.extensions.cost
    expect(cost.requestedQueryCost).toBe(2 + 250 * 2)
    let res = first
    let n = 0
    while (!res.body.errors && n < 50) {
      res = await gql(heavy)
      n++
    }
    expect(res.body.errors[0]).toEqual({
      message: 'Throttled',
      extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' },
    })
    expect(res.body.extensions.cost.actualQueryCost).toBeNull()
    const { currentlyAvailable, restoreRate } = res.body.extensions.cost.throttleStatus
    advance(Math.ceil(((502 - currentlyAvailable) / restoreRate) * 1000))
    const after = await gql(heavy)
    expect(after.body.errors).toBeUndefined()
  })

  it('rejects a single query over 1000 points', async () => {
    const { gql } = setup()
    const res = await gql(
      '{ products(first: 250) { nodes { variants(first: 250) { nodes { id } } } } }',
    )
    expect(res.body.errors[0].extensions.code).toBe('MAX_COST_EXCEEDED')
  })

  it('answers 401 for a wrong token and ACCESS_DENIED for a missing scope', async () => {
    const { sim, gql } = setup({ scopes: ['read_products'] })
    const bad = await gql('{ shop { name } }', undefined, 'shpat_wrong')
    expect(bad.status).toBe(401)
    expect(bad.body).toEqual({
      errors: '[API] Invalid API key or access token (unrecognized login or wrong password)',
    })
    const denied = await gql('{ orders(first: 1) { nodes { id } } }')
    expect(denied.status).toBe(200)
    expect(denied.body.data).toBeNull()
    expect(denied.body.errors[0].extensions.code).toBe('ACCESS_DENIED')
    expect(sim.log.writes()).toHaveLength(0)
  })

  it('serves an unsupported version by falling forward, and REST fulfilments are gone', async () => {
    const { sim } = setup()
    const headers = {
      'content-type': 'application/json',
      'x-shopify-access-token': sim.credentials.accessToken,
    }
    const res = await fetch(`${sim.describe().baseUrl}/admin/api/2023-01/graphql.json`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: '{ shop { name } }' }),
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-shopify-api-version')).toBe('2025-10')
    const rest = await fetch(
      `${sim.describe().baseUrl}/admin/api/2026-10/orders/1/fulfillments.json`,
      { method: 'POST', headers, body: '{}' },
    )
    expect(rest.status).toBe(404)
  })
})

describe('shopify simulator: fulfilment orders', () => {
  const FC = `mutation($f: FulfillmentInput!) { fulfillmentCreate(fulfillment: $f) { fulfillment { id status trackingInfo { company number url } } userErrors { field message } } }`

  it('partial fulfilment reduces remaining quantities; over-fulfilment is a userError', async () => {
    const { sim, gql } = setup()
    const variant = [...sim.store.variants.values()].find(
      (v) => sim.store.products.get(v.productId)?.status === 'ACTIVE',
    )!
    const order = sim.placeOrder({ lines: [{ variantId: variant.id, quantity: 3 }] })
    const fo = sim.store.orderFulfillmentOrders(order)[0]!
    const line = fo.lineItems[0]!
    const f = (quantity: number) => ({
      f: {
        lineItemsByFulfillmentOrder: [
          {
            fulfillmentOrderId: `gid://shopify/FulfillmentOrder/${fo.id}`,
            fulfillmentOrderLineItems: [
              { id: `gid://shopify/FulfillmentOrderLineItem/${line.id}`, quantity },
            ],
          },
        ],
        trackingInfo: { company: 'PostNord', number: '00370123456789' },
        notifyCustomer: false,
      },
    })
    const ok = await gql(FC, f(2))
    expect(ok.body.data.fulfillmentCreate.userErrors).toEqual([])
    expect(ok.body.data.fulfillmentCreate.fulfillment.trackingInfo[0].url).toContain(
      '00370123456789',
    )
    const after = await gql(
      `query($id: ID!) { order(id: $id) { displayFulfillmentStatus fulfillmentOrders(first: 5) { nodes { status lineItems(first: 5) { nodes { remainingQuantity } } } } } }`,
      { id: `gid://shopify/Order/${order.id}` },
    )
    expect(after.body.data.order.displayFulfillmentStatus).toBe('PARTIALLY_FULFILLED')
    expect(after.body.data.order.fulfillmentOrders.nodes[0]).toEqual({
      status: 'IN_PROGRESS',
      lineItems: { nodes: [{ remainingQuantity: 1 }] },
    })
    const over = await gql(FC, f(2))
    expect(over.body.data.fulfillmentCreate.fulfillment).toBeNull()
    expect(over.body.data.fulfillmentCreate.userErrors[0].field).toEqual([
      'fulfillment',
      'lineItemsByFulfillmentOrder',
      '0',
      'fulfillmentOrderLineItems',
      '0',
      'quantity',
    ])
    expect(sim.log.writes().map((w) => w.operation)).toEqual([
      ['mutation:fulfillmentCreate'],
      ['mutation:fulfillmentCreate'],
    ])
  })

  it('moveFulfillmentOrder splits an order across locations', () => {
    const { sim } = setup()
    const locs = [...sim.store.locations.values()].filter((l) => !l.fulfillmentServiceHandle)
    const variant = [...sim.store.variants.values()][0]!
    const order = sim.placeOrder({ lines: [{ variantId: variant.id, quantity: 2 }] })
    const fo = sim.store.orderFulfillmentOrders(order)[0]!
    const moved = sim.moveFulfillmentOrder(fo.id, locs[1]!.id, [
      { id: fo.lineItems[0]!.id, quantity: 1 },
    ])
    expect(moved.assignedLocationId).toBe(locs[1]!.id)
    expect(
      sim.store.orderFulfillmentOrders(order).map((f) => f.lineItems[0]!.remainingQuantity),
    ).toEqual([1, 1])
  })

  it('cancels and refunds through GraphQL', async () => {
    const { sim, gql } = setup()
    const variant = [...sim.store.variants.values()][0]!
    const order = sim.placeOrder({ lines: [{ variantId: variant.id, quantity: 2 }] })
    const lineId = `gid://shopify/LineItem/${order.lineItems[0]!.id}`
    const refund = await gql(
      `mutation($i: RefundInput!) { refundCreate(input: $i) { refund { id } order { displayFinancialStatus lineItems(first: 5) { nodes { currentQuantity refundableQuantity } } } userErrors { message } } }`,
      {
        i: {
          orderId: `gid://shopify/Order/${order.id}`,
          refundLineItems: [
            {
              lineItemId: lineId,
              quantity: 1,
              restockType: 'CANCEL',
              locationId: `gid://shopify/Location/${sim.store.orderFulfillmentOrders(order)[0]!.assignedLocationId}`,
            },
          ],
          transactions: [
            {
              orderId: `gid://shopify/Order/${order.id}`,
              amount: order.lineItems[0]!.price,
              gateway: 'shopify_payments',
              kind: 'REFUND',
            },
          ],
        },
      },
    )
    expect(refund.body.data.refundCreate.userErrors).toEqual([])
    expect(refund.body.data.refundCreate.order.displayFinancialStatus).toBe('PARTIALLY_REFUNDED')
    expect(refund.body.data.refundCreate.order.lineItems.nodes[0]).toEqual({
      currentQuantity: 1,
      refundableQuantity: 1,
    })
    const cancel = await gql(
      `mutation($id: ID!) { orderCancel(orderId: $id, reason: CUSTOMER, refund: true, restock: true) { job { id } orderCancelUserErrors { code message } } }`,
      { id: `gid://shopify/Order/${order.id}` },
    )
    expect(cancel.body.data.orderCancel.orderCancelUserErrors).toEqual([])
    expect(sim.store.orders.get(order.id)!.cancelledAt).not.toBeNull()
  })
})

describe('shopify simulator: webhooks and OAuth', () => {
  it('delivers signed webhooks to subscriptions created with uri', async () => {
    const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = []
    const hub = createServer((req, res) => {
      let body = ''
      req.on('data', (c) => (body += c))
      req.on('end', () => {
        received.push({ headers: req.headers, body })
        res.end('ok')
      })
    })
    await new Promise<void>((r) => hub.listen(0, '127.0.0.1', r))
    const port = (hub.address() as any).port
    try {
      const { sim, gql } = setup()
      const sub = await gql(
        `mutation($u: String) { webhookSubscriptionCreate(topic: ORDERS_CREATE, webhookSubscription: { uri: $u, format: JSON }) { webhookSubscription { id uri } userErrors { message } } }`,
        { u: `http://127.0.0.1:${port}/hooks` },
      )
      expect(sub.body.data.webhookSubscriptionCreate.userErrors).toEqual([])
      const old = await gql(
        `mutation { webhookSubscriptionCreate(topic: ORDERS_CREATE, webhookSubscription: { callbackUrl: "https://x.example" }) { userErrors { message } } }`,
      )
      expect(old.body.errors[0].extensions.code).toBe('argumentNotAccepted')
      const order = sim.placeOrder({
        lines: [{ variantId: [...sim.store.variants.values()][0]!.id, quantity: 1 }],
      })
      await sim.flushWebhooks()
      expect(received).toHaveLength(1)
      const got = received[0]!
      const digest = createHmac('sha256', sim.credentials.apiSecret)
        .update(got.body, 'utf8')
        .digest('base64')
      expect(got.headers['x-shopify-hmac-sha256']).toBe(digest)
      expect(got.headers['x-shopify-topic']).toBe('orders/create')
      expect(got.headers['x-shopify-shop-domain']).toBe('dockhand-demo.myshopify.com')
      expect(got.headers['x-shopify-api-version']).toBe('2026-10')
      expect(got.headers['x-shopify-webhook-id']).toBeTruthy()
      expect(JSON.parse(got.body)).toMatchObject({
        id: order.id,
        name: order.name,
        financial_status: 'paid',
      })
    } finally {
      await new Promise((r) => hub.close(r))
    }
  })

  it('removes a subscription after repeated failed deliveries', async () => {
    const { sim, gql } = setup({ webhookMaxFailures: 2 })
    await gql(
      `mutation { webhookSubscriptionCreate(topic: ORDERS_UPDATED, webhookSubscription: { uri: "http://127.0.0.1:9/nothing" }) { userErrors { message } } }`,
    )
    const order = [...sim.store.orders.values()][0]!
    sim.updateOrder(order.id, { note: 'a' })
    sim.updateOrder(order.id, { note: 'b' })
    await sim.flushWebhooks()
    expect(sim.store.webhookSubscriptions.size).toBe(0)
  })

  it('runs the OAuth install flow', async () => {
    const { sim } = setup()
    const { apiKey, apiSecret, shop } = sim.credentials
    const install = sim.oauth.installQuery()
    expect(sim.oauth.verifyQuery(install)).toBe(true)
    const authorize = new URL(`${sim.describe().baseUrl}/admin/oauth/authorize`)
    authorize.search = new URLSearchParams({
      client_id: apiKey,
      scope: 'read_orders,write_fulfillments',
      redirect_uri: 'https://hub.example/shopify/callback',
      state: 'nonce-1',
    }).toString()
    const res = await fetch(authorize, { redirect: 'manual' })
    expect(res.status).toBe(302)
    const cb = new URL(res.headers.get('location')!)
    const params = Object.fromEntries(cb.searchParams)
    expect(params.state).toBe('nonce-1')
    expect(params.shop).toBe(shop)
    const { hmac, ...rest } = params
    const msg = Object.keys(rest)
      .sort()
      .map((k) => `${k}=${rest[k]}`)
      .join('&')
    expect(createHmac('sha256', apiSecret).update(msg).digest('hex')).toBe(hmac)
    const exchange = (secret: string) =>
      fetch(`${sim.describe().baseUrl}/admin/oauth/access_token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: apiKey, client_secret: secret, code: params.code }),
      })
    expect((await exchange('wrong')).status).toBe(400)
    const ok = await exchange(apiSecret)
    const token = (await ok.json()) as any
    expect(token.scope).toBe('read_orders,write_fulfillments')
    expect((await exchange(apiSecret)).status).toBe(400) // code reused
    const q = await fetch(`${sim.describe().baseUrl}/admin/api/2026-10/graphql.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-shopify-access-token': token.access_token },
      body: JSON.stringify({ query: '{ products(first: 1) { nodes { id } } }' }),
    })
    expect(((await q.json()) as any).errors[0].extensions.code).toBe('ACCESS_DENIED')
  })
})

describe('shopify simulator: loopback server', () => {
  it('serves GraphQL over a real port', async () => {
    const { sim } = makeSim()
    const served = await serveSimulator(sim, { port: 0 })
    try {
      sim.setOrigin(served.url)
      server.use(...sim.mswHandlers())
      const { bypass } = await import('msw')
      const res = await fetch(
        bypass(
          new Request(`${served.url}/admin/api/2026-10/graphql.json`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-shopify-access-token': sim.credentials.accessToken,
            },
            body: JSON.stringify({ query: '{ shop { myshopifyDomain } }' }),
          }),
        ),
      )
      expect(res.status).toBe(200)
      expect(((await res.json()) as any).data.shop.myshopifyDomain).toBe(
        'dockhand-demo.myshopify.com',
      )
      expect(sim.describe().baseUrl).toBe(served.url)
    } finally {
      await served.close()
    }
  })
})
