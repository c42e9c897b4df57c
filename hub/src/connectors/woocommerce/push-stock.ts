/**
 * Stock levels → WooCommerce through the batch endpoints (≤ 100 items per call), and the daily
 * reconcile's read of the shop's quantities with as few list calls as possible.
 * A repeated attempt first reads what the shop already has and sends only the items not yet at
 * their target, so batches applied before their answer was lost are not sent again.
 * Docs: https://woocommerce.github.io/woocommerce-rest-api-docs/#batch-update-products
 *       https://woocommerce.github.io/woocommerce-rest-api-docs/#batch-update-product-variations
 */
import type { DeliveryOutcome, OutboxWrite, StockTarget } from '../../sync/connector.ts'
import { type WooClient, type WooCtx, writeOutcome } from './client.ts'
import { batchResultSchema, parseEach, productSchema, variationSchema } from './payloads.ts'

const BATCH = 100

/** Group targets into batch calls: products, and variations per parent (pure). */
export function stockBatches(
  items: Array<Pick<StockTarget, 'productId' | 'variantId' | 'quantity'>>,
): Array<{ endpoint: string; update: Array<{ id: number; stock_quantity: number }> }> {
  const groups = new Map<string, Array<{ id: number; stock_quantity: number }>>()
  for (const t of items) {
    const endpoint = t.variantId ? `products/${t.productId}/variations/batch` : 'products/batch'
    const id = Number(t.variantId ?? t.productId)
    let list = groups.get(endpoint)
    if (!list) groups.set(endpoint, (list = []))
    list.push({ id, stock_quantity: Math.max(0, Math.trunc(t.quantity)) })
  }
  const out: Array<{ endpoint: string; update: Array<{ id: number; stock_quantity: number }> }> = []
  for (const [endpoint, update] of groups)
    for (let i = 0; i < update.length; i += BATCH)
      out.push({ endpoint, update: update.slice(i, i + BATCH) })
  return out
}

export async function pushStock(
  ctx: WooCtx,
  client: WooClient,
  write: OutboxWrite,
): Promise<DeliveryOutcome> {
  let items = (write.payload?.items ?? []) as StockTarget[]
  if (write.attempt > 1 && items.length) {
    // An earlier attempt may have been applied with its answer lost (cut off, reset, a crash):
    // read what the shop has and send only the items not yet at their target.
    try {
      const have = await readStock(ctx, client, items)
      items = items.filter((t) => have.get(t.linkId) !== Math.max(0, Math.trunc(t.quantity)))
    } catch (err) {
      return writeOutcome(err, 'reading stock before a repeated update')
    }
    if (!items.length) return { status: 'done', result: { items: 0, already_in_shop: true } }
  }
  const rejected: string[] = []
  for (const batch of stockBatches(items)) {
    try {
      const res = await client.write('post', batch.endpoint, { update: batch.update })
      const parsed = batchResultSchema.safeParse(res.data)
      for (const item of parsed.success ? parsed.data.update : [])
        if (item.error)
          rejected.push(`${batch.endpoint} id ${item.id ?? '?'}: ${item.error.message}`)
    } catch (err) {
      return writeOutcome(err, `setting stock (${batch.endpoint})`)
    }
  }
  if (rejected.length) {
    // The rest of the batch was applied; these items are reported, not retried forever.
    ctx.log.warn({ rejected }, 'WooCommerce rejected some stock updates')
    return { status: 'done', result: { rejected } }
  }
  return { status: 'done', result: { items: items.length } }
}

/** The shop's own quantities per link, for the daily reconcile (null = not managed). */
export async function readStock(
  _ctx: WooCtx,
  client: WooClient,
  targets: StockTarget[],
): Promise<Map<string, number | null>> {
  const out = new Map<string, number | null>()
  const simple = targets.filter((t) => !t.variantId)
  for (let i = 0; i < simple.length; i += BATCH) {
    const chunk = simple.slice(i, i + BATCH)
    // Docs: https://woocommerce.github.io/woocommerce-rest-api-docs/#list-all-products (include=)
    const res = await client.get<unknown[]>('products', {
      include: chunk.map((t) => t.productId).join(','),
      per_page: BATCH,
      status: 'any',
    })
    const byId = new Map(parseEach(productSchema, res.data).ok.map((p) => [String(p.id), p]))
    for (const t of chunk) {
      const p = byId.get(t.productId)
      out.set(t.linkId, p && p.manage_stock === true ? (p.stock_quantity ?? 0) : null)
    }
  }
  const byParent = new Map<string, StockTarget[]>()
  for (const t of targets.filter((t) => t.variantId)) {
    let list = byParent.get(t.productId)
    if (!list) byParent.set(t.productId, (list = []))
    list.push(t)
  }
  for (const [parent, list] of byParent) {
    for (let i = 0; i < list.length; i += BATCH) {
      const chunk = list.slice(i, i + BATCH)
      // Docs: https://woocommerce.github.io/woocommerce-rest-api-docs/#list-all-product-variations
      const res = await client.get<unknown[]>(`products/${parent}/variations`, {
        include: chunk.map((t) => t.variantId).join(','),
        per_page: BATCH,
      })
      const byId = new Map(parseEach(variationSchema, res.data).ok.map((v) => [String(v.id), v]))
      for (const t of chunk) {
        const v = byId.get(t.variantId ?? '')
        out.set(t.linkId, v && v.manage_stock === true ? (v.stock_quantity ?? 0) : null)
      }
    }
  }
  return out
}
