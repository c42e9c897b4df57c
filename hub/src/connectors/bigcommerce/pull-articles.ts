/**
 * Articles: every physical product's variants, changed since the last pass (`date_modified:min`),
 * oldest first, 250 products with their variants per request. The checkpoint is the newest
 * `date_modified` fully handled, so a restart resumes without gaps (an overlap re-reads a few).
 */
import type { ArticleInput } from '../../domain/types.ts'
import type { Checkpoint, ConnectorContext, PullBatch } from '../../sync/connector.ts'
import { describeShapeError } from '../../util/shape.ts'
import type { BcClient } from './client.ts'
import { mapProduct } from './map-article.ts'
import { productSchema, v3PageSchema } from './payloads.ts'

const PAGE = 250
const FIELDS =
  'id,name,type,sku,upc,price,is_visible,availability,inventory_tracking,date_modified,base_variant_id'

export async function* pullArticles(
  _ctx: ConnectorContext,
  client: BcClient,
  from: Checkpoint,
  options: { full: boolean },
): AsyncGenerator<PullBatch<ArticleInput>> {
  const since = options.full ? null : ((from?.since as string | undefined) ?? null)
  let newest = since
  for (let page = 1; ; page++) {
    // https://developer.bigcommerce.com/docs/rest-catalog/products#get-all-products
    const res = await client.get('v3', '/catalog/products', {
      include: 'variants',
      include_fields: FIELDS,
      sort: 'date_modified',
      direction: 'asc',
      limit: PAGE,
      page,
      'date_modified:min': since ?? undefined,
    })
    const body = v3PageSchema.parse(res.body ?? { data: [] })
    const records: ArticleInput[] = []
    const issues: PullBatch<ArticleInput>['issues'] = []
    for (const raw of body.data) {
      const parsed = productSchema.safeParse(raw)
      if (!parsed.success) {
        issues.push({
          code: 'unreadable_product',
          message: `A BigCommerce product could not be read: ${describeShapeError(parsed.error)}`,
          platformRef: String((raw as { id?: unknown })?.id ?? ''),
        })
        continue
      }
      const mapped = mapProduct(parsed.data)
      records.push(...mapped.articles)
      issues.push(...mapped.issues)
      const modified = parsed.data.date_modified
      if (modified && (!newest || Date.parse(modified) > Date.parse(newest))) newest = modified
    }
    const pagination = body.meta?.pagination
    yield {
      records,
      issues,
      checkpoint: { since: newest },
      total: null,
    }
    const totalPages = pagination?.total_pages ?? (body.data.length < PAGE ? page : page + 1)
    if (page >= totalPages || body.data.length === 0) return
  }
}
