/**
 * Articles: one per variant, paged with productVariants (sortKey ID). Incremental by updated_at in
 * a frozen window; product-level edits (title, status, vendor, image) do not move the variants'
 * updated_at, so a second phase re-reads the variants of products changed in the window.
 * Docs: https://shopify.dev/docs/api/admin-graphql/latest/queries/productVariants
 */
import type { ArticleInput, RecordIssue } from '../../domain/types.ts'
import type { Checkpoint, PullBatch } from '../../sync/connector.ts'
import { describeShapeError } from '../../util/shape.ts'
import type { ShopifyRuntime } from './client.ts'
import { toArticleInput } from './map-article.ts'
import { variantSchema } from './payloads.ts'
import {
  CHANGED_PRODUCTS_QUERY,
  PRODUCT_ID_PAGE_SIZE,
  VARIANT_PAGE_SIZE,
  VARIANTS_QUERY,
  VARIANTS_WITH_ITEMS_QUERY,
} from './queries.ts'
import { clientFor, overlapped, type Page, type ShopifyContext, searchDate } from './shared.ts'

interface ArticleCheckpoint {
  /** Variants updated after this instant are pulled (null: everything). */
  since: string | null
  /** Frozen end of the current window. */
  windowEnd?: string
  phase?: 'variants' | 'products'
  cursor?: string | null
  /** Products changed in the window whose variants are still to be read. */
  productIds?: string[]
  productCursor?: string | null
}

const PRODUCT_IDS_PER_QUERY = 50

export async function* pullArticles(
  ctx: ShopifyContext,
  rt: ShopifyRuntime,
  from: Checkpoint,
  options: { full: boolean },
): AsyncGenerator<PullBatch<ArticleInput>> {
  const client = clientFor(ctx, rt)
  const prior = (options.full ? null : from) as ArticleCheckpoint | null
  const cp: ArticleCheckpoint = prior?.windowEnd
    ? { ...prior }
    : {
        since: prior?.since ?? null,
        windowEnd: searchDate(rt.now()),
        phase: 'variants',
        cursor: null,
      }
  const withItems = ctx.settings.fetch_inventory_items ?? false
  const document = withItems ? VARIANTS_WITH_ITEMS_QUERY : VARIANTS_QUERY
  const mapOptions = {
    inventoryItems: withItems,
    costField: ctx.settings.cost_field ?? 'purchase_price',
  } as const
  const window = `updated_at:<='${cp.windowEnd}'${cp.since ? ` AND updated_at:>'${overlapped(cp.since)}'` : ''}`
  // SKU → first variant seen with it in this run (duplicates become one article; seed warning).
  const skuOwner = new Map<string, string>()

  const mapPage = (nodes: unknown[]) => {
    const records: ArticleInput[] = []
    const issues: RecordIssue[] = []
    for (const raw of nodes) {
      const parsed = variantSchema.safeParse(raw)
      if (!parsed.success) {
        issues.push({
          code: 'unreadable_variant',
          message: `A Shopify variant could not be read: ${describeShapeError(parsed.error)}`,
          platformRef: (raw as { id?: string })?.id ?? null,
        })
        continue
      }
      const mapped = toArticleInput(parsed.data, mapOptions)
      if ('issue' in mapped) {
        issues.push(mapped.issue)
        continue
      }
      const sku = mapped.article.articleNumber
      const first = skuOwner.get(sku)
      if (first && first !== parsed.data.id) {
        issues.push({
          code: 'duplicate_sku',
          message: `SKU "${sku}" is used by more than one variant (${first} and ${parsed.data.id}). They become one article, and every variant with this SKU gets that article's stock. Give each variant a unique SKU in Shopify.`,
          platformRef: parsed.data.id,
          level: 'warning',
        })
      } else skuOwner.set(sku, parsed.data.id)
      records.push(mapped.article)
    }
    return { records, issues }
  }

  if (cp.phase === 'variants') {
    for (;;) {
      const data = await client.request<{ productVariants: Page<unknown> }>(document, {
        first: VARIANT_PAGE_SIZE,
        after: cp.cursor ?? null,
        query: window,
      })
      const page = data.productVariants
      const { records, issues } = mapPage(page.nodes)
      const more = page.pageInfo.hasNextPage
      if (more) cp.cursor = page.pageInfo.endCursor
      else {
        cp.cursor = null
        cp.phase = cp.since ? 'products' : undefined
        cp.productIds = []
        cp.productCursor = null
      }
      const done = !more && !cp.phase
      yield {
        records,
        issues,
        checkpoint: done ? { since: cp.windowEnd } : { ...cp },
      }
      if (done) return
      if (!more) break
    }
  }

  // Phase 2: products changed in the window → their variants.
  let collecting = cp.productCursor !== undefined && (cp.productIds?.length ?? 0) === 0
  const ids = new Set(cp.productIds ?? [])
  if (collecting) {
    let after = cp.productCursor ?? null
    for (;;) {
      const data = await client.request<{ products: Page<{ id: string }> }>(
        CHANGED_PRODUCTS_QUERY,
        { first: PRODUCT_ID_PAGE_SIZE, after, query: window },
      )
      for (const p of data.products.nodes) ids.add(p.id)
      if (!data.products.pageInfo.hasNextPage) break
      after = data.products.pageInfo.endCursor
    }
    collecting = false
  }
  const pending = [...ids]
  while (pending.length) {
    const chunk = pending.splice(0, PRODUCT_IDS_PER_QUERY)
    const query = chunk
      .map((id) => `product_id:${id.replace(/^gid:\/\/shopify\/Product\//, '')}`)
      .join(' OR ')
    let after: string | null = null
    const records: ArticleInput[] = []
    const issues: RecordIssue[] = []
    for (;;) {
      const data: { productVariants: Page<unknown> } = await client.request(document, {
        first: VARIANT_PAGE_SIZE,
        after,
        query,
      })
      const mapped = mapPage(data.productVariants.nodes)
      records.push(...mapped.records)
      issues.push(...mapped.issues)
      if (!data.productVariants.pageInfo.hasNextPage) break
      after = data.productVariants.pageInfo.endCursor
    }
    const done = pending.length === 0
    yield {
      records,
      issues,
      checkpoint: done
        ? { since: cp.windowEnd }
        : { ...cp, phase: 'products', productIds: pending, productCursor: null },
    }
    if (done) return
  }
  yield { records: [], issues: [], checkpoint: { since: cp.windowEnd } }
}
