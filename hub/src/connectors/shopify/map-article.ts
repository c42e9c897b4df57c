/**
 * Shopify variant (with its product and inventory item) → warehouse article, per the seed's field
 * mapping. Pure: no clock, network or database.
 */
import type { ArticleInput, RecordIssue } from '../../domain/types.ts'
import type { RawVariant } from './payloads.ts'

export interface ArticleMapOptions {
  /** Inventory-item fields (cost, country of origin, HS code) were fetched. */
  inventoryItems: boolean
  costField: 'customer_price' | 'purchase_price'
}

/** Numeric id of a GID (`gid://shopify/ProductVariant/42` → `42`). */
export function legacyId(gid: string): string {
  return gid.replace(/^gid:\/\/shopify\/\w+\//, '').replace(/\?.*$/, '')
}

const KG_PER: Record<string, number> = {
  GRAMS: 0.001,
  KILOGRAMS: 1,
  OUNCES: 0.028349523125,
  POUNDS: 0.45359237,
}

export function toKg(weight: { unit: string; value: number } | null | undefined): string | null {
  if (!weight || !Number.isFinite(weight.value)) return null
  const factor = KG_PER[weight.unit]
  if (factor === undefined) return null
  return String(Math.round(weight.value * factor * 1000) / 1000)
}

/** "Hat - Green"; a product's only, default variant ("Default Title") is just "Hat". */
export function articleName(productTitle: string, variantTitle: string): string {
  if (!variantTitle || variantTitle === 'Default Title') return productTitle
  return `${productTitle} - ${variantTitle}`
}

export function toArticleInput(
  v: RawVariant,
  options: ArticleMapOptions,
): { article: ArticleInput } | { issue: RecordIssue } {
  const sku = v.sku?.trim() ?? ''
  const name = articleName(v.product.title, v.title)
  if (!sku) {
    return {
      issue: {
        code: 'missing_sku',
        message: `Variant "${name}" (id ${legacyId(v.id)}) has no SKU, so it can't become an article. Give every variant a unique SKU in Shopify.`,
        platformRef: v.id,
        level: 'warning',
      },
    }
  }
  const item = v.inventoryItem ?? null
  const cost = options.inventoryItems ? (item?.unitCost?.amount ?? null) : null
  const article: ArticleInput = {
    articleNumber: sku,
    name,
    barcode: v.barcode?.trim() || null,
    productCode: legacyId(v.id),
    weightKg: toKg(item?.measurement?.weight),
    price: v.price ?? null,
    supplier: v.product.vendor?.trim() || null,
    imageUrl: v.product.featuredImage?.url ?? null,
    // Unknown statuses (e.g. UNLISTED in later versions) are treated as not sellable.
    active: v.product.status === 'ACTIVE',
    link: {
      productId: v.product.id,
      variantId: v.id,
      inventoryItemId: item?.id ?? null,
      stockTracked: item?.tracked ?? false,
    },
  }
  if (options.inventoryItems) {
    article.countryOfOrigin = item?.countryCodeOfOrigin ?? null
    article.hsCode = item?.harmonizedSystemCode ?? null
    if (options.costField === 'customer_price') article.customerPrice = cost
    else article.purchasePrice = cost
  }
  return { article }
}
