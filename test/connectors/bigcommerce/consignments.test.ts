/**
 * Orders read with `include=consignments.line_items&consignment_structure=object`: the lines and
 * shipping addresses come out of the order's consignments, and the warehouse order is exactly the
 * one the per-order reads of `/products` and `/shipping_addresses` make. An order whose
 * consignments cannot stand in for those reads is read the old way.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { setupServer } from 'msw/node'
import pino from 'pino'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createBigCommerceSimulator } from '../../../fixtures/src/bigcommerce/index.ts'
import { BcClient } from '../../../hub/src/connectors/bigcommerce/client.ts'
import { createBigCommerceConnector } from '../../../hub/src/connectors/bigcommerce/index.ts'
import { fromConsignments, mapOrder } from '../../../hub/src/connectors/bigcommerce/map-order.ts'
import {
  consignmentsSchema,
  orderProductSchema,
  orderSchema,
  shippingAddressSchema,
} from '../../../hub/src/connectors/bigcommerce/payloads.ts'
import { loadOrder } from '../../../hub/src/connectors/bigcommerce/pull-orders.ts'
import type { OrderInput, RecordIssue } from '../../../hub/src/domain/types.ts'
import type { ConnectorContext } from '../../../hub/src/sync/connector.ts'

const dir = join(import.meta.dirname, '../../../fixtures/payloads/bigcommerce')
const orderCases = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((file) => ({ file, ...JSON.parse(readFileSync(join(dir, file), 'utf8')) }))
  .filter((c) => c.kind === 'order')

/** The consignments object BigCommerce builds from an order's products and shipping addresses. */
function consign(products: any[], addresses: any[]) {
  return {
    pickups: [],
    shipping: addresses.map((a) => ({
      ...a,
      line_items: products.filter((p) => p.type !== 'digital' && p.order_address_id === a.id),
    })),
    downloads: products.some((p) => p.type === 'digital')
      ? [
          {
            recipient_email: 'x@example.com',
            line_items: products.filter((p) => p.type === 'digital'),
          },
        ]
      : [],
    email: { gift_certificates: [] },
  }
}

describe('fromConsignments (pure)', () => {
  it.each(orderCases)('$file: maps exactly like the per-order reads', (c) => {
    const raw = orderSchema.parse({
      ...c.input.order,
      consignments: consign(c.input.products, c.input.shipping_addresses),
    })
    const parsed = consignmentsSchema.parse(raw.consignments)
    const carried = fromConsignments(raw, parsed)
    const placed = [...(parsed.shipping ?? []), ...(parsed.downloads ?? [])].flatMap(
      (x) => x.line_items,
    )
    if (placed.length < c.input.products.length || placed.length === 0) {
      // The cancelled order (no lines read) and a line whose address is not listed: not
      // covered, so the order is read the old way.
      expect(carried).toBeNull()
      return
    }
    expect(carried).not.toBeNull()
    const legacy = mapOrder(
      raw,
      c.input.products.map((p: unknown) => orderProductSchema.parse(p)),
      c.input.shipping_addresses.map((a: unknown) => shippingAddressSchema.parse(a)),
    )
    expect(mapOrder(raw, carried!.products, carried!.addresses)).toEqual(legacy)
    expect(legacy).toMatchObject(c.expected)
  })

  const c = orderCases.find((x) => x.file === 'order-two-addresses-digital-bundle.json')!
  const order = () => orderSchema.parse({ ...c.input.order })

  it('takes lines from every kind of consignment, in order product id order, once each', () => {
    const products = c.input.products as any[]
    const [a, b] = c.input.shipping_addresses as any[]
    const consignments = consignmentsSchema.parse({
      // Shipping consignments listed in reverse, a pickup, a line repeated.
      shipping: [
        { ...b, line_items: products.filter((p) => p.order_address_id === b.id) },
        { ...a, line_items: products.filter((p) => p.order_address_id === a.id) },
      ],
      pickups: [{ id: 1, line_items: [products[0]] }],
      downloads: [{ line_items: products.filter((p) => p.type === 'digital') }],
      email: { gift_certificates: [] },
    })
    const carried = fromConsignments(order(), consignments)!
    expect(carried.products.map((p) => p.id)).toEqual(products.map((p) => p.id))
    expect(carried.addresses.map((x) => x.id)).toEqual([b.id, a.id])
    expect(carried.addresses[0]).not.toHaveProperty('line_items')
  })

  it('is pure: same answer twice, input untouched', () => {
    const raw = order()
    const consignments = consignmentsSchema.parse(
      consign(c.input.products, c.input.shipping_addresses),
    )
    const before = structuredClone(consignments)
    expect(fromConsignments(raw, consignments)).toEqual(fromConsignments(raw, consignments))
    expect(consignments).toEqual(before)
  })

  it('is null when the consignments carry no line item or fewer items than the order', () => {
    const raw = order()
    const empty = { pickups: [], shipping: [], downloads: [], email: { gift_certificates: [] } }
    expect(fromConsignments(raw, consignmentsSchema.parse(empty))).toBeNull()
    // Without the include the order has a resource link: it parses, and carries nothing.
    const link = {
      url: 'https://x/v2/orders/104/consignments',
      resource: '/orders/104/consignments',
    }
    expect(fromConsignments(raw, consignmentsSchema.parse(link))).toBeNull()
    // items_total 2 (the fixture counts 2); a consignment holding one item does not cover it.
    const one = { ...empty, shipping: [{ ...c.input.shipping_addresses[1], line_items: [] }] }
    one.shipping[0].line_items = [c.input.products[3]]
    expect(raw.items_total).toBe(2)
    expect(fromConsignments(raw, consignmentsSchema.parse(one))).toBeNull()
  })

  it('does not parse line items that are resource links (include=consignments only)', () => {
    const links = {
      shipping: [
        {
          ...c.input.shipping_addresses[0],
          line_items: [
            { url: 'https://x/v2/orders/104/products/6', resource: '/orders/104/products/6' },
          ],
        },
      ],
    }
    expect(consignmentsSchema.safeParse(links).success).toBe(false)
  })
})

