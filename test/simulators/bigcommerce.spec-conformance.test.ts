/**
 * Every simulated BigCommerce endpoint answers with a body that validates against the official
 * OpenAPI 3.0 response schema in ../shared/specs/bigcommerce, and the request bodies the
 * simulator accepts validate against the spec's request schemas.
 */
import { readFileSync } from 'node:fs'
import { Ajv } from 'ajv'
import addFormatsPlugin from 'ajv-formats'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { createBigCommerceSimulator } from '../../fixtures/src/bigcommerce/index.ts'

type Json = Record<string, any>
const specs = new Map<string, Json>()
function spec(file: string): Json {
  let doc = specs.get(file)
  if (!doc) {
    const url = new URL(`../../../shared/specs/bigcommerce/${file}`, import.meta.url)
    doc = parse(readFileSync(url, 'utf8')) as Json
    specs.set(file, doc)
  }
  return doc
}

/** Inline internal `$ref`s (cycles become `{}`) and turn OpenAPI 3.0 `nullable` into JSON Schema. */
function toJsonSchema(doc: Json, node: unknown, chain: string[] = []): unknown {
  if (Array.isArray(node)) return node.map((n) => toJsonSchema(doc, n, chain))
  if (!node || typeof node !== 'object') return node
  const obj = node as Json
  if (typeof obj.$ref === 'string') {
    if (chain.includes(obj.$ref)) return {}
    const target = obj.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce((acc: Json, key: string) => acc[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc)
    return toJsonSchema(doc, target, [...chain, obj.$ref])
  }
  const out: Json = {}
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'example' || k === 'examples' || k === 'xml' || k === 'discriminator') continue
    out[k] = toJsonSchema(doc, v, chain)
  }
  // OpenAPI 3.0 (draft-4 style) boolean exclusiveMinimum/Maximum → JSON Schema numbers.
  for (const [ex, bound] of [
    ['exclusiveMaximum', 'maximum'],
    ['exclusiveMinimum', 'minimum'],
  ] as const) {
    if (typeof out[ex] === 'boolean') {
      if (out[ex] && typeof out[bound] === 'number') out[ex] = out[bound]
      else delete out[ex]
      if (typeof out[ex] === 'number') delete out[bound]
    }
  }
  // `x-nullable` is a Swagger 2 leftover in a few BigCommerce files; it means the same thing.
  if (out.nullable === true || out['x-nullable'] === true) {
    delete out.nullable
    return { anyOf: [out, { type: 'null' }] }
  }
  return out
}

// ajv-formats is CommonJS: its default export sits on `.default` under NodeNext typings.
const addFormats = ((addFormatsPlugin as unknown as { default?: typeof addFormatsPlugin })
  .default ?? addFormatsPlugin) as unknown as (ajv: Ajv) => Ajv
const ajv = new Ajv({ strict: false, allErrors: true })
addFormats(ajv)
for (const f of ['double', 'float', 'int32', 'int64', 'string']) ajv.addFormat(f, true)

function responseSchema(file: string, path: string, method: string, status: string): unknown {
  const doc = spec(file)
  const op = doc.paths[path][method]
  const resolved = toJsonSchema(doc, op.responses[status]) as Json
  const content =
    resolved.content?.['application/json'] ?? resolved.content?.['application/problem+json']
  if (!content?.schema) throw new Error(`no schema for ${method} ${path} ${status}`)
  return content.schema
}

function requestSchema(file: string, path: string, method: string): unknown {
  const doc = spec(file)
  const resolved = toJsonSchema(doc, doc.paths[path][method].requestBody) as Json
  return resolved.content['application/json'].schema
}

function componentSchema(file: string, name: string): unknown {
  const doc = spec(file)
  return toJsonSchema(doc, doc.components.schemas[name])
}

/**
 * `oneOf` → `anyOf`. Only for spec places whose alternatives cannot be told apart: an order's
 * `consignments` is `oneOf: [orderConsignments_Resource, orderConsignment_Get]` and a consignment's
 * `line_items` is `oneOf: [products_Resource[], orderProducts[]]`, and neither side requires a
 * property, so every object (and every empty array) matches both and strict `oneOf` always fails.
 */
