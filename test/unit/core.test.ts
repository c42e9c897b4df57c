import { describe, expect, it } from 'vitest'
import { SecretBox } from '../../hub/src/crypto/secret-box.ts'
import { backoffMs } from '../../hub/src/domain/outbox.ts'
import { scrub } from '../../hub/src/log.ts'
import { newId } from '../../hub/src/util/ids.ts'
import { defaultSettings, settingsSchemas } from '../../shared/src/settings.ts'
import { matchShippingRule } from '../../shared/src/shipping-rules.ts'

describe('shipping-method rules', () => {
  const rules = [
    { pattern: 'DHL*', way_of_delivery: 'DHL' },
    { pattern: 'D*L', way_of_delivery: 'D-L' },
    { pattern: 'PostNord Varubrev', way_of_delivery: 'PN_LETTER' },
    { pattern: '*', way_of_delivery: 'FALLBACK' },
  ]
  it.each([
    ['DHL-1', 'DHL'],
    ['DHL-test', 'DHL'],
    ['DtestL', 'D-L'],
    ['DYL', 'D-L'],
    ['postnord varubrev', 'PN_LETTER'],
    ['  PostNord Varubrev ', 'PN_LETTER'],
    ['Budbee (hem)', 'FALLBACK'],
  ])('maps %j to %s (first match wins, case-insensitive, * wildcard)', (name, expected) => {
    expect(matchShippingRule(rules, [name])?.way_of_delivery).toBe(expected)
  })
  it('takes regex characters literally and matches the code when the name does not', () => {
    const literal = [{ pattern: 'flat_rate:1 (a+b)', way_of_delivery: 'FLAT' }]
    expect(matchShippingRule(literal, ['flat_rate:1 (a+b)'])?.way_of_delivery).toBe('FLAT')
    expect(matchShippingRule(literal, ['flat_rate:1 (aab)'])).toBeNull()
    expect(
      matchShippingRule(
        [{ pattern: 'flat_rate', way_of_delivery: 'F' }],
        ['Flat rate', 'flat_rate'],
      )?.way_of_delivery,
    ).toBe('F')
    expect(matchShippingRule(rules.slice(0, 3), [null, undefined, ''])).toBeNull()
  })
})

describe('settings defaults come from the seeds', () => {
  it('WooCommerce: 15 min, publish, processing, stock on, notes, complete on tracking number, SHA256', () => {
    expect(defaultSettings('woocommerce')).toMatchObject({
      interval_minutes: 15,
      product_status: 'publish',
      order_statuses: ['processing'],
      processes: { stock: true },
      complete_when: 'tracking_number',
      oauth_signature_method: 'HMAC-SHA256',
      sync_categories: false,
      virtual_products_as_stock_articles: true,
    })
  })
  it('BigCommerce: stock off, 11 → 9, shipped 2; status names accepted', () => {
    expect(defaultSettings('bigcommerce')).toMatchObject({
      processes: { stock: false },
      pull_status_ids: [11],
      after_pull_status_id: 9,
      shipped_status_id: 2,
    })
    expect(
      settingsSchemas.bigcommerce.parse({
        pull_status_ids: ['Awaiting Fulfillment', 'awaiting payment', 12],
      }).pull_status_ids,
    ).toEqual([11, 7, 12])
    expect(
      settingsSchemas.bigcommerce.safeParse({ pull_status_ids: ['Shipped-ish'] }).success,
    ).toBe(false)
    expect(settingsSchemas.bigcommerce.safeParse({ pull_status_ids: [99] }).success).toBe(false)
  })
  it('Shopify: authorized+paid, unfulfilled, open, 24 h look-back', () => {
    expect(defaultSettings('shopify')).toMatchObject({
      financial_statuses: ['authorized', 'paid'],
      order_status: 'open',
      first_run_lookback_hours: 24,
    })
  })
})

describe('secret box', () => {
  const box = SecretBox.fromKey(Buffer.alloc(32, 7))
  it('round-trips, is randomised, and is bound to its associated data', () => {
    const a = box.seal('cs_secret', 'connection:1')
    expect(a).not.toEqual(box.seal('cs_secret', 'connection:1'))
    expect(box.open(a, 'connection:1')).toBe('cs_secret')
    expect(() => box.open(a, 'connection:2')).toThrow()
    expect(() => SecretBox.fromKey(Buffer.alloc(32, 8)).open(a, 'connection:1')).toThrow()
    const bytes = Buffer.from(a.slice(3), 'base64')
    bytes[30] = (bytes[30] ?? 0) ^ 1
    const tampered = `v1:${bytes.toString('base64')}`
    expect(() => box.open(tampered, 'connection:1')).toThrow()
  })
  it('fingerprints deterministically under one key only', () => {
    expect(box.fingerprint('x')).toBe(box.fingerprint('x'))
    expect(SecretBox.fromKey(Buffer.alloc(32, 9)).fingerprint('x')).not.toBe(box.fingerprint('x'))
  })
})

describe('retry backoff', () => {
  it('grows exponentially with jitter, is capped, and honours Retry-After', () => {
    expect(backoffMs(1, undefined, () => 0)).toBe(500)
    expect(backoffMs(1, undefined, () => 0.999)).toBeLessThan(1000)
    expect(backoffMs(5, undefined, () => 0)).toBe(8000)
    expect(backoffMs(50, undefined, () => 1)).toBeLessThanOrEqual(15 * 60_000)
    expect(backoffMs(1, 30_000, () => 0)).toBe(30_000)
  })
})

describe('log scrubbing', () => {
  it('masks credentials inside free text', () => {
    const text = scrub(
      'GET https://s/wp-json/wc/v3?consumer_key=ck_0123456789abcdef&consumer_secret=cs_0123456789abcdef; Authorization: Basic Y2tfMTIzOmNzXzQ1Ng== token shpat_0123456789abcdef0123',
    )
    expect(text).not.toMatch(/0123456789abcdef/)
    expect(text).not.toContain('Y2tfMTIzOmNzXzQ1Ng==')
  })
})

describe('ids', () => {
  it('are prefixed, unique and sort in creation order', () => {
    const ids = Array.from({ length: 2000 }, () => newId('ord'))
    expect(new Set(ids).size).toBe(ids.length)
    expect([...ids].sort()).toEqual(ids)
    expect(ids[0]).toMatch(/^ord_[0-9A-Z]{26}$/)
  })
})
