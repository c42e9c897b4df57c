/**
 * Conformance of the WooCommerce simulator with the official wc/v3 route index
 * (`shared/specs/woocommerce/wc-v3-route-index.json`, the output of `GET /wp-json/wc/v3`):
 * routes + methods, argument enums/defaults/required flags, and response fields.
 * Documented exceptions (newer than the 2021 index, see platforms/woocommerce.md §4, §5, §7, §8):
 * `checkout-draft` and `trash` order statuses, `modified_after`/`modified_before`/`dates_are_gmt`,
 * `orderby=modified`, `stock_status`, `api_restock`, `added_by_user`, variation `status`, the
 * Shipment Tracking namespace (no published spec).
 */
import { readFileSync } from 'node:fs'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWooCommerceSimulator } from '../../fixtures/src/woocommerce/index.ts'

interface IndexArg {
  required?: boolean
  default?: unknown
  enum?: string[]
  type?: string
  items?: { type?: string; properties?: Record<string, unknown> }
}
interface IndexRoute {
  methods: string[]
  endpoints: { methods: string[]; args: Record<string, IndexArg> }[]
}
const index = JSON.parse(
  readFileSync(
    new URL('../../../shared/specs/woocommerce/wc-v3-route-index.json', import.meta.url),
    'utf8',
  ),
) as { routes: Record<string, IndexRoute> }

const sim = createWooCommerceSimulator({ seed: 'spec', shipmentTracking: true })
const server = setupServer(...sim.mswHandlers())
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())

const NEWER_ARGS = new Set([
  'modified_after',
  'modified_before',
  'dates_are_gmt',
  'stock_status',
  'api_restock',
  'added_by_user',
  // Variation `status` replaced `visible` in WC 3.x; webhook `delivery_url` is updatable in WC.
  'status',
  'delivery_url',
])
const NEWER_ENUM_VALUES = new Set(['checkout-draft', 'trash', 'modified'])

function endpointFor(path: string, method: string) {
  const route = index.routes[path]
  return route?.endpoints.find((e) => e.methods.includes(method))
}

async function get(path: string) {
  const auth = Buffer.from(
    `${sim.credentials.consumerKey}:${sim.credentials.consumerSecret}`,
  ).toString('base64')
  const res = await fetch(`${sim.origin}/wp-json/wc/v3/${path}`, {
    headers: { authorization: `Basic ${auth}` },
  })
  return res.json()
}

