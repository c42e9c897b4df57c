/**
 * Articles (one per shop variant, keyed by article number = SKU, unique per goods owner) and their
 * links to platform ids. In manual import mode, pulled products are listed for selection instead.
 */
import { sql } from 'kysely'
import type { Queryable } from '../store/db.ts'
import type { Article } from '../store/schema.ts'
import { newId, nowIso } from '../util/ids.ts'
import { linkWaitingLines } from './orders.ts'
import type { ArticleInput, RecordIssue } from './types.ts'

function columns(a: ArticleInput) {
  return {
    name: a.name.slice(0, 500),
    barcode: a.barcode ?? null,
    product_code: a.productCode ?? null,
    unit: a.unit ?? 'st',
    weight_kg: a.weightKg ?? null,
    price: a.price ?? null,
    customer_price: a.customerPrice ?? null,
    purchase_price: a.purchasePrice ?? null,
    currency: a.currency ?? null,
    supplier: a.supplier ?? null,
    country_of_origin: a.countryOfOrigin ?? null,
    hs_code: a.hsCode ?? null,
    image_url: a.imageUrl ?? null,
    categories: JSON.stringify(a.categories ?? []),
    active: (a.active ?? true) ? (1 as const) : (0 as const),
    stock_article: (a.stockArticle ?? true) ? (1 as const) : (0 as const),
  }
}

/**
 * What to do when a shop record brings a SKU that is already the article of another record of the
 * same connection (one the pull did not read again, or the shop allows duplicates): `first` keeps
 * the article as it is and leaves the newcomer out (WooCommerce's rule), `share` links both to the
 * one article, which then describes the latest and pushes its stock to both (Shopify's). Either
 * way a `duplicate_sku` warning names both.
 */
export type SharedSkuRule = 'first' | 'share'

const linkRef = (link: { productId: string; variantId?: string | null }) =>
  link.variantId ? `${link.productId}/${link.variantId}` : link.productId

