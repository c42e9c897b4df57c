/**
 * Mapper table tests: each JSON file in fixtures/payloads/bigcommerce holds spec-shaped raw
 * payloads (`input`) and what the pure mapper must make of them (`expected`, matched as a subset).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { mapProduct } from '../../../hub/src/connectors/bigcommerce/map-article.ts'
import { mapOrder } from '../../../hub/src/connectors/bigcommerce/map-order.ts'
import {
  orderProductSchema,
  orderSchema,
  productSchema,
  shippingAddressSchema,
} from '../../../hub/src/connectors/bigcommerce/payloads.ts'

const dir = join(import.meta.dirname, '../../../fixtures/payloads/bigcommerce')
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((file) => ({ file, ...JSON.parse(readFileSync(join(dir, file), 'utf8')) }))

describe('map-order', () => {
  it.each(cases.filter((c) => c.kind === 'order'))('$file: $description', (c) => {
    const result = mapOrder(
      orderSchema.parse(c.input.order),
      c.input.products.map((p: unknown) => orderProductSchema.parse(p)),
      c.input.shipping_addresses.map((a: unknown) => shippingAddressSchema.parse(a)),
    )
    expect(result).toMatchObject(c.expected)
  })
})

describe('map-article', () => {
  it.each(cases.filter((c) => c.kind === 'product'))('$file: $description', (c) => {
    const result = mapProduct(productSchema.parse(c.input))
    expect(result).toMatchObject(c.expected)
  })

  it('is pure: the same payload maps the same way twice', () => {
    const c = cases.find((x) => x.kind === 'product')!
    expect(mapProduct(productSchema.parse(c.input))).toEqual(
      mapProduct(productSchema.parse(c.input)),
    )
  })
})