describe('routes', () => {
  const wcRoutes = sim.routes.filter((r) => r.path.startsWith('/wc/v3'))

  it('every wc/v3 route and method the simulator serves is in the route index', () => {
    expect(wcRoutes.length).toBeGreaterThan(10)
    for (const r of wcRoutes) {
      const spec = index.routes[r.path]
      expect(spec, r.path).toBeDefined()
      for (const e of r.endpoints)
        for (const m of e.methods) expect(spec?.methods, `${m} ${r.path}`).toContain(m)
    }
  })

  it('only Shipment Tracking routes are outside wc/v3 (no published spec)', () => {
    const others = sim.routes.filter((r) => !r.path.startsWith('/wc/v3')).map((r) => r.path)
    expect(others.every((p) => p.startsWith('/wc-shipment-tracking/v3/'))).toBe(true)
  })

  it('argument names, enums, defaults and required flags agree with the index', () => {
    for (const r of wcRoutes) {
      for (const e of r.endpoints) {
        for (const method of e.methods) {
          const spec = endpointFor(r.path, method)
          expect(spec, `${method} ${r.path}`).toBeDefined()
          const specArgs = spec?.args ?? {}
          for (const [name, ours] of Object.entries(e.args ?? {})) {
            const theirs = specArgs[name]
            const where = `${method} ${r.path} ${name}`
            if (!theirs) {
              expect(NEWER_ARGS.has(name), `${where} is not in the index`).toBe(true)
              continue
            }
            const ourEnum = ours.enum ?? ours.items?.enum
            if (theirs.enum && ourEnum) {
              for (const v of theirs.enum) expect(ourEnum, where).toContain(v)
              for (const v of ourEnum)
                if (!theirs.enum.includes(v))
                  expect(NEWER_ENUM_VALUES.has(v), `${where}: ${v}`).toBe(true)
            }
            if (theirs.required) expect(ours.required, `${where} required`).toBe(true)
            if (theirs.default !== undefined && ours.default !== undefined && name !== 'status')
              expect(ours.default, `${where} default`).toEqual(theirs.default)
          }
          for (const [name, theirs] of Object.entries(specArgs)) {
            if (theirs.required)
              expect(e.args?.[name]?.required, `${method} ${r.path} ${name} required`).toBe(true)
          }
        }
      }
    }
  })

  it('order status enums: the index’s seven plus documented newer values', () => {
    const put = sim.routes
      .find((r) => r.path === '/wc/v3/orders/(?P<id>[\\d]+)')!
      .endpoints.find((e) => e.methods.includes('PUT'))!
    const indexEnum = endpointFor('/wc/v3/orders/(?P<id>[\\d]+)', 'PUT')!.args.status!.enum!
    expect(put.args!.status!.enum!.filter((s) => s !== 'checkout-draft')).toEqual(indexEnum)
    const list = sim.routes.find((r) => r.path === '/wc/v3/orders')!.endpoints[0]!
    const listEnum = endpointFor('/wc/v3/orders', 'GET')!.args.status!.enum!
    expect(
      new Set(list.args!.status!.items!.enum!.filter((s) => !NEWER_ENUM_VALUES.has(s))),
    ).toEqual(new Set(listEnum))
  })

  it('the served index lists the same routes', async () => {
    const res = await fetch(`${sim.origin}/wp-json/wc/v3`)
    const body = (await res.json()) as { routes: Record<string, { methods: string[] }> }
    for (const r of sim.routes.filter((x) => x.path.startsWith('/wc/v3')))
      expect(body.routes[r.path]).toBeDefined()
  })
})