/** "product 15", "product 11 variant 12" (GraphQL global ids shortened to their number). */
function describeRef(ref: string): string {
  const short = (id: string) => id.replace(/^gid:\/\/[^/]+\/[^/]+\//, '')
  const gids = ref.match(/gid:\/\/[^/]+\/[^/]+\/[^/]+/g)
  const [product, variant] = gids ?? ref.split('/')
  return `product ${short(product ?? ref)}${variant ? ` variant ${short(variant)}` : ''}`
}

/**
 * Upsert articles and their links for one connection. Returns counts, warnings about SKUs shared
 * with another record of the connection, and how many waiting orders the new articles completed.
 */
export async function upsertArticles(
  db: Queryable,
  ownerId: string,
  connectionId: string,
  inputs: ArticleInput[],
  options: { sharedSkus?: SharedSkuRule } = {},
): Promise<{
  created: number
  updated: number
  unchanged: number
  ordersLinked: number
  issues: RecordIssue[]
}> {
  const counts = { created: 0, updated: 0, unchanged: 0, ordersLinked: 0 }
  const issues: RecordIssue[] = []
  if (!inputs.length) return { ...counts, issues }
  const now = nowIso()
  const existing = await db
    .selectFrom('articles')
    .selectAll()
    .where('goods_owner_id', '=', ownerId)
    .where(
      'article_number',
      'in',
      inputs.map((a) => a.articleNumber),
    )
    .execute()
  const byNumber = new Map(existing.map((a) => [a.article_number, a]))
  // Which records of this connection each article is linked to (kept up to date as we link).
  const linked = new Map<string, string[]>(existing.map((a) => [a.id, []]))
  if (existing.length)
    for (const l of await db
      .selectFrom('article_links')
      .select(['article_id', 'product_id', 'variant_id'])
      .where('connection_id', '=', connectionId)
      .where(
        'article_id',
        'in',
        existing.map((a) => a.id),
      )
      .orderBy('created_at')
      .execute())
      linked.get(l.article_id)?.push(linkRef({ productId: l.product_id, variantId: l.variant_id }))
  const created: Article[] = []
  for (const input of inputs) {
    const cols = columns(input)
    let article = byNumber.get(input.articleNumber)
    if (!article) {
      const row: Article = {
        id: newId('art'),
        goods_owner_id: ownerId,
        article_number: input.articleNumber,
        ...cols,
        created_at: now,
        updated_at: now,
      }
      await db.insertInto('articles').values(row).execute()
      await db
        .insertInto('stock_balances')
        .values({ article_id: row.id, on_hand: 0, allocated: 0, updated_at: now })
        .execute()
      byNumber.set(row.article_number, row)
      linked.set(row.id, [])
      article = row
      created.push(row)
      counts.created++
    } else {
      // A record not linked to the article yet, while another one is: a shared SKU. (One already
      // sharing it was reported when it joined.)
      const refs = linked.get(article.id) ?? []
      const other = refs.includes(linkRef(input.link)) ? null : (refs[0] ?? null)
      if (other) {
        const rule = options.sharedSkus ?? 'share'
        const [first, next] = [describeRef(other), describeRef(linkRef(input.link))]
        issues.push({
          code: 'duplicate_sku',
          message:
            rule === 'first'
              ? `SKU "${input.articleNumber}" is used by ${first} and ${next}; only ${first} is the article, ${next} was left out. Give each a unique SKU.`
              : `SKU "${input.articleNumber}" is used by ${first} and ${next}. They are one article, and each gets that article's stock. Give each a unique SKU.`,
          platformRef: input.link.variantId ?? input.link.productId,
          level: 'warning',
        })
        if (rule === 'first') continue
      }
      const changed = (Object.keys(cols) as Array<keyof typeof cols>).some(
        (k) => article![k] !== cols[k],
      )
      if (changed) {
        await db
          .updateTable('articles')
          .set({ ...cols, updated_at: now })
          .where('id', '=', article.id)
          .execute()
        counts.updated++
      } else {
        counts.unchanged++
      }
    }
    await linkArticle(db, article.id, connectionId, input.link, now)
    const ref = linkRef(input.link)
    for (const refs of linked.values()) if (refs.includes(ref)) refs.splice(refs.indexOf(ref), 1)
    linked.get(article.id)?.push(ref)
  }
  counts.ordersLinked = await linkWaitingLines(db, ownerId, created)
  return { ...counts, issues }
}

async function linkArticle(
  db: Queryable,
  articleId: string,
  connectionId: string,
  link: ArticleInput['link'],
  now: string,
) {
  const variantId = link.variantId ?? null
  let q = db
    .selectFrom('article_links')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .where('product_id', '=', link.productId)
  q = variantId === null ? q.where('variant_id', 'is', null) : q.where('variant_id', '=', variantId)
  const found = await q.executeTakeFirst()
  const tracked = link.stockTracked ? (1 as const) : (0 as const)
  if (!found) {
    await db
      .insertInto('article_links')
      .values({
        id: newId('lnk'),
        article_id: articleId,
        connection_id: connectionId,
        product_id: link.productId,
        variant_id: variantId,
        inventory_item_id: link.inventoryItemId ?? null,
        stock_tracked: tracked,
        pushed_quantity: null,
        queued_quantity: null,
        created_at: now,
        updated_at: now,
      })
      .execute()
  } else if (
    found.article_id !== articleId ||
    found.stock_tracked !== tracked ||
    found.inventory_item_id !== (link.inventoryItemId ?? null)
  ) {
    await db
      .updateTable('article_links')
      .set({
        article_id: articleId,
        stock_tracked: tracked,
        inventory_item_id: link.inventoryItemId ?? null,
        updated_at: now,
      })
      .where('id', '=', found.id)
      .execute()
  }
}

/** Create or update an article the warehouse owns (no shop link), e.g. packaging or a manual item. */
export async function saveArticle(
  db: Queryable,
  ownerId: string,
  input: Omit<ArticleInput, 'link'>,
): Promise<{ article: Article; created: boolean }> {
  const now = nowIso()
  const cols = columns({ ...input, link: { productId: '', stockTracked: false } })
  const existing = await db
    .selectFrom('articles')
    .selectAll()
    .where('goods_owner_id', '=', ownerId)
    .where('article_number', '=', input.articleNumber)
    .executeTakeFirst()
  if (existing) {
    await db
      .updateTable('articles')
      .set({ ...cols, updated_at: now })
      .where('id', '=', existing.id)
      .execute()
    return { article: { ...existing, ...cols, updated_at: now }, created: false }
  }
  const row: Article = {
    id: newId('art'),
    goods_owner_id: ownerId,
    article_number: input.articleNumber,
    ...cols,
    created_at: now,
    updated_at: now,
  }
  await db.insertInto('articles').values(row).execute()
  await db
    .insertInto('stock_balances')
    .values({ article_id: row.id, on_hand: 0, allocated: 0, updated_at: now })
    .execute()
  await linkWaitingLines(db, ownerId, [row])
  return { article: row, created: true }
}

/** Manual import mode: remember what the shop has, with its link status. */
export async function recordShopProducts(
  db: Queryable,
  ownerId: string,
  connectionId: string,
  inputs: ArticleInput[],
): Promise<number> {
  const now = nowIso()
  const numbers = inputs.map((a) => a.articleNumber)
  const known = numbers.length
    ? new Set(
        (
          await db
            .selectFrom('articles')
            .select('article_number')
            .where('goods_owner_id', '=', ownerId)
            .where('article_number', 'in', numbers)
            .execute()
        ).map((r) => r.article_number),
      )
    : new Set<string>()
  for (const a of inputs) {
    const status = known.has(a.articleNumber) ? 'linked' : 'new'
    const values = {
      connection_id: connectionId,
      product_id: a.link.productId,
      variant_id: a.link.variantId ?? null,
      sku: a.articleNumber,
      name: a.name,
      status: status as 'linked' | 'new',
      payload: JSON.stringify(a),
      updated_at: now,
    }
    const res = await db
      .updateTable('shop_products')
      .set(values)
      .where('connection_id', '=', connectionId)
      .where('product_id', '=', values.product_id)
      .where(
        values.variant_id === null
          ? sql<boolean>`variant_id is null`
          : sql<boolean>`variant_id = ${values.variant_id}`,
      )
      .executeTakeFirst()
    if (Number(res.numUpdatedRows) === 0)
      await db
        .insertInto('shop_products')
        .values({ id: newId('spr'), ...values })
        .execute()
  }
  return inputs.length
}

export function articleView(a: Article, balance?: { on_hand: number; allocated: number } | null) {
  return {
    id: a.id,
    article_number: a.article_number,
    name: a.name,
    barcode: a.barcode,
    product_code: a.product_code,
    unit: a.unit,
    weight_kg: a.weight_kg,
    price: a.price,
    customer_price: a.customer_price,
    purchase_price: a.purchase_price,
    currency: a.currency,
    supplier: a.supplier,
    country_of_origin: a.country_of_origin,
    hs_code: a.hs_code,
    image_url: a.image_url,
    categories: JSON.parse(a.categories) as string[],
    active: a.active === 1,
    stock_article: a.stock_article === 1,
    stock: balance
      ? {
          on_hand: balance.on_hand,
          allocated: balance.allocated,
          available: balance.on_hand - balance.allocated,
        }
      : undefined,
    created_at: a.created_at,
    updated_at: a.updated_at,
  }
}

/**
 * Manual import mode: products the connector could not turn into articles (no SKU, or a SKU two
 * variants share) are listed too, with that status, so a person sees what needs fixing in the shop.
 */
export async function recordShopProductIssues(
  db: Queryable,
  connectionId: string,
  issues: Array<{ code: string; message: string; platformRef?: string | null | undefined }>,
): Promise<number> {
  const now = nowIso()
  let n = 0
  for (const issue of issues) {
    if ((issue.code !== 'missing_sku' && issue.code !== 'duplicate_sku') || !issue.platformRef)
      continue
    const values = {
      connection_id: connectionId,
      product_id: issue.platformRef,
      variant_id: null,
      sku: null,
      name: issue.message.slice(0, 500),
      status: issue.code as 'missing_sku' | 'duplicate_sku',
      payload: JSON.stringify(issue),
      updated_at: now,
    }
    const res = await db
      .updateTable('shop_products')
      .set(values)
      .where('connection_id', '=', connectionId)
      .where('product_id', '=', issue.platformRef)
      .where(sql<boolean>`variant_id is null`)
      .executeTakeFirst()
    if (Number(res.numUpdatedRows) === 0)
      await db
        .insertInto('shop_products')
        .values({ id: newId('spr'), ...values })
        .execute()
    n++
  }
  return n
}
