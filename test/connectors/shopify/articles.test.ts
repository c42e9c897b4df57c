/**
 * Article pulls, phase 2: product-level edits (title, status, vendor) don't move the variants'
 * updated_at, so an incremental run also re-reads the variants of products changed in the window.
 * Through a real hub, and straight on the connector to resume from a checkpoint taken mid-phase.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createShopifySimulator } from '../../../fixtures/src/shopify/index.ts'
import { createShopifyConnector } from '../../../hub/src/connectors/shopify/index.ts'
import type { ArticleInput } from '../../../hub/src/domain/types.ts'
import type { Checkpoint, PullBatch } from '../../../hub/src/sync/connector.ts'
import { defaultSettings } from '../../../shared/src/settings.ts'
import { type ShopifyHarness, START, startShopify } from './helpers.ts'

const isChangedProductsQuery = (body: unknown) =>
  String((body as { query?: string })?.query).includes('DockhandChangedProducts')
const variantSearch = (body: unknown) =>
  (body as { query?: string; variables?: { query?: string } })?.query?.includes('productVariants')
    ? ((body as { variables?: { query?: string } }).variables?.query ?? '')
    : null

describe('shopify articles: products changed in the window (through the hub)', () => {
  let h: ShopifyHarness
  beforeAll(async () => {
    h = await startShopify({ publicUrlIsSelf: true })
  })
  afterAll(async () => h?.stop())

  it('re-reads the variants of a product edited at product level on the next incremental run', async () => {
    await h.syncNow({ processes: ['articles'], full: true })
    const product = [...h.sim.store.products.values()].find(
      (p) =>
        p.status === 'ACTIVE' &&
        [...h.sim.store.variants.values()].filter((v) => v.productId === p.id && v.sku).length > 1,
    )!
    const variants = [...h.sim.store.variants.values()].filter(
      (v) => v.productId === product.id && v.sku,
    )
    const variantStamps = variants.map((v) => v.updatedAt)
    h.clock.now += 5 * 60_000
    h.sim.updateProduct(product.id, { title: 'Renamed Hat', status: 'DRAFT', vendor: 'New Vendor' })
    expect(variants.map((v) => v.updatedAt)).toEqual(variantStamps)
    h.clock.now += 60_000
    h.sim.log.clear()
    const run = await h.syncNow({ processes: ['articles'] })
    expect(run.status).not.toBe('failed')
    expect(h.sim.log.filter((e) => isChangedProductsQuery(e.body)).length).toBe(1)
    const list = (await h.hub.request('GET', '/api/v1/articles?limit=500', undefined, h.token)).body
      .data
    for (const v of variants) {
      const a = list.find((x: any) => x.article_number === v.sku)
      const full = (await h.hub.request('GET', `/api/v1/articles/${a.id}`, undefined, h.token)).body
      expect(full).toMatchObject({
        name: v.title === 'Default Title' ? 'Renamed Hat' : `Renamed Hat - ${v.title}`,
        active: false,
        supplier: 'New Vendor',
      })
    }
  })
})

describe('shopify articles: resuming from a checkpoint taken during the product phase', () => {
  const clock = { now: START }
  const sim = createShopifySimulator({
    seed: 11,
    products: 60,
    variantsPerProduct: 2,
    orders: 0,
    clock: () => new Date(clock.now),
  })
  const connector = createShopifyConnector({
    now: () => clock.now,
    sleep: async (ms) => {
      clock.now += ms
    },
    fetch: (input, init) => sim.handle(new Request(input as string, init)),
  })
  const quiet = { info() {}, warn() {}, error() {}, debug() {}, child: () => quiet } as any
  const ctx = {
    connection: {
      id: 'con_test',
      name: 'Shopify',
      platform: 'shopify' as const,
      goodsOwnerId: 'own_test',
      baseUrl: `https://${sim.credentials.shop}`,
      shopRef: sim.credentials.shop,
    },
    settings: defaultSettings('shopify'),
    credentials: { access_token: sim.credentials.accessToken },
    webhookSecret: 'x',
    webhookUrl: null,
    log: quiet,
    signal: new AbortController().signal,
    now: () => new Date(clock.now),
  }

  async function drain(from: Checkpoint, full = false) {
    const batches: PullBatch<ArticleInput>[] = []
    for await (const b of connector.pullArticles!(ctx, from, { full })) batches.push(b)
    return batches
  }

  it('reads only the products left, without listing changed products or variants again', async () => {
    const first = await drain(null, true)
    const since = first.at(-1)!.checkpoint
    expect(since).toMatchObject({ since: expect.any(String) })
    expect(Object.keys(since!)).toEqual(['since'])

    clock.now += 10 * 60_000
    for (const p of sim.store.products.values())
      sim.updateProduct(p.id, { title: `${p.title} (2027)` })
    clock.now += 60_000

    // Interrupted run: stop after the first batch of the product phase (50 products per query).
    const seen: ArticleInput[] = []
    let saved: Checkpoint = null
    const gen = connector.pullArticles!(ctx, since, { full: false })
    for await (const b of gen) {
      seen.push(...b.records)
      saved = b.checkpoint
      const cp = b.checkpoint as { phase?: string; productIds?: string[] }
      if (cp.phase === 'products' && (cp.productIds?.length ?? 0) > 0) break
    }
    const cp = saved as { phase: string; productIds: string[]; windowEnd: string }
    expect(cp.phase).toBe('products')
    expect(cp.productIds.length).toBe(10)
    const changedProductQueries = sim.log.filter((e) => isChangedProductsQuery(e.body)).length
    expect(changedProductQueries).toBe(1)

    // Resume: the same window, only the ten products left, then the window closes.
    sim.log.clear()
    const resumed = await drain(saved)
    expect(sim.log.filter((e) => isChangedProductsQuery(e.body))).toEqual([])
    const searches = sim.log.entries.map((e) => variantSearch(e.body)).filter((q) => q !== null)
    expect(searches.length).toBeGreaterThan(0)
    for (const q of searches) {
      expect(q).not.toContain('updated_at')
      expect(q).toMatch(/^product_id:\d+( OR product_id:\d+)*$/)
    }
    expect(resumed.at(-1)!.checkpoint).toEqual({ since: cp.windowEnd })
    const resumedProducts = new Set(resumed.flatMap((b) => b.records.map((r) => r.link.productId)))
    expect(resumedProducts.size).toBeGreaterThan(0)
    for (const id of resumedProducts) expect(cp.productIds).toContain(id)
    for (const a of seen) expect(cp.productIds).not.toContain(a.link.productId)
    // Interrupted + resumed together cover every variant with a SKU, each under its new name.
    const all = [...seen, ...resumed.flatMap((b) => b.records)]
    const withSku = [...sim.store.variants.values()].filter((v) => v.sku?.trim())
    expect(new Set(all.map((a) => a.link.variantId))).toEqual(
      new Set(withSku.map((v) => `gid://shopify/ProductVariant/${v.id}`)),
    )
    for (const a of all) expect(a.name).toContain('(2027)')
  })
})
