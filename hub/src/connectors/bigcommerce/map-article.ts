/**
 * BigCommerce catalog product (v3, `include=variants`) → articles: one per variant, SKU = article
 * number. Pure. Products or variants without a SKU are reported as needing one; products whose
 * inventory tracking is off (or on the product while it has several variants) are flagged, because
 * shipments and stock can't be confirmed per variant for them.
 *
 * Stock links: `inventoryItemId` says where the level lives — `variant:{id}` (tracking "variant")
 * or `product:{id}` (tracking "product" on a product without options, written by product id).
 */
import type { ArticleInput, RecordIssue } from '../../domain/types.ts'
import type { BcProduct, BcVariant } from './payloads.ts'

export interface MappedProduct {
  articles: ArticleInput[]
  issues: RecordIssue[]
}

function variantName(product: BcProduct, v: BcVariant, withOptions: boolean): string {
  if (!withOptions) return product.name
  const labels = (v.option_values ?? [])
    .map((o) => o.label)
    .filter((l): l is string => !!l)
    .join(', ')
  return labels ? `${product.name} (${labels})` : product.name
}

function decimal(n: number | null | undefined): string | null {
  return typeof n === 'number' && Number.isFinite(n) ? n.toFixed(2) : null
}

export function mapProduct(product: BcProduct): MappedProduct {
  const articles: ArticleInput[] = []
  const issues: RecordIssue[] = []
  if (product.type === 'digital') return { articles, issues }
  const variants: BcVariant[] = product.variants?.length
    ? product.variants
    : [{ id: product.base_variant_id ?? product.id, product_id: product.id, sku: product.sku }]
  const withOptions =
    variants.length > 1 || variants.some((v) => (v.option_values ?? []).length > 0)
  const tracking = product.inventory_tracking ?? 'none'
  const ref = `product ${product.id}`

  if (tracking === 'none') {
    issues.push({
      code: 'inventory_not_tracked',
      message: `"${product.name}" (${ref}) has inventory tracking off in BigCommerce, so shipments and stock can't be confirmed for it. Turn on "Track inventory" on the product's Inventory tab.`,
      platformRef: String(product.id),
      level: 'warning',
    })
  } else if (tracking === 'product' && withOptions) {
    issues.push({
      code: 'inventory_tracked_by_product',
      message: `"${product.name}" (${ref}) tracks inventory for the whole product, not per variant, so BigCommerce ignores stock set for its ${variants.length} variants. Choose "Track inventory by variant" on the product's Inventory tab.`,
      platformRef: String(product.id),
      level: 'warning',
    })
  }

  const active = product.is_visible !== false && product.availability !== 'disabled'
  for (const v of variants) {
    const sku = (v.sku || (withOptions ? '' : product.sku) || '').trim()
    const name = variantName(product, v, withOptions)
    if (!sku) {
      issues.push({
        code: 'missing_sku',
        message: withOptions
          ? `Variant ${v.id} of "${name}" (${ref}) has no SKU, so it can't become an article. Give it a SKU in BigCommerce.`
          : `"${name}" (${ref}) has no SKU, so it can't become an article. Give it a SKU in BigCommerce.`,
        platformRef: `${product.id}/${v.id}`,
        level: 'warning',
      })
      continue
    }
    const stockTracked = tracking === 'variant' || (tracking === 'product' && !withOptions)
    articles.push({
      articleNumber: sku,
      name,
      barcode: (v.upc || v.gtin || (!withOptions ? product.upc : '') || null) ?? null,
      productCode: String(product.id),
      price: decimal(v.calculated_price ?? v.price ?? product.price),
      active: active && v.purchasing_disabled !== true,
      link: {
        productId: String(product.id),
        variantId: String(v.id),
        inventoryItemId:
          tracking === 'variant'
            ? `variant:${v.id}`
            : tracking === 'product' && !withOptions
              ? `product:${product.id}`
              : null,
        stockTracked,
      },
    })
  }
  return { articles, issues }
}
