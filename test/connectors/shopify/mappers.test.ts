/**
 * Mapper table tests from spec-shaped GraphQL responses in fixtures/payloads/shopify/. Each fixture
 * is first checked to be exactly what the connector's query would get back (executed against the
 * pinned schema with the fixture as root value: every selected field present, no extra ones, enums
 * and non-null fields valid), then mapped per the seed's field mapping.
 */
import { readFileSync } from 'node:fs'
import { execute, parse } from 'graphql'
import { describe, expect, it } from 'vitest'
import { getSchema } from '../../../fixtures/src/shopify/index.ts'
import {
  type ArticleMapOptions,
  articleName,
  legacyId,
  toArticleInput,
  toKg,
} from '../../../hub/src/connectors/shopify/map-article.ts'
import {
  isValidEmail,
  isValidPhone,
  matchesFilters,
  toOrderInput,
} from '../../../hub/src/connectors/shopify/map-order.ts'
import { orderSchema, variantSchema } from '../../../hub/src/connectors/shopify/payloads.ts'
import {
  ORDERS_QUERY,
  VARIANTS_WITH_ITEMS_QUERY,
} from '../../../hub/src/connectors/shopify/queries.ts'
import type { ArticleInput, OrderInput } from '../../../hub/src/domain/types.ts'

const OUR = 'gid://shopify/Location/1001'

function fixture(name: string): { data: Record<string, any> } {
  return JSON.parse(
    readFileSync(new URL(`../../../fixtures/payloads/shopify/${name}`, import.meta.url), 'utf8'),
  )
}

const ordersPage = fixture('orders.page.json')
const variantsPage = fixture('variants.page.json')
const orders = ordersPage.data.orders.nodes.map((n: unknown) => orderSchema.parse(n))
const variants = variantsPage.data.productVariants.nodes.map((n: unknown) => variantSchema.parse(n))
const byNumber = (name: string) => orders.find((o: { name: string }) => o.name === name)!

describe('shopify payload fixtures are answers the pinned schema allows', () => {
  it.each([
    ['orders.page.json', ORDERS_QUERY, ordersPage],
    ['variants.page.json', VARIANTS_WITH_ITEMS_QUERY, variantsPage],
  ])('%s is exactly the answer to its query', async (_name, query, page) => {
    const result = await execute({
      schema: getSchema(),
      document: parse(query),
      rootValue: page.data,
      variableValues: { first: 5, after: null, query: '' },
    })
    expect(result.errors?.map((e) => `${e.path?.join('.')}: ${e.message}`) ?? []).toEqual([])
    expect(JSON.parse(JSON.stringify(result.data))).toEqual(page.data)
  })
})

describe('shopify map-article', () => {
  const withItems: ArticleMapOptions = { inventoryItems: true, costField: 'customer_price' }
  const plain: ArticleMapOptions = { inventoryItems: false, costField: 'purchase_price' }
  const map = (id: number, options: ArticleMapOptions) =>
    toArticleInput(variants.find((v: { id: string }) => v.id.endsWith(`/${id}`))!, options)
  const article = (id: number, options: ArticleMapOptions): ArticleInput => {
    const r = map(id, options)
    if (!('article' in r)) throw new Error(`variant ${id} did not map: ${r.issue.message}`)
    return r.article
  }

  it.each<[string, number, ArticleMapOptions, Partial<ArticleInput>]>([
    [
      'product - variant name, trimmed SKU, vendor, image, grams → kg, inventory item',
      8801,
      withItems,
      {
        articleNumber: 'HAT-GRN',
        name: 'Hat - Green',
        barcode: '7350000000017',
        productCode: '8801',
        weightKg: '0.25',
        price: '100.00',
        supplier: 'Hattmakarna AB',
        imageUrl: 'https://cdn.shopify.com/s/files/1/hat.jpg',
        active: true,
        countryOfOrigin: 'SE',
        hsCode: '650500',
        customerPrice: '40.00',
        link: {
          productId: 'gid://shopify/Product/701',
          variantId: 'gid://shopify/ProductVariant/8801',
          inventoryItemId: 'gid://shopify/InventoryItem/9901',
          stockTracked: true,
        },
      },
    ],
    [
      '"Default Title" is just the product title; draft is inactive; pounds → kg; empty barcode',
      8802,
      withItems,
      {
        articleNumber: 'MUG-1',
        name: 'Mug',
        barcode: null,
        weightKg: '0.68',
        active: false,
        supplier: null,
        imageUrl: null,
        customerPrice: null,
        countryOfOrigin: null,
        link: {
          productId: 'gid://shopify/Product/702',
          variantId: 'gid://shopify/ProductVariant/8802',
          inventoryItemId: 'gid://shopify/InventoryItem/9902',
          stockTracked: false,
        },
      },
    ],
    [
      'archived is inactive; ounces → kg; cost into purchase price when so set',
      8805,
      { inventoryItems: true, costField: 'purchase_price' },
      {
        name: 'Socks - 3-pack / Black',
        active: false,
        weightKg: '0.113',
        purchasePrice: '31.25',
        countryOfOrigin: 'PT',
        hsCode: null,
      },
    ],
  ])('%s', (_title, id, options, expected) => {
    expect(article(id, options)).toMatchObject(expected)
  })

  it('leaves cost, origin and HS code out when inventory items are not fetched', () => {
    const a = article(8801, plain)
    expect(a).not.toHaveProperty('customerPrice')
    expect(a).not.toHaveProperty('purchasePrice')
    expect(a).not.toHaveProperty('countryOfOrigin')
    expect(a).not.toHaveProperty('hsCode')
    expect(a.weightKg).toBe('0.25')
  })

  it.each([
    [8803, 'Hat - Blue'],
    [8804, 'Hat - Red'],
  ])('variant %i without a SKU is a missing_sku warning naming "%s"', (id, name) => {
    const r = map(id, withItems)
    expect(r).toMatchObject({
      issue: {
        code: 'missing_sku',
        level: 'warning',
        platformRef: `gid://shopify/ProductVariant/${id}`,
      },
    })
    if ('issue' in r) expect(r.issue.message).toContain(name)
  })

  it.each([
    [{ unit: 'GRAMS', value: 1500 }, '1.5'],
    [{ unit: 'KILOGRAMS', value: 2 }, '2'],
    [{ unit: 'POUNDS', value: 1 }, '0.454'],
    [{ unit: 'OUNCES', value: 16 }, '0.454'],
    [{ unit: 'STONES', value: 1 }, null],
    [null, null],
  ])('toKg(%j) = %s', (weight, kg) => expect(toKg(weight)).toBe(kg))

  it.each([
    ['Hat', 'Green', 'Hat - Green'],
    ['Hat', 'Default Title', 'Hat'],
    ['Hat', '', 'Hat'],
  ])('articleName(%s, %s) = %s', (p, v, name) => expect(articleName(p, v)).toBe(name))

  it('legacyId strips the GID', () => {
    expect(legacyId('gid://shopify/ProductVariant/42')).toBe('42')
    expect(legacyId('gid://shopify/Order/7?x=1')).toBe('7')
  })
})