describe('response shapes', () => {
  // Field lists from https://woocommerce.github.io/woocommerce-rest-api-docs/ (properties tables).
  const ORDER_FIELDS = [
    'id',
    'parent_id',
    'number',
    'order_key',
    'created_via',
    'version',
    'status',
    'currency',
    'date_created',
    'date_created_gmt',
    'date_modified',
    'date_modified_gmt',
    'discount_total',
    'discount_tax',
    'shipping_total',
    'shipping_tax',
    'cart_tax',
    'total',
    'total_tax',
    'prices_include_tax',
    'customer_id',
    'customer_ip_address',
    'customer_user_agent',
    'customer_note',
    'billing',
    'shipping',
    'payment_method',
    'payment_method_title',
    'transaction_id',
    'date_paid',
    'date_paid_gmt',
    'date_completed',
    'date_completed_gmt',
    'cart_hash',
    'meta_data',
    'line_items',
    'tax_lines',
    'shipping_lines',
    'fee_lines',
    'coupon_lines',
    'refunds',
  ]
  const BILLING_FIELDS = [
    'first_name',
    'last_name',
    'company',
    'address_1',
    'address_2',
    'city',
    'state',
    'postcode',
    'country',
    'email',
    'phone',
  ]
  const PRODUCT_FIELDS = [
    'id',
    'name',
    'slug',
    'permalink',
    'date_created',
    'date_created_gmt',
    'date_modified',
    'date_modified_gmt',
    'type',
    'status',
    'featured',
    'catalog_visibility',
    'description',
    'short_description',
    'sku',
    'price',
    'regular_price',
    'sale_price',
    'on_sale',
    'purchasable',
    'total_sales',
    'virtual',
    'downloadable',
    'downloads',
    'tax_status',
    'tax_class',
    'manage_stock',
    'stock_quantity',
    'stock_status',
    'backorders',
    'backorders_allowed',
    'backordered',
    'sold_individually',
    'weight',
    'dimensions',
    'shipping_required',
    'shipping_class',
    'parent_id',
    'categories',
    'tags',
    'images',
    'attributes',
    'default_attributes',
    'variations',
    'menu_order',
    'meta_data',
  ]
  const VARIATION_FIELDS = [
    'id',
    'date_created',
    'date_modified',
    'description',
    'permalink',
    'sku',
    'price',
    'regular_price',
    'sale_price',
    'on_sale',
    'status',
    'purchasable',
    'virtual',
    'downloadable',
    'tax_status',
    'manage_stock',
    'stock_quantity',
    'stock_status',
    'backorders',
    'weight',
    'dimensions',
    'image',
    'attributes',
    'menu_order',
    'meta_data',
  ]
  const REFUND_FIELDS = [
    'id',
    'date_created',
    'date_created_gmt',
    'amount',
    'reason',
    'refunded_by',
    'refunded_payment',
    'meta_data',
    'line_items',
  ]
  const NOTE_FIELDS = ['id', 'author', 'date_created', 'date_created_gmt', 'note', 'customer_note']
  const WEBHOOK_FIELDS = [
    'id',
    'name',
    'status',
    'topic',
    'resource',
    'event',
    'hooks',
    'delivery_url',
    'date_created',
    'date_created_gmt',
    'date_modified',
    'date_modified_gmt',
  ]

  it('orders have the documented fields, and line/shipping items the index’s item properties', async () => {
    const [order] = await get('orders?per_page=1&status=processing')
    for (const f of ORDER_FIELDS) expect(order, f).toHaveProperty(f)
    for (const f of BILLING_FIELDS) expect(order.billing, f).toHaveProperty(f)
    for (const f of BILLING_FIELDS.filter((x) => x !== 'email'))
      expect(order.shipping, f).toHaveProperty(f)
    const args = endpointFor('/wc/v3/orders', 'POST')!.args
    for (const f of Object.keys(args).filter((k) => k !== 'set_paid'))
      expect(order, f).toHaveProperty(f)
    for (const f of Object.keys(args.line_items!.items!.properties!))
      expect(order.line_items[0], f).toHaveProperty(f)
    for (const f of Object.keys(args.shipping_lines!.items!.properties!))
      expect(order.shipping_lines[0] ?? {}, f).toHaveProperty(f)
    expect(typeof order.total).toBe('string')
    expect(typeof order.line_items[0].price).toBe('number')
    expect(order.date_created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/)
  })

  it('products and variations have the documented fields', async () => {
    const [product] = await get('products?type=variable&per_page=1')
    for (const f of PRODUCT_FIELDS) expect(product, f).toHaveProperty(f)
    const args = endpointFor('/wc/v3/products', 'POST')!.args
    // `in_stock` was replaced by `stock_status` in responses.
    for (const f of Object.keys(args).filter((k) => k !== 'in_stock'))
      expect(product, f).toHaveProperty(f)
    const [variation] = await get(`products/${product.id}/variations?per_page=1`)
    for (const f of VARIATION_FIELDS) expect(variation, f).toHaveProperty(f)
  })

  it('refunds, notes and webhooks have the documented fields', async () => {
    const refunded = [...sim.store.orders.values()].find((o) => o.status === 'refunded')!
    const [refund] = await get(`orders/${refunded.id}/refunds`)
    for (const f of REFUND_FIELDS) expect(refund, f).toHaveProperty(f)
    const [note] = await get(`orders/${refunded.id}/notes`).then(async (n) =>
      n.length
        ? n
        : [
            sim.updateOrder(refunded.id, { status: 'completed' }),
            await get(`orders/${refunded.id}/notes`),
          ][1],
    )
    for (const f of NOTE_FIELDS) expect(note, f).toHaveProperty(f)
    sim.webhooks.enabled = false
    const hook = sim.store.webhooks.size
    const res = await fetch(`${sim.origin}/wp-json/wc/v3/webhooks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${sim.credentials.consumerKey}:${sim.credentials.consumerSecret}`).toString('base64')}`,
      },
      body: JSON.stringify({
        topic: 'order.created',
        delivery_url: 'https://hub.example.com/hook',
        secret: 's',
      }),
    })
    expect(res.status).toBe(201)
    expect(sim.store.webhooks.size).toBe(hook + 1)
    const webhook = await res.json()
    for (const f of WEBHOOK_FIELDS) expect(webhook, f).toHaveProperty(f)
  })
})
