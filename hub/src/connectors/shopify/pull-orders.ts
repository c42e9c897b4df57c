/**
 * Orders: the seed's filters (financial status, fulfilment status, open) plus the owner's additions,
 * and cancelled orders (so a cancellation in Shopify reaches the warehouse), updated in a frozen
 * window with explicit UTC offsets. First run looks back `first_run_lookback_hours`.
 * Docs: https://shopify.dev/docs/api/admin-graphql/latest/queries/orders ,
 * https://shopify.dev/docs/api/usage/search-syntax
 */
import type { OrderInput, RecordIssue } from '../../domain/types.ts'
import type { Checkpoint, PullBatch } from '../../sync/connector.ts'
import { describeShapeError } from '../../util/shape.ts'
import type { ShopifyClient, ShopifyRuntime } from './client.ts'
import { matchesFilters, type OrderFilters, toOrderInput } from './map-order.ts'
import { fulfillmentOrderSchema, orderSchema, type RawFulfillmentOrder } from './payloads.ts'
import {
  ORDER_FULFILLMENT_ORDERS_QUERY,
  ORDER_PAGE_SIZE,
  ORDERS_BY_ID_QUERY,
  ORDERS_QUERY,
} from './queries.ts'
import {
  clientFor,
  overlapped,
  type Page,
  requireLocation,
  type ShopifyContext,
  searchDate,
} from './shared.ts'

interface OrderCheckpoint {
  since: string
  windowEnd?: string
  cursor?: string | null
}

export function filtersOf(ctx: ShopifyContext): OrderFilters {
  return {
    financial_statuses: ctx.settings.financial_statuses ?? ['authorized', 'paid'],
    fulfillment_statuses: ctx.settings.fulfillment_statuses ?? ['unfulfilled', 'partial'],
    order_status: ctx.settings.order_status ?? 'open',
  }
}

/** The search string: the window, then (the filters) OR cancelled. */
export function orderSearch(f: OrderFilters, since: string, until: string): string {
  const any = (field: string, values: string[]) =>
    `(${values.map((v) => `${field}:${v}`).join(' OR ')})`
  const wanted = [
    any('financial_status', f.financial_statuses),
    any('fulfillment_status', f.fulfillment_statuses),
    ...(f.order_status === 'open' ? ['status:open'] : []),
  ].join(' AND ')
  return `updated_at:>'${since}' AND updated_at:<='${until}' AND (${wanted} OR status:cancelled)`
}

async function mapOrders(
  ctx: ShopifyContext,
  client: ShopifyClient,
  nodes: unknown[],
  filters: OrderFilters,
): Promise<{ records: OrderInput[]; issues: RecordIssue[] }> {
  const locationId = requireLocation(ctx)
  const records: OrderInput[] = []
  const issues: RecordIssue[] = []
  for (const raw of nodes) {
    if (!raw || typeof raw !== 'object' || !('id' in raw)) continue
    const parsed = orderSchema.safeParse(raw)
    if (!parsed.success) {
      const { id, name } = raw as { id?: unknown; name?: unknown }
      const label = typeof name === 'string' ? name.replace(/^#/, '') : String(id)
      issues.push({
        code: 'unreadable_order',
        message: `Order ${label} could not be read: ${describeShapeError(parsed.error)}`,
        platformRef: typeof id === 'string' ? id : null,
      })
      continue
    }
    const o = parsed.data
    if (!o.cancelledAt && !matchesFilters(o, filters)) continue
    let fos: RawFulfillmentOrder[] | undefined
    const truncated =
      o.fulfillmentOrders.pageInfo?.hasNextPage ||
      o.fulfillmentOrders.nodes.some((fo) => fo.lineItems.pageInfo?.hasNextPage)
    if (truncated) {
      const data = await client.request<{
        order: { fulfillmentOrders: { nodes: unknown[] } } | null
      }>(ORDER_FULFILLMENT_ORDERS_QUERY, { id: o.id })
      fos = (data.order?.fulfillmentOrders.nodes ?? []).flatMap((n) => {
        const p = fulfillmentOrderSchema.safeParse(n)
        return p.success ? [p.data] : []
      })
    }
    const { order } = toOrderInput(o, { locationId, ...(fos ? { fulfillmentOrders: fos } : {}) })
    if (order) records.push(order)
  }
  return { records, issues }
}

export async function* pullOrders(
  ctx: ShopifyContext,
  rt: ShopifyRuntime,
  from: Checkpoint,
): AsyncGenerator<PullBatch<OrderInput>> {
  requireLocation(ctx)
  const client = clientFor(ctx, rt)
  const filters = filtersOf(ctx)
  const prior = from as OrderCheckpoint | null
  const lookbackMs = (ctx.settings.first_run_lookback_hours ?? 24) * 3_600_000
  const cp: OrderCheckpoint = prior?.windowEnd
    ? { ...prior }
    : {
        since: prior?.since ?? searchDate(rt.now() - lookbackMs),
        windowEnd: searchDate(rt.now()),
        cursor: null,
      }
  const query = orderSearch(filters, prior?.since ? overlapped(cp.since) : cp.since, cp.windowEnd!)
  for (;;) {
    const data = await client.request<{ orders: Page<unknown> }>(ORDERS_QUERY, {
      first: ORDER_PAGE_SIZE,
      after: cp.cursor ?? null,
      query,
    })
    const { records, issues } = await mapOrders(ctx, client, data.orders.nodes, filters)
    const more = data.orders.pageInfo.hasNextPage
    cp.cursor = more ? data.orders.pageInfo.endCursor : null
    yield {
      records,
      issues,
      checkpoint: more ? { ...cp } : { since: cp.windowEnd },
    }
    if (!more) return
  }
}

/** Webhook-triggered: fetch these orders now (the API is the truth; the payload is a trigger). */
export async function fetchOrders(
  ctx: ShopifyContext,
  rt: ShopifyRuntime,
  ids: string[],
): Promise<PullBatch<OrderInput>> {
  const client = clientFor(ctx, rt)
  const filters = filtersOf(ctx)
  const records: OrderInput[] = []
  const issues: RecordIssue[] = []
  const unique = [...new Set(ids)]
  for (let i = 0; i < unique.length; i += ORDER_PAGE_SIZE) {
    const data = await client.request<{ nodes: unknown[] }>(ORDERS_BY_ID_QUERY, {
      ids: unique.slice(i, i + ORDER_PAGE_SIZE),
    })
    const mapped = await mapOrders(ctx, client, data.nodes.filter(Boolean), filters)
    records.push(...mapped.records)
    issues.push(...mapped.issues)
  }
  return { records, issues, checkpoint: null }
}