describe('shopify map-order', () => {
  const map = (name: string): OrderInput => {
    const { order } = toOrderInput(byNumber(name), { locationId: OUR })
    if (!order) throw new Error(`${name} mapped to nothing`)
    return order
  }

  describe('#1001: split across two locations, partially refunded, no shipping address', () => {
    const o = map('#1001')
    it.each<[string, string, Record<string, unknown> | null]>([
      // 5 ordered − 1 refunded (CANCEL); the line's 50.00 discount covers 5 units, so the 4 left
      // carry 40.00 of it: 100.00 × 4 − 40.00 = 360.00 customs value
      [
        'HAT-GRN',
        'quantity minus a CANCEL refund; discount pro rata; customs value = price × quantity − discount',
        {
          quantity: 4,
          unitPrice: '100.00',
          lineTotal: '400.00',
          discount: '40.00',
          meta: expect.objectContaining({ customs_value: '360.00' }),
        },
      ],
      // 3 − 1 RETURN; the LEGACY_RESTOCK refund line does not count (seed: cancel/no_restock/return)
      [
        'SCARF-RED',
        'a RETURN refund counts, a LEGACY_RESTOCK one does not; no discount',
        {
          quantity: 2,
          lineTotal: '40.00',
          discount: null,
          meta: expect.objectContaining({ customs_value: '40.00' }),
        },
      ],
      ['GLOVE-M', 'fully refunded with NO_RESTOCK: no line', null],
      ['BOOT-42', 'assigned to another location: no line', null],
    ])('%s: %s', (sku, _title, expected) => {
      const line = o.lines.find((l) => l.articleNumber === sku)
      if (expected === null) expect(line).toBeUndefined()
      else expect(line).toMatchObject(expected)
    })

    it('keeps the fulfilment-order lines each order line came from (for fulfilling later)', () => {
      expect(o.lines.find((l) => l.articleNumber === 'HAT-GRN')?.meta).toMatchObject({
        line_item_id: 'gid://shopify/LineItem/11',
        variant_id: 'gid://shopify/ProductVariant/11',
        fulfillment_order_lines: [
          {
            fulfillment_order_id: 'gid://shopify/FulfillmentOrder/301',
            id: 'gid://shopify/FulfillmentOrderLineItem/3011',
            quantity: 5,
          },
        ],
      })
    })

    it('takes the customer from the billing address, company before the name', () => {
      expect(o.customer).toMatchObject({
        name: 'Lind AB Alva Lind',
        company: 'Lind AB',
        address1: 'Storgatan 1',
        city: 'Göteborg',
        postCode: '411 01',
        countryCode: 'SE',
        customerNumber: '5001',
        remark: 'VIP',
      })
    })

    it('turns notifications off for an invalid email and an invalid shipping phone', () => {
      expect(o.notification).toMatchObject({
        email: 'alva(at)example.se',
        mobilePhone: 'ring me',
        notifyByEmail: false,
        notifyBySms: false,
      })
    })

    it('maps the order fields', () => {
      expect(o).toMatchObject({
        externalId: 'gid://shopify/Order/5001',
        orderNumber: '1001',
        shopStatus: 'paid/unfulfilled',
        orderDate: '2026-11-20T09:15:00Z',
        currency: 'SEK',
        totalPrice: '1399.00',
        remark: 'Leave at the door',
        deliveryInstruction: 'PostNord MyPack Home',
        shippingMethod: { code: 'PN-HOME', name: 'PostNord MyPack Home' },
        servicePoint: null,
        cancelled: false,
        meta: { order_id: 'gid://shopify/Order/5001', legacy_id: '5001', location_id: OUR },
      })
      expect(o.invoiceAddress).toMatchObject({ name: 'Lind AB Alva Lind', phone: '+46 31 100 200' })
    })
  })

  describe('#1002: shipping app data, valid contacts, no SKU, a cancelled fulfilment order', () => {
    const o = map('#1002')
    it.each<[string, Record<string, unknown>]>([
      [
        'a line without SKU uses the variant id as article number; discount',
        {
          externalLineId: 'gid://shopify/LineItem/21',
          articleNumber: '8801',
          quantity: 2,
          unitPrice: '79.50',
          lineTotal: '159.00',
          discount: '15.90',
          meta: expect.objectContaining({ customs_value: '143.10' }),
        },
      ],
      [
        'a plain line',
        { articleNumber: 'TEE-L', quantity: 1, lineTotal: '199.00', discount: null },
      ],
    ])('%s', (_title, expected) => {
      expect(o.lines).toContainEqual(expect.objectContaining(expected))
    })

    it('skips lines of cancelled fulfilment orders', () => {
      expect(o.lines.map((l) => l.articleNumber)).toEqual(['8801', 'TEE-L'])
    })

    it('takes way of delivery and pickup point from the shipping app, not the shipping line', () => {
      expect(o.shippingMethod).toEqual({ code: 'INSTABOX_LOCKER', name: 'INSTABOX_LOCKER' })
      expect(o.servicePoint).toBe('7712')
      expect(o.deliveryInstruction).toBe('Instabox')
    })

    it('uses the shipping address (company first) and the customer email before the order email', () => {
      expect(o.customer).toMatchObject({
        name: 'Berg & Co Kim Berg',
        address2: 'c/o Holm',
        state: 'AB',
        phone: '+46 70 765 43 21',
        email: 'Kim.Berg@example.se',
      })
      expect(o.notification).toMatchObject({
        email: 'Kim.Berg@example.se',
        mobilePhone: '+46 70 765 43 21',
        notifyByEmail: true,
        notifyBySms: true,
      })
      expect(o.shopStatus).toBe('authorized/unfulfilled')
    })
  })

  it('#1003 (all lines at another location) maps to nothing', () => {
    expect(toOrderInput(byNumber('#1003'), { locationId: OUR })).toEqual({
      order: null,
      localFulfillmentOrders: 0,
    })
  })

  it('#1004 (cancelled in Shopify) maps to a cancellation without lines', () => {
    expect(map('#1004')).toMatchObject({ cancelled: true, shopStatus: 'cancelled', lines: [] })
  })

  it.each<
    [
      string,
      Partial<Record<'displayFinancialStatus' | 'displayFulfillmentStatus', string>> & {
        closed?: boolean
      },
      boolean,
    ]
  >([
    ['paid, unfulfilled, open', {}, true],
    ['authorized', { displayFinancialStatus: 'AUTHORIZED' }, true],
    ['pending', { displayFinancialStatus: 'PENDING' }, false],
    ['partially fulfilled', { displayFulfillmentStatus: 'PARTIALLY_FULFILLED' }, true],
    ['fulfilled', { displayFulfillmentStatus: 'FULFILLED' }, false],
    ['closed', { closed: true }, false],
  ])('default filters: %s → %s', (_title, patch, wanted) => {
    const filters = {
      financial_statuses: ['authorized', 'paid'],
      fulfillment_statuses: ['unfulfilled', 'partial'],
      order_status: 'open' as const,
    }
    expect(matchesFilters({ ...byNumber('#1001'), ...patch }, filters)).toBe(wanted)
  })

  it.each([
    ['alva@example.se', true],
    ['alva(at)example.se', false],
    ['a@b', false],
    ['', false],
    [null, false],
  ])('isValidEmail(%j) = %s', (v, ok) => expect(isValidEmail(v)).toBe(ok))

  it.each([
    ['+46 70 123 45 67', true],
    ['070-123 45 67', true],
    ['ring me', false],
    ['123', false],
    [null, false],
  ])('isValidPhone(%j) = %s', (v, ok) => expect(isValidPhone(v)).toBe(ok))
})
