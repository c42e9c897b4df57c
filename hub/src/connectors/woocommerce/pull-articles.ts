/**
 * Products (and the variations of variable products) in the chosen product status become
 * articles; incremental by modification time, or a full pass on demand.
 * Docs: https://woocommerce.github.io/woocommerce-rest-api-docs/#list-all-products
 *       https://woocommerce.github.io/woocommerce-rest-api-docs/#list-all-product-variations
 */
import type { ArticleInput, RecordIssue } from '../../domain/types.ts'
import type { Checkpoint, PullBatch } from '../../sync/connector.ts'
import type { WooClient, WooCtx } from './client.ts'
import { asCursor, readByModified } from './keyset.ts'
import { type ArticleMapOptions, claimArticleNumbers, toArticleInputs } from './map-article.ts'
import { parseEach, productSchema, variationSchema, type WooVariation } from './payloads.ts'
import { headerStrippedIssue } from './pull-orders.ts'

export function articleOptions(ctx: WooCtx): ArticleMapOptions {
  return {
    syncCategories: ctx.settings.sync_categories,
    virtualAsStockArticles: ctx.settings.virtual_products_as_stock_articles,
    keyByProductCode: ctx.settings.key_by_product_code_when_sku_missing,
  }
}

async function variationsOf(
  ctx: WooCtx,
  client: WooClient,
  productId: number,
): Promise<{ ok: WooVariation[]; bad: Array<{ id: string; reason: string }> }> {
  const status = ctx.settings.product_status
  const ok: WooVariation[] = []
  const bad: Array<{ id: string; reason: string }> = []
  for (let page = 1; page < 100; page++) {
    const res = await client.get<unknown[]>(`products/${productId}/variations`, {
      per_page: 100,
      page,
      ...(status !== 'any' ? { status } : {}),
    })
    const items = Array.isArray(res.data) ? res.data : []
    const parsed = parseEach(variationSchema, items)
    ok.push(...parsed.ok)
    bad.push(...parsed.bad)
    const pages = Number(res.headers['x-wp-totalpages'] ?? 0)
    if (items.length < 100 || page >= pages) break
  }
  return { ok, bad }
}

export async function* pullArticles(
  ctx: WooCtx,
  client: WooClient,
  from: Checkpoint,
  options: { full: boolean },
): AsyncIterable<PullBatch<ArticleInput>> {
  const status = ctx.settings.product_status
  const mapOptions = articleOptions(ctx)
  const seen = new Map<string, string>()
  let first = true
  let reported = false
  for await (const page of readByModified(
    client,
    'products',
    status !== 'any' ? { status } : {},
    options.full ? null : asCursor(from),
    { overlapSeconds: 120 },
  )) {
    const records: ArticleInput[] = []
    const issues: RecordIssue[] = []
    const products = parseEach(productSchema, page.items)
    for (const b of products.bad)
      issues.push({
        code: 'unreadable_product',
        message: `Product ${b.id} could not be read: ${b.reason}`,
        platformRef: b.id,
      })
    for (const product of products.ok) {
      let variations: WooVariation[] = []
      if (product.type === 'variable') {
        const v = await variationsOf(ctx, client, product.id)
        variations = v.ok
        for (const b of v.bad)
          issues.push({
            code: 'unreadable_variation',
            message: `Variation ${b.id} of product ${product.id} could not be read: ${b.reason}`,
            platformRef: `${product.id}/${b.id}`,
          })
      }
      const mapped = toArticleInputs(product, variations, mapOptions)
      issues.push(...mapped.issues)
      const claimed = claimArticleNumbers(mapped.articles, seen, mapOptions)
      records.push(...claimed.articles)
      issues.push(...claimed.issues)
    }
    if (client.headerStripped && !reported) {
      issues.push(headerStrippedIssue())
      reported = true
    }
    yield {
      records,
      issues,
      checkpoint: { ...page.cursor },
      ...(first ? { total: page.total } : {}),
    }
    first = false
  }
}
