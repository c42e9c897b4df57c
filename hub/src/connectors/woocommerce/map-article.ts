/**
 * WooCommerce products and variations → warehouse articles, per the seed's field mapping:
 * SKU → article number, title (+ variation name) → name, id → product code, unit "st",
 * categories only when switched on, virtual products as stock articles unless configured.
 * Pure: no clock, network or database.
 */
import type { ArticleInput, RecordIssue } from '../../domain/types.ts'
import type { WooProduct, WooVariation } from './payloads.ts'

export interface ArticleMapOptions {
  syncCategories: boolean
  virtualAsStockArticles: boolean
  /** Records without a unique SKU are keyed by product code (the WooCommerce id) instead. */
  keyByProductCode: boolean
}

export interface MappedArticles {
  articles: ArticleInput[]
  issues: RecordIssue[]
}

const clean = (s: string | null | undefined) => (s ?? '').trim()

function variationName(product: WooProduct, v: WooVariation): string {
  const own = clean(v.name)
  const title = clean(product.name)
  // wc/v3 already returns "Parent title - Attribute, Attribute" as the variation name.
  if (own && title && own.startsWith(title)) return own
  const suffix = own || v.attributes.map((a) => a.option).join(', ')
  return suffix ? `${title} - ${suffix}` : title
}

/** Articles for one product: itself when simple, one per variation when variable. */
export function toArticleInputs(
  product: WooProduct,
  variations: WooVariation[],
  options: ArticleMapOptions,
): MappedArticles {
  const articles: ArticleInput[] = []
  const issues: RecordIssue[] = []
  const categories = options.syncCategories ? product.categories.map((c) => c.name) : undefined
  const stockArticle = (virtual: boolean) => (virtual ? options.virtualAsStockArticles : true)

  if (product.type === 'grouped' || product.type === 'external') return { articles, issues }

  if (product.type !== 'variable') {
    const sku = clean(product.sku)
    if (!sku && !options.keyByProductCode) {
      issues.push({
        code: 'missing_sku',
        message: `Product ${product.id} "${product.name}" has no SKU, so it has no article number; give it a SKU in WooCommerce (or key such products by product code in the settings).`,
        platformRef: String(product.id),
        level: 'warning',
      })
      return { articles, issues }
    }
    articles.push({
      articleNumber: sku || String(product.id),
      name: clean(product.name) || sku || String(product.id),
      productCode: String(product.id),
      unit: 'st',
      ...(categories ? { categories } : {}),
      stockArticle: stockArticle(product.virtual),
      link: {
        productId: String(product.id),
        variantId: null,
        stockTracked: product.manage_stock === true,
      },
    })
    return { articles, issues }
  }

  const parentSku = clean(product.sku)
  for (const v of variations) {
    const own = clean(v.sku)
    // In view context a variation without its own SKU shows the parent's: not a unique number.
    const inherits = own !== '' && own === parentSku
    const sku = inherits ? '' : own
    const ref = `${product.id}/${v.id}`
    if (!sku && !options.keyByProductCode) {
      issues.push({
        code: inherits ? 'variation_inherits_sku' : 'missing_sku',
        message: inherits
          ? `Variation ${v.id} of product ${product.id} "${product.name}" has no SKU of its own (it shows the parent's "${parentSku}"), so it has no unique article number; give it a SKU (or key such variants by product code in the settings).`
          : `Variation ${v.id} of product ${product.id} "${product.name}" has no SKU, so it has no article number; give it a SKU (or key such variants by product code in the settings).`,
        platformRef: ref,
        level: 'warning',
      })
      continue
    }
    articles.push({
      articleNumber: sku || String(v.id),
      name: variationName(product, v),
      productCode: String(v.id),
      unit: 'st',
      ...(categories ? { categories } : {}),
      stockArticle: stockArticle(v.virtual),
      link: {
        productId: String(product.id),
        variantId: String(v.id),
        // "parent" = stock is kept on the parent product; we push only where the record itself manages it.
        stockTracked: v.manage_stock === true,
      },
    })
  }
  return { articles, issues }
}

const refOf = (a: ArticleInput) =>
  a.link.variantId ? `${a.link.productId}/${a.link.variantId}` : a.link.productId

/**
 * Keep the first record per article number and report every later one with both ids, so two
 * products sharing a SKU are never merged silently. `seen` carries what earlier batches claimed.
 */
export function claimArticleNumbers(
  articles: ArticleInput[],
  seen: Map<string, string>,
  options: { keyByProductCode: boolean },
): MappedArticles {
  const kept: ArticleInput[] = []
  const issues: RecordIssue[] = []
  for (const a of articles) {
    const ref = refOf(a)
    const owner = seen.get(a.articleNumber)
    if (owner === undefined || owner === ref) {
      seen.set(a.articleNumber, ref)
      kept.push(a)
      continue
    }
    if (options.keyByProductCode && a.productCode && !seen.has(a.productCode)) {
      const rekeyed = { ...a, articleNumber: a.productCode }
      seen.set(rekeyed.articleNumber, ref)
      kept.push(rekeyed)
      continue
    }
    issues.push({
      code: 'duplicate_sku',
      message: `SKU "${a.articleNumber}" is used by ${owner} and ${ref} (product/variation ids); only ${owner} became the article. Give each a unique SKU (or key variants without unique numbers by product code in the settings).`,
      platformRef: ref,
      level: 'warning',
    })
  }
  return { articles: kept, issues }
}
