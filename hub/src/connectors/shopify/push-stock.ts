/**
 * Stock: set `available` at the connection's location only, ≤ 250 quantities per call. A repeated
 * attempt first reads what the shop already has (by item id), so a set whose answer was lost is
 * not sent twice. Items not yet stocked at the
 * location are activated there (ITEM_NOT_STOCKED_AT_LOCATION) and the batch is sent again.
 * Pinned 2026-10: every quantity carries `changeFromQuantity` (null = no compare-and-set).
 * Docs: https://shopify.dev/docs/api/admin-graphql/latest/mutations/inventorySetQuantities ,
 * https://shopify.dev/docs/api/admin-graphql/latest/mutations/inventoryActivate
 */
import type { DeliveryOutcome, OutboxWrite, StockTarget } from '../../sync/connector.ts'
import { type ShopifyRuntime, type UserError, userErrorReason } from './client.ts'
import {
  INVENTORY_ACTIVATE,
  INVENTORY_SET_QUANTITIES,
  ITEM_LEVELS_BATCH,
  ITEM_LEVELS_QUERY,
  LEVEL_PAGE_SIZE,
  LOCATION_LEVELS_QUERY,
} from './queries.ts'
import { clientFor, type Page, requireLocation, type ShopifyContext } from './shared.ts'

interface SetResult {
  inventorySetQuantities: {
    inventoryAdjustmentGroup: { id: string } | null
    userErrors: UserError[]
  }
}

export async function pushStock(
  ctx: ShopifyContext,
  rt: ShopifyRuntime,
  write: OutboxWrite,
): Promise<DeliveryOutcome> {
  const locationId = requireLocation(ctx)
  const client = clientFor(ctx, rt)
  const payload = write.payload as { items: StockTarget[]; plan_id: string }
  let items = payload.items.filter((t) => t.inventoryItemId)
  const skipped: string[] = payload.items
    .filter((t) => !t.inventoryItemId)
    .map((t) => t.articleNumber)
  if (write.attempt > 1 && items.length) {
    // An earlier attempt may have been applied with its answer lost (cut off, reset, a crash):
    // read the levels and send only the items not yet at their target.
    const have = await readStock(ctx, rt, items)
    items = items.filter((t) => have.get(t.linkId) !== Math.max(0, t.quantity))
    if (!items.length) return { status: 'done', result: { set: 0, skipped, already_in_shop: true } }
  }
  const activated = new Set<string>()
  for (let round = 0; round < 3 && items.length; round++) {
    const res = await client.request<SetResult>(INVENTORY_SET_QUANTITIES, {
      input: {
        name: 'available',
        reason: 'correction',
        referenceDocumentUri: `dockhand://stock/${payload.plan_id}`,
        quantities: items.map((t) => ({
          inventoryItemId: t.inventoryItemId,
          locationId,
          quantity: Math.max(0, t.quantity),
          changeFromQuantity: null,
        })),
      },
    })
    const errors = res.inventorySetQuantities.userErrors
    if (!errors.length) return { status: 'done', result: { set: items.length, skipped } }
    const at = (e: UserError) => {
      const i = Number(e.field?.[2])
      return Number.isInteger(i) ? items[i] : undefined
    }
    const notStocked = errors.filter((e) => e.code === 'ITEM_NOT_STOCKED_AT_LOCATION')
    const untracked = errors.filter((e) => e.code === 'NON_MUTABLE_INVENTORY_ITEM')
    const other = errors.filter((e) => !notStocked.includes(e) && !untracked.includes(e))
    if (other.length)
      return {
        status: 'failed',
        reason: `Shopify refused the stock update: ${userErrorReason(other)}`,
      }
    for (const e of notStocked) {
      const t = at(e)
      if (!t?.inventoryItemId || activated.has(t.inventoryItemId)) continue
      const act = await client.request<{ inventoryActivate: { userErrors: UserError[] } }>(
        INVENTORY_ACTIVATE,
        { inventoryItemId: t.inventoryItemId, locationId },
      )
      const reason = userErrorReason(act.inventoryActivate.userErrors)
      if (reason)
        return {
          status: 'failed',
          reason: `Shopify would not stock ${t.articleNumber} at the connection's location: ${reason}`,
        }
      activated.add(t.inventoryItemId)
    }
    // "Track quantity" is off for these variants: Shopify will not take a quantity for them.
    const drop = new Set(untracked.map(at).filter(Boolean))
    for (const t of drop) skipped.push(t!.articleNumber)
    items = items.filter((t) => !drop.has(t))
  }
  if (!items.length) return { status: 'done', result: { set: 0, skipped } }
  return { status: 'retry', reason: 'Shopify kept refusing part of the stock batch; will retry' }
}

/**
 * The location's available quantity per link (null: not stocked there). A few targets (a retried
 * stock write) are read by id; many (the daily reconcile) by paging through the location's levels,
 * which takes fewer calls once most of the location's items are asked for.
 */
export async function readStock(
  ctx: ShopifyContext,
  rt: ShopifyRuntime,
  targets: StockTarget[],
): Promise<Map<string, number | null>> {
  const locationId = requireLocation(ctx)
  const client = clientFor(ctx, rt)
  const levels = new Map<string, number>()
  const ids = [...new Set(targets.flatMap((t) => (t.inventoryItemId ? [t.inventoryItemId] : [])))]
  if (ids.length <= 2 * ITEM_LEVELS_BATCH) {
    for (let i = 0; i < ids.length; i += ITEM_LEVELS_BATCH) {
      const data: {
        nodes: Array<{
          id?: string
          inventoryLevel?: { quantities: Array<{ name: string; quantity: number }> } | null
        } | null>
      } = await client.request(ITEM_LEVELS_QUERY, {
        ids: ids.slice(i, i + ITEM_LEVELS_BATCH),
        locationId,
      })
      for (const n of data.nodes)
        if (n?.id && n.inventoryLevel)
          levels.set(
            n.id,
            n.inventoryLevel.quantities.find((q) => q.name === 'available')?.quantity ?? 0,
          )
    }
    return new Map(
      targets.map((t) => [
        t.linkId,
        t.inventoryItemId ? (levels.get(t.inventoryItemId) ?? null) : null,
      ]),
    )
  }
  let after: string | null = null
  for (;;) {
    const data: {
      location: {
        inventoryLevels: Page<{
          item: { id: string }
          quantities: Array<{ name: string; quantity: number }>
        }>
      } | null
    } = await client.request(LOCATION_LEVELS_QUERY, {
      id: locationId,
      first: LEVEL_PAGE_SIZE,
      after,
    })
    if (!data.location) break
    for (const n of data.location.inventoryLevels.nodes)
      levels.set(n.item.id, n.quantities.find((q) => q.name === 'available')?.quantity ?? 0)
    if (!data.location.inventoryLevels.pageInfo.hasNextPage) break
    after = data.location.inventoryLevels.pageInfo.endCursor
  }
  return new Map(
    targets.map((t) => [
      t.linkId,
      t.inventoryItemId ? (levels.get(t.inventoryItemId) ?? null) : null,
    ]),
  )
}
