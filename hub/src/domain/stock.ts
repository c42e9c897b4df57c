/**
 * Stock balances: on hand, allocated to unshipped orders, available = on hand - allocated.
 * Every change is journalled in the same transaction.
 */
import { sql } from 'kysely'
import { HubError, invalid } from '../errors.ts'
import { lockRow, parseJson, type Queryable } from '../store/db.ts'
import { newId, nowIso } from '../util/ids.ts'
import { appendEvent } from './events.ts'

export interface BalanceView {
  article_number: string
  article_id: string
  on_hand: number
  allocated: number
  available: number
  updated_at: string | null
}

export async function changeBalance(
  db: Queryable,
  articleId: string,
  delta: { onHand?: number; allocated?: number; setOnHand?: number },
  reason: string,
  reference: string | null,
): Promise<{ on_hand: number; allocated: number }> {
  const now = nowIso()
  await lockRow(db, 'stock_balances', articleId)
  const current = await db
    .selectFrom('stock_balances')
    .select(['on_hand', 'allocated'])
    .where('article_id', '=', articleId)
    .executeTakeFirst()
  const before = current ?? { on_hand: 0, allocated: 0 }
  const onHand = delta.setOnHand ?? before.on_hand + (delta.onHand ?? 0)
  const allocated = Math.max(0, before.allocated + (delta.allocated ?? 0))
  if (!current) {
    await db
      .insertInto('stock_balances')
      .values({ article_id: articleId, on_hand: onHand, allocated, updated_at: now })
      .execute()
  } else {
    await db
      .updateTable('stock_balances')
      .set({ on_hand: onHand, allocated, updated_at: now })
      .where('article_id', '=', articleId)
      .execute()
  }
  const onHandDelta = onHand - before.on_hand
  const allocatedDelta = allocated - before.allocated
  if (onHandDelta !== 0 || allocatedDelta !== 0) {
    await db
      .insertInto('stock_journal')
      .values({
        article_id: articleId,
        on_hand_delta: onHandDelta,
        allocated_delta: allocatedDelta,
        on_hand_after: onHand,
        allocated_after: allocated,
        reason,
        reference,
        created_at: now,
      })
      .execute()
  }
  return { on_hand: onHand, allocated }
}

export interface StockChangeInput {
  article_number: string
  /** Absolute on-hand quantity. */
  on_hand?: number | undefined
  /** Relative change of on hand. */
  adjust?: number | undefined
  reason?: string | undefined
}

/**
 * Set or adjust many balances at once. All or nothing: an unknown article number or a result below
 * zero rejects the whole request with every problem listed.
 */
export async function applyStockChanges(
  db: Queryable,
  ownerId: string,
  changes: StockChangeInput[],
  reference: string | null,
): Promise<BalanceView[]> {
  const numbers = [...new Set(changes.map((c) => c.article_number))]
  const articles = numbers.length
    ? await db
        .selectFrom('articles')
        .leftJoin('stock_balances', 'stock_balances.article_id', 'articles.id')
        .select([
          'articles.id',
          'articles.article_number',
          'stock_balances.on_hand',
          'stock_balances.allocated',
        ])
        .where('articles.goods_owner_id', '=', ownerId)
        .where('articles.article_number', 'in', numbers)
        .execute()
    : []
  const byNumber = new Map(articles.map((a) => [a.article_number, a]))
  const errors: Array<{ path: string; message: string }> = []
  const projected = new Map<string, number>()
  changes.forEach((c, i) => {
    const article = byNumber.get(c.article_number)
    if (!article) {
      errors.push({
        path: `/items/${i}/article_number`,
        message: `unknown article number "${c.article_number}"`,
      })
      return
    }
    if ((c.on_hand === undefined) === (c.adjust === undefined)) {
      errors.push({
        path: `/items/${i}`,
        message: 'give exactly one of on_hand (absolute) or adjust (relative)',
      })
      return
    }
    const base = projected.get(article.id) ?? article.on_hand ?? 0
    const next = c.on_hand ?? base + (c.adjust ?? 0)
    if (next < 0) {
      errors.push({
        path: `/items/${i}`,
        message: `on hand for "${c.article_number}" would become ${next}, below zero`,
      })
      return
    }
    projected.set(article.id, next)
  })
  if (errors.length)
    throw invalid(
      `${errors.length} of ${changes.length} stock changes are invalid; nothing was applied.`,
      errors,
    )

  const results: BalanceView[] = []
  for (const c of changes) {
    const article = byNumber.get(c.article_number)!
    const r = await changeBalance(
      db,
      article.id,
      c.on_hand !== undefined ? { setOnHand: c.on_hand } : { onHand: c.adjust ?? 0 },
      c.reason ?? (c.on_hand !== undefined ? 'set' : 'adjust'),
      reference,
    )
    results.push({
      article_id: article.id,
      article_number: article.article_number,
      on_hand: r.on_hand,
      allocated: r.allocated,
      available: r.on_hand - r.allocated,
      updated_at: nowIso(),
    })
  }
  if (results.length) {
    await appendEvent(db, ownerId, 'stock.changed', reference ?? 'stock', {
      items: results.map((r) => ({
        article_number: r.article_number,
        on_hand: r.on_hand,
        available: r.available,
      })),
    })
  }
  return results
}

