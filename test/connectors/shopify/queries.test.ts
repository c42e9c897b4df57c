/**
 * Every GraphQL document the connector sends validates against the schema of the pinned version:
 * the newest schema we hold (2025-04) plus the explicit drift list. The exceptions — documents
 * that only validate because of the drift — are listed here and checked to be exactly those.
 */
import { readFileSync } from 'node:fs'
import { buildASTSchema, parse, validate } from 'graphql'
import { describe, expect, it } from 'vitest'
import { schemaPath } from '../../../fixtures/src/shopify/graphql/schema.ts'
import { getSchema, PINNED_API_VERSION } from '../../../fixtures/src/shopify/index.ts'
import { ALL_DOCUMENTS } from '../../../hub/src/connectors/shopify/queries.ts'
import { SHOPIFY_API_VERSION } from '../../../hub/src/connectors/shopify/version.ts'

/** Documents that differ from 2025-04 because the pinned version changed the API (drift list). */
const DRIFT_EXCEPTIONS: Record<string, string> = {
  // `uri` replaced callbackUrl on WebhookSubscription (input and field) in newer versions.
  WEBHOOK_SUBSCRIPTIONS_QUERY: 'uri',
}

describe('shopify GraphQL documents', () => {
  it('pins the same API version as the simulator', () => {
    expect(SHOPIFY_API_VERSION).toBe(PINNED_API_VERSION)
  })

  it.each(Object.entries(ALL_DOCUMENTS))('%s validates against the pinned schema', (_name, doc) => {
    expect(validate(getSchema(), parse(doc)).map((e) => e.message)).toEqual([])
  })

  it('lists exactly the documents that need the drift list', () => {
    const plain = buildASTSchema(parse(readFileSync(schemaPath(), 'utf8'), { noLocation: true }), {
      assumeValidSDL: true,
    })
    const failing: Record<string, string[]> = {}
    for (const [name, doc] of Object.entries(ALL_DOCUMENTS)) {
      const errors = validate(plain, parse(doc)).map((e) => e.message)
      if (errors.length) failing[name] = errors
    }
    expect(Object.keys(failing).sort()).toEqual(Object.keys(DRIFT_EXCEPTIONS).sort())
    for (const [name, field] of Object.entries(DRIFT_EXCEPTIONS))
      for (const message of failing[name] ?? []) expect(message).toContain(`"${field}"`)
  })

  it('sends changeFromQuantity (2026-04+) and uri in variables, which the pinned schema requires', () => {
    const qty = getSchema().getType('InventoryQuantityInput') as any
    expect(Object.keys(qty.getFields())).toContain('changeFromQuantity')
    expect(Object.keys(qty.getFields())).not.toContain('compareQuantity')
  })
})
