/**
 * Stock (Inventory API, v3):
 * - `stock.set`: one absolute adjustment per batch (≤ 2,000 items, BigCommerce's maximum) at the
 *   connection's location, by `variant_id`, or by `product_id` where the product tracks inventory
 *   at product level. On a repeated attempt the current levels are read first and only items not
 *   yet at their target are written, so nothing is applied twice.
 * - A variant whose product now tracks inventory at product level is refused with 422 (or, on some
 *   stores, silently ignored): the refused items are left out and reported, the rest written.
 * - `readStock` (daily reconcile): the location's items, 250 per request, all of them.
 */
import type { DeliveryOutcome, OutboxWrite, StockTarget } from '../../sync/connector.ts'
import { type BcClient, BcError } from './client.ts'
import { outcomeOf } from './outcome.ts'
import { locationItemSchema, v3PageSchema } from './payloads.ts'

export const STOCK_BATCH = 2000
const READ_PAGE = 250

interface AdjustmentItem {
  location_id: number
  quantity: number
  variant_id?: number
  product_id?: number
}

function itemFor(t: StockTarget, locationId: number): AdjustmentItem | null {
  const quantity = Math.max(0, Math.min(2_147_483_647, Math.trunc(t.quantity)))
  const ref = t.inventoryItemId ?? ''
  if (ref.startsWith('product:'))
    return { location_id: locationId, product_id: Number(ref.slice(8)), quantity }
  const variant = ref.startsWith('variant:') ? ref.slice(8) : t.variantId
  if (!variant || !/^\d+$/.test(variant)) return null
  return { location_id: locationId, variant_id: Number(variant), quantity }
}

/** Current on-hand levels at a location for some variants (product-level items via their base variant). */
async function readLevels(
  client: BcClient,
  locationId: number,
  variantIds: number[],
): Promise<Map<number, number>> {
  const levels = new Map<number, number>()
  for (let i = 0; i < variantIds.length; i += READ_PAGE) {
    const ids = variantIds.slice(i, i + READ_PAGE)
    // https://developer.bigcommerce.com/docs/rest-management/inventory/items#get-inventory-at-a-location
    const res = await client.get('v3', `/inventory/locations/${locationId}/items`, {
      'variant_id:in': ids.join(','),
      limit: READ_PAGE,
    })
    for (const raw of v3PageSchema.parse(res.body ?? { data: [] }).data) {
      const item = locationItemSchema.safeParse(raw)
      if (!item.success || item.data.identity.variant_id == null) continue
      levels.set(item.data.identity.variant_id, item.data.total_inventory_onhand ?? 0)
    }
  }
  return levels
}

export async function pushStock(
  client: BcClient,
  write: OutboxWrite,
  locationId: number,
): Promise<DeliveryOutcome> {
  const targets = (write.payload as { items: StockTarget[] }).items
  let items: Array<{ t: StockTarget; item: AdjustmentItem }> = []
  const skipped: Array<{ article_number: string; reason: string }> = []
  for (const t of targets) {
    const item = itemFor(t, locationId)
    if (item) items.push({ t, item })
    else skipped.push({ article_number: t.articleNumber, reason: 'no BigCommerce variant id' })
  }
  try {
    if (write.attempt > 1 && items.length) {
      const levels = await readLevels(
        client,
        locationId,
        items.map(({ t }) => Number(t.variantId)).filter((n) => Number.isInteger(n)),
      )
      items = items.filter(({ t, item }) => levels.get(Number(t.variantId)) !== item.quantity)
    }
    for (let round = 0; items.length && round < 3; round++) {
      try {
        // https://developer.bigcommerce.com/docs/rest-management/inventory/adjustments#absolute-adjustment
        await client.write('PUT', 'v3', '/inventory/adjustments/absolute', {
          reason: 'Dockhand warehouse stock',
          items: items.map(({ item }) => item),
        })
        items = []
      } catch (err) {
        // 422 is all-or-nothing: nothing was applied. Leave out the items it names, send the rest.
        if (!(err instanceof BcError) || err.status !== 422) throw err
        const bad = new Set<number>()
        for (const [key, message] of Object.entries(err.fieldErrors)) {
          const m = /^items\.(\d+)/.exec(key)
          if (!m) continue
          const i = Number(m[1])
          if (items[i] && !bad.has(i)) {
            bad.add(i)
            skipped.push({ article_number: items[i].t.articleNumber, reason: message })
          }
        }
        if (!bad.size) throw err
        items = items.filter((_, i) => !bad.has(i))
      }
    }
    if (items.length)
      return { status: 'retry', reason: 'BigCommerce kept refusing items of this stock batch.' }
    return {
      status: 'done',
      result: { written: targets.length - skipped.length, ...(skipped.length ? { skipped } : {}) },
    }
  } catch (err) {
    return outcomeOf(err)
  }
}

/** Daily reconcile: every item at the location, as few requests as the page size allows. */
export async function readStock(
  client: BcClient,
  targets: StockTarget[],
  locationId: number,
): Promise<Map<string, number | null>> {
  const levels = new Map<number, number>()
  if (targets.length) {
    for (let page = 1; ; page++) {
      // https://developer.bigcommerce.com/docs/rest-management/inventory/items#get-inventory-at-a-location
      const res = await client.get('v3', `/inventory/locations/${locationId}/items`, {
        limit: READ_PAGE,
        page,
      })
      const body = v3PageSchema.parse(res.body ?? { data: [] })
      for (const raw of body.data) {
        const item = locationItemSchema.safeParse(raw)
        if (!item.success || item.data.identity.variant_id == null) continue
        levels.set(item.data.identity.variant_id, item.data.total_inventory_onhand ?? 0)
      }
      const totalPages = body.meta?.pagination?.total_pages ?? page
      if (page >= totalPages || body.data.length < READ_PAGE) break
    }
  }
  const out = new Map<string, number | null>()
  for (const t of targets) {
    const v = Number(t.variantId)
    out.set(t.linkId, Number.isInteger(v) ? (levels.get(v) ?? null) : null)
  }
  return out
}