function oneOfAsAnyOf(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(oneOfAsAnyOf)
  if (!node || typeof node !== 'object') return node
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [k === 'oneOf' ? 'anyOf' : k, oneOfAsAnyOf(v)]),
  )
}

const compiled = new WeakMap<object, ReturnType<Ajv['compile']>>()
function check(schema: unknown, body: unknown): void {
  let validate = compiled.get(schema as object)
  if (!validate) {
    validate = ajv.compile(schema as object)
    compiled.set(schema as object, validate)
  }
  const ok = validate(body)
  expect(ok ? [] : validate.errors?.slice(0, 5)).toEqual([])
}

const NOW = new Date('2025-06-15T12:00:00Z')
const bc = createBigCommerceSimulator({ seed: 7, clock: () => NOW })
const server = setupServer(...bc.mswHandlers())
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())

async function call(path: string, init: { method?: string; json?: unknown } = {}) {
  const res = await fetch(`https://api.bigcommerce.com/stores/${bc.storeHash}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      'X-Auth-Token': bc.credentials.accessToken,
      Accept: 'application/json',
      ...(init.json !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    body: init.json !== undefined ? JSON.stringify(init.json) : undefined,
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null }
}

const V2 = 'orders.v2.oas2.yml'

describe('v2 responses match orders.v2 / store_information.v2', () => {
  it('GET /store, /time', async () => {
    check(
      responseSchema('store_information.v2.yml', '/store', 'get', '200'),
      (await call('/v2/store')).body,
    )
    check(
      responseSchema('store_information.v2.yml', '/time', 'get', '200'),
      (await call('/v2/time')).body,
    )
  })

  it('GET /orders (array), /orders/{id}, /orders/count, /order_statuses', async () => {
    const list = await call('/v2/orders?limit=250')
    expect(list.status).toBe(200)
    // The list response is a bare JSON array (v2); the spec describes it as such.
    check(responseSchema(V2, '/orders', 'get', '200'), list.body)
    check(
      responseSchema(V2, '/orders/{order_id}', 'get', '200'),
      (await call('/v2/orders/105')).body,
    )
    check(responseSchema(V2, '/orders/count', 'get', '200'), (await call('/v2/orders/count')).body)
    check(
      responseSchema(V2, '/order_statuses', 'get', '200'),
      (await call('/v2/order_statuses')).body,
    )
    // An empty page is 204 with no body — nothing to validate (spec documents 204 for shipments only).
    expect((await call('/v2/orders?page=9&limit=250')).status).toBe(204)
  })

  it('GET /orders and /orders/{id} with include=consignments(.line_items),fees&consignment_structure=object', async () => {
    const digital = [...bc.store.products.values()].find((p) => p.type === 'digital')!
    const order = bc.placeOrder({
      lines: [
        { sku: 'BC-001-1', quantity: 1, price: 20 },
        { productId: digital.id, quantity: 1, price: 5 },
      ],
    })
    // The intended branches, checked on their own: the object structure, and line items that
    // are order products (`orderProducts` allows no other properties) or resource links.
    const consignment = oneOfAsAnyOf(componentSchema(V2, 'orderConsignment_Get'))
    const products = { type: 'array', items: componentSchema(V2, 'orderProducts') }
    const links = {
      type: 'array',
      items: {
        type: 'object',
        required: ['url', 'resource'],
        additionalProperties: false,
        properties: { url: { type: 'string' }, resource: { type: 'string' } },
      },
    }
    for (const include of [
      'consignments',
      'consignments.line_items',
      'consignments,consignments.line_items,fees',
    ]) {
      const q = `include=${include}&consignment_structure=object`
      const list = await call(`/v2/orders?limit=250&${q}`)
      expect(list.status).toBe(200)
      expect(list.body[0].consignments.shipping.length).toBeGreaterThan(0)
      check(oneOfAsAnyOf(responseSchema(V2, '/orders', 'get', '200')), list.body)
      const one = await call(`/v2/orders/${order.id}?${q}`)
      expect(one.body.consignments.downloads).toHaveLength(1)
      check(oneOfAsAnyOf(responseSchema(V2, '/orders/{order_id}', 'get', '200')), one.body)
      for (const o of [...list.body, one.body]) {
        check(consignment, o.consignments)
        const c = o.consignments
        for (const x of [...c.shipping, ...c.downloads])
          check(include === 'consignments' ? links : products, x.line_items)
      }
    }
  })

  it('order products, shipping addresses', async () => {
    check(
      responseSchema(V2, '/orders/{order_id}/products', 'get', '200'),
      (await call('/v2/orders/105/products')).body,
    )
    check(
      responseSchema(V2, '/orders/{order_id}/shipping_addresses', 'get', '200'),
      (await call('/v2/orders/105/shipping_addresses')).body,
    )
  })

  it('PUT /orders/{id}: request and response', async () => {
    const body = { status_id: 9 }
    check(requestSchema(V2, '/orders/{order_id}', 'put'), body)
    const res = await call('/v2/orders/112', { method: 'PUT', json: body })
    expect(res.status).toBe(200)
    check(responseSchema(V2, '/orders/{order_id}', 'put', '200'), res.body)
  })

  it('shipments: POST request/201, GET list/one, PUT, count', async () => {
    const lines = (await call('/v2/orders/112/products')).body
    const body = {
      order_address_id: lines[0].order_address_id,
      tracking_number: '1Z999AA10123456784',
      shipping_provider: 'ups',
      tracking_carrier: '',
      comments: 'Packed by Dockhand',
      items: [{ order_product_id: lines[0].id, quantity: 1 }],
    }
    check(requestSchema(V2, '/orders/{order_id}/shipments', 'post'), body)
    const created = await call('/v2/orders/112/shipments', { method: 'POST', json: body })
    expect(created.status).toBe(201)
    check(responseSchema(V2, '/orders/{order_id}/shipments', 'post', '201'), created.body)
    check(
      responseSchema(V2, '/orders/{order_id}/shipments', 'get', '200'),
      (await call('/v2/orders/112/shipments')).body,
    )
    const one = await call(`/v2/orders/112/shipments/${created.body.id}`)
    check(responseSchema(V2, '/orders/{order_id}/shipments/{shipment_id}', 'get', '200'), one.body)
    const putBody = { tracking_number: '1Z999AA10123456785' }
    check(requestSchema(V2, '/orders/{order_id}/shipments/{shipment_id}', 'put'), putBody)
    const put = await call(`/v2/orders/112/shipments/${created.body.id}`, {
      method: 'PUT',
      json: putBody,
    })
    check(responseSchema(V2, '/orders/{order_id}/shipments/{shipment_id}', 'put', '200'), put.body)
    check(
      responseSchema(V2, '/orders/{order_id}/shipments/count', 'get', '200'),
      (await call('/v2/orders/112/shipments/count')).body,
    )
  })
})

describe('v3 responses match the catalog, inventory, locations, orders.v3 and webhooks specs', () => {
  it('catalog products and variants', async () => {
    const P = 'products_catalog.v3.yml'
    const V = 'product-variants_catalog.v3.yml'
    check(
      responseSchema(P, '/catalog/products', 'get', '200'),
      (await call('/v3/catalog/products?include=variants')).body,
    )
    check(
      responseSchema(P, '/catalog/products/{product_id}', 'get', '200'),
      (await call('/v3/catalog/products/101')).body,
    )
    check(
      responseSchema(V, '/catalog/products/{product_id}/variants', 'get', '200'),
      (await call('/v3/catalog/products/101/variants')).body,
    )
    check(
      responseSchema(V, '/catalog/variants', 'get', '200'),
      (await call('/v3/catalog/variants?product_id:in=101,102')).body,
    )
    const batch = [{ id: 201, price: 12.5 }]
    check(requestSchema(V, '/catalog/variants', 'put'), batch)
    const put = await call('/v3/catalog/variants', { method: 'PUT', json: batch })
    check(responseSchema(V, '/catalog/variants', 'put', '200'), put.body)
    const pbatch = [{ id: 101, is_visible: true }]
    check(requestSchema(P, '/catalog/products', 'put'), pbatch)
    check(
      responseSchema(P, '/catalog/products', 'put', '200'),
      (await call('/v3/catalog/products', { method: 'PUT', json: pbatch })).body,
    )
  })

  it('inventory adjustments (request + response), items, locations', async () => {
    const I = 'inventory.v3.yml'
    const abs = {
      reason: 'WMS sync',
      items: [
        { location_id: 1, sku: 'BC-001-1', quantity: 5 },
        { location_id: 1, product_id: 103, quantity: 7 },
      ],
    }
    check(requestSchema(I, '/inventory/adjustments/absolute', 'put'), abs)
    const a = await call('/v3/inventory/adjustments/absolute', { method: 'PUT', json: abs })
    expect(a.status).toBe(200)
    check(responseSchema(I, '/inventory/adjustments/absolute', 'put', '200'), a.body)
    const rel = { reason: 'Return', items: [{ location_id: 1, sku: 'BC-001-1', quantity: -1 }] }
    check(requestSchema(I, '/inventory/adjustments/relative', 'post'), rel)
    const r = await call('/v3/inventory/adjustments/relative', { method: 'POST', json: rel })
    check(responseSchema(I, '/inventory/adjustments/relative', 'post', '200'), r.body)
    const bad = await call('/v3/inventory/adjustments/relative', {
      method: 'POST',
      json: { items: [{ location_id: 2, sku: 'BC-001-1', quantity: 1 }] },
    })
    expect(bad.status).toBe(422)
    check(responseSchema(I, '/inventory/adjustments/relative', 'post', '422'), bad.body)
    check(
      responseSchema(I, '/inventory/items', 'get', '200'),
      (await call('/v3/inventory/items')).body,
    )
    check(
      responseSchema(I, '/inventory/locations/{location_id}/items', 'get', '200'),
      (await call('/v3/inventory/locations/1/items')).body,
    )
    check(
      responseSchema('locations.v3.yml', '/inventory/locations', 'get', '200'),
      (await call('/v3/inventory/locations')).body,
    )
  })

  it('refund quotes and refunds', async () => {
    const O = 'orders.v3.yml'
    const order = bc.placeOrder({
      lines: [{ sku: 'BC-001-1', quantity: 1, price: 20 }],
      customerId: 3,
    })
    const line = bc.store.linesOf(order.id)[0]!
    const items = [{ item_type: 'PRODUCT', item_id: line.id, quantity: 1 }]
    check(requestSchema(O, '/orders/{order_id}/payment_actions/refund_quotes', 'post'), { items })
    const q = await call(`/v3/orders/${order.id}/payment_actions/refund_quotes`, {
      method: 'POST',
      json: { items },
    })
    check(
      responseSchema(O, '/orders/{order_id}/payment_actions/refund_quotes', 'post', '201'),
      q.body,
    )
    const refundBody = { items, payments: [{ provider_id: 'custom', amount: 20, offline: true }] }
    check(requestSchema(O, '/orders/{order_id}/payment_actions/refunds', 'post'), refundBody)
    const r = await call(`/v3/orders/${order.id}/payment_actions/refunds`, {
      method: 'POST',
      json: refundBody,
    })
    expect(r.status).toBe(201)
    check(responseSchema(O, '/orders/{order_id}/payment_actions/refunds', 'post', '201'), r.body)
    check(
      responseSchema(O, '/orders/{order_id}/payment_actions/refunds', 'get', '200'),
      (await call(`/v3/orders/${order.id}/payment_actions/refunds`)).body,
    )
  })

  it('hooks', async () => {
    const W = 'webhooks.v3.yml'
    const body = {
      scope: 'store/order/statusUpdated',
      destination: 'https://hub.example.com/wh',
      is_active: true,
      headers: { 'X-Hub-Token': 'x' },
    }
    check(requestSchema(W, '/hooks', 'post'), body)
    const created = await call('/v3/hooks', { method: 'POST', json: body })
    check(responseSchema(W, '/hooks', 'post', '200'), created.body)
    check(responseSchema(W, '/hooks', 'get', '200'), (await call('/v3/hooks')).body)
    check(
      responseSchema(W, '/hooks/{webhook_id}', 'get', '200'),
      (await call(`/v3/hooks/${created.body.data.id}`)).body,
    )
    const bad = await call('/v3/hooks', {
      method: 'POST',
      json: { ...body, destination: 'http://x.example' },
    })
    check(responseSchema(W, '/hooks', 'post', '422'), bad.body)
  })
})