export function ensureNonNegativeInt(n: unknown, what: string): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
    throw new HubError('validation_failed', `${what} must be a whole number ≥ 0`)
  return n
}

/** Available quantity per article id (never below zero) for pushing to shops. */
export async function availableByArticle(
  db: Queryable,
  articleIds: string[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>()
  for (let i = 0; i < articleIds.length; i += 500) {
    const rows = await db
      .selectFrom('stock_balances')
      .select(['article_id', sql<number>`on_hand - allocated`.as('available')])
      .where('article_id', 'in', articleIds.slice(i, i + 500))
      .execute()
    for (const r of rows) out.set(r.article_id, Math.max(0, Number(r.available)))
  }
  return out
}

/** An order line as far as the shop's stock goes: its article and the platform ids in its meta. */
export interface ShopStockLine {
  article_id: string | null
  platform_meta: string | null
}

/**
 * The shop item a line took its stock from, by the ids connectors keep in a line's meta: a variant
 * (Shopify and BigCommerce `variant_id`, WooCommerce `variation_id`) or else a product
 * (`product_id`). Empty when the meta names neither.
 */
function shopItemOf(meta: Record<string, unknown>): { variantId?: string; productId?: string } {
  const id = (v: unknown) =>
    (typeof v === 'string' && v !== '') || (typeof v === 'number' && v > 0) ? String(v) : null
  const variantId = id(meta.variant_id) ?? id(meta.variation_id)
  if (variantId) return { variantId }
  const productId = id(meta.product_id)
  return productId ? { productId } : {}
}

/**
 * The shop changed its own stock of these lines' items: a customer's order took it at checkout,
 * or a cancellation in the shop put it back. What the hub last pushed (or read) is then no longer
 * what the shop has, so the connection's next stock run pushes these variants' available quantity
 * even if it equals the last push (otherwise an available quantity that changes and comes back,
 * e.g. an order allocated and then more stock received, would leave the shop short until the
 * daily reconcile). Only the ordered item is marked, not other shop items sharing its SKU (when
 * the meta names no item: every link of the line's article). Runs in the transaction that imports
 * the order.
 */
export async function markShopStockChanged(
  db: Queryable,
  connectionId: string,
  lines: ShopStockLine[],
): Promise<void> {
  const mark = newId('chg')
  for (const line of lines) {
    if (!line.article_id) continue
    const links = () =>
      db
        .updateTable('article_links')
        .set({ shop_changed_mark: mark })
        .where('connection_id', '=', connectionId)
        .where('article_id', '=', line.article_id!)
        .where('stock_tracked', '=', 1)
    const item = shopItemOf(parseJson<Record<string, unknown>>(line.platform_meta, {}))
    if (item.variantId || item.productId) {
      const narrowed = await (item.variantId
        ? links().where('variant_id', '=', item.variantId)
        : links().where('product_id', '=', item.productId!).where('variant_id', 'is', null)
      ).executeTakeFirst()
      if (Number(narrowed.numUpdatedRows) > 0) continue
    }
    await links().execute()
  }
}