describe('importing through the simulator', () => {
  const server = setupServer()
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
  afterAll(() => server.close())

  let sim: ReturnType<typeof createBigCommerceSimulator>
  let ctx: ConnectorContext
  const SHIP = {
    first_name: 'Ada',
    last_name: 'Lind',
    company: 'Lind AB',
    street_1: 'Hamngatan 5',
    street_2: 'c/o Berg',
    city: 'Göteborg',
    state: '',
    zip: '411 06',
    country: 'Sweden',
    country_iso2: 'SE',
    phone: '+46 31 10 20 30',
    email: 'ada@example.se',
  }
  const ids: Record<string, number> = {}

  beforeEach(() => {
    sim = createBigCommerceSimulator({ seed: 3, storeHash: 'consign1', orders: 0, quota: 100_000 })
    server.resetHandlers(...sim.mswHandlers())
    ctx = {
      connection: {
        id: 'con_consign',
        name: 'consign',
        platform: 'bigcommerce',
        goodsOwnerId: 'own_1',
        baseUrl: 'https://api.bigcommerce.com',
        shopRef: 'consign1',
      },
      settings: {},
      credentials: { access_token: sim.credentials.accessToken },
      webhookSecret: 'secret',
      webhookUrl: null,
      log: pino({ level: 'silent' }),
      signal: new AbortController().signal,
      now: () => new Date(),
    }
    const products = [...sim.store.products.values()]
    const digital = products.find((p) => p.type === 'digital')!
    const withOptions = [...sim.store.variants.values()].find(
      (v) => v.sku && v.option_values.length > 0,
    )!
    const plain = [...sim.store.variants.values()].find(
      (v) => v.sku && v.option_values.length === 0 && v.product_id !== digital.id,
    )!
    ids.simple = sim.placeOrder({ lines: [{ variantId: plain.id, quantity: 2 }] }).id
    ids.split = sim.placeOrder({
      lines: [
        { variantId: withOptions.id, quantity: 1, price: 19.5 },
        { productId: digital.id, quantity: 1 },
        { variantId: plain.id, quantity: 3, addressIndex: 1 },
      ],
      shippingAddresses: [
        { ...SHIP, shipping_method: 'PostNord', base_cost: 4.5 },
        { ...SHIP, first_name: 'Bo', street_1: 'Kungsgatan 1', shipping_method: 'Budbee' },
      ],
      customerMessage: 'Ring twice',
    }).id
    ids.digitalOnly = sim.placeOrder({ lines: [{ productId: digital.id, quantity: 1 }] }).id
    // A line whose address is gone: in no consignment, so the order is read the old way.
    ids.orphan = sim.placeOrder({ lines: [{ variantId: plain.id, quantity: 1 }] }).id
    for (const a of [...sim.store.shippingAddresses.values()])
      if (a.order_id === ids.orphan) sim.store.shippingAddresses.delete(a.id)
  })

  const perOrderReads = (id: number) =>
    sim.log.count(
      (e) =>
        e.method === 'GET' &&
        (e.path.endsWith(`/v2/orders/${id}/products`) ||
          e.path.endsWith(`/v2/orders/${id}/shipping_addresses`)),
    )

  /** The order as the per-order reads map it (no include: always the old way). */
  async function legacyMapped(id: number) {
    const client = new BcClient(ctx)
    const res = await client.get('v2', `/orders/${id}`)
    expect(res.body).not.toHaveProperty('consignments')
    const mapped = await loadOrder(client, orderSchema.parse(res.body))
    if ('unreadable' in mapped) throw new Error(mapped.unreadable.message)
    return mapped
  }
  const legacy = async (id: number): Promise<OrderInput> => (await legacyMapped(id)).order

  it('reads each order once, in the list, and maps it like the per-order reads', async () => {
    const records: OrderInput[] = []
    const issues: RecordIssue[] = []
    for await (const batch of createBigCommerceConnector().pullOrders!(ctx, null)) {
      issues.push(...batch.issues)
      records.push(...batch.records)
    }

    const lists = sim.log.filter((e) => e.method === 'GET' && e.path.endsWith('/v2/orders'))
    const importList = lists.find((e) => e.query.status_id === '11')!
    expect(importList.query).toMatchObject({
      include: 'consignments.line_items',
      consignment_structure: 'object',
    })
    // Only the order whose line is in no consignment cost the two per-order reads.
    for (const key of ['simple', 'split', 'digitalOnly'])
      expect(perOrderReads(ids[key]!), key).toBe(0)
    expect(perOrderReads(ids.orphan!)).toBe(2)
    expect(sim.log.count((e) => /\/v2\/orders\/\d+/.test(e.path))).toBe(2)

    expect(issues.map((i) => i.code)).toEqual(['multiple_shipping_addresses'])
    expect(issues).toEqual((await legacyMapped(ids.split!)).issues)
    expect(records.map((r) => r.externalId).sort()).toEqual(Object.values(ids).map(String).sort())
    for (const r of records) expect(r, r.externalId).toEqual(await legacy(Number(r.externalId)))

    const split = records.find((r) => r.externalId === String(ids.split))!
    const addresses = [...sim.store.shippingAddresses.values()].filter(
      (a) => a.order_id === ids.split,
    )
    const lines = sim.store.linesOf(ids.split!)
    expect(split.lines.map((l) => l.meta)).toEqual([
      expect.objectContaining({
        order_product_id: lines[0]!.id,
        order_address_id: addresses[0]!.id,
      }),
      expect.objectContaining({
        order_product_id: lines[2]!.id,
        order_address_id: addresses[1]!.id,
      }),
    ])
    expect(split.meta).toMatchObject({ order_address_ids: addresses.map((a) => a.id) })
    expect(split.customer).toMatchObject({ name: 'Ada Lind', address2: 'c/o Berg' })
    expect(split.shippingMethod).toEqual({ code: null, name: 'PostNord' })
  })

  it('a webhook-triggered fetch reads each order once, with its consignments', async () => {
    const batch = await createBigCommerceConnector().fetchOrders!(ctx, [
      String(ids.split),
      String(ids.orphan),
    ])
    expect(batch.records.map((r) => r.externalId)).toEqual([String(ids.split), String(ids.orphan)])
    expect(perOrderReads(ids.split!)).toBe(0)
    expect(perOrderReads(ids.orphan!)).toBe(2)
    const one = sim.log.filter((e) => e.path.endsWith(`/v2/orders/${ids.split}`))
    expect(one.map((e) => e.query.include)).toEqual(['consignments.line_items'])
    for (const r of batch.records) expect(r).toEqual(await legacy(Number(r.externalId)))
  })

  it('falls back to the per-order reads when the store ignores the include', async () => {
    // A store answering without consignments (older API behaviour) still imports every order.
    const client = new BcClient(ctx)
    for (const id of Object.values(ids)) {
      const res = await client.get('v2', `/orders/${id}`)
      const mapped = await loadOrder(client, orderSchema.parse(res.body))
      expect('order' in mapped && mapped.order).toEqual(await legacy(id))
      // Two reads here, two for the comparison.
      expect(perOrderReads(id)).toBe(4)
    }
  })

  it('a consignment line that breaks the documented shape is reported as before', async () => {
    const line = sim.store.linesOf(ids.simple!)[0] as { quantity: unknown }
    line.quantity = '2'
    const client = new BcClient(ctx)
    const res = await client.get('v2', `/orders/${ids.simple}`, {
      include: 'consignments.line_items',
      consignment_structure: 'object',
    })
    const mapped = await loadOrder(client, orderSchema.parse(res.body))
    expect(mapped).toMatchObject({ unreadable: { code: 'unreadable_order' } })
    expect('unreadable' in mapped && mapped.unreadable.message).toMatch(
      /products\.0\.quantity: .*expected number/,
    )
  })
})
