/**
 * Orders (v2), one list per status, each walked oldest change first with `min_date_modified`:
 * - the pull statuses (default 11 "Awaiting Fulfillment"): imported; on the first pass all of them;
 * - the after-pull status (default 9): changes made after the hub started flow in as updates;
 * - 5 Cancelled: cancellations (no extra calls; orders the hub never imported are skipped).
 * The import and update lists ask for `include=consignments.line_items&consignment_structure=object`,
 * so each order arrives with its lines and shipping addresses and costs no further call; only an
 * order whose consignments do not carry them (see `fromConsignments`) costs two more calls: its
 * products and its shipping addresses.
 * v2 answers 204 with no body for an empty page. The checkpoint per status is the newest
 * `date_modified` handled plus the ids seen at that second (v2 dates have second resolution), so
 * nothing is fetched twice and nothing is skipped.
 */
import type { OrderInput, RecordIssue } from '../../domain/types.ts'
import type { Checkpoint, ConnectorContext, PullBatch } from '../../sync/connector.ts'
import { describeShapeError } from '../../util/shape.ts'
import { type BcClient, BcError } from './client.ts'
import { CANCELLED_STATUS_IDS, fromConsignments, mapOrder, parseBcDate } from './map-order.ts'
import {
  type BcOrder,
  consignmentsSchema,
  orderProductSchema,
  orderSchema,
  shippingAddressSchema,
} from './payloads.ts'
import { settingsOf } from './settings.ts'

/** v2 order lists take up to 250 per page (limit). */
const PAGE = 250
const CANCEL_SCANS = [5]

interface OrdersCheckpoint {
  started_at: string
  since: Record<string, string | null>
  boundary: Record<string, Record<string, string>>
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const pad = (n: number) => String(n).padStart(2, '0')

/** ISO → RFC 2822, the date format of the v2 API. */
export function rfc2822(iso: string): string {
  const d = new Date(iso)
  return `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`
}

/**
 * Orders with their consignments, lines included (spec parameters `order_includes` and
 * `consignment_structure`): `GET /v2/orders` and `GET /v2/orders/{id}` then carry what
 * `/products` and `/shipping_addresses` would answer.
 */
export const WITH_CONSIGNMENTS = {
  include: 'consignments.line_items',
  consignment_structure: 'object',
} as const

/**
 * Map an order, its lines and shipping addresses taken from the consignments the order was
 * read with; fetch them when those are missing, not expanded, empty, incomplete or not of the
 * documented shape (the fetch then reports what is wrong, by the same rules as ever). A line or
 * address that does not have the documented shape makes the order unreadable (reported on the
 * run), not the whole pull.
 */
export async function loadOrder(
  client: BcClient,
  raw: BcOrder,
): Promise<{ order: OrderInput; issues: RecordIssue[] } | { unreadable: RecordIssue }> {
  const consignments = consignmentsSchema.safeParse(raw.consignments)
  const carried = consignments.success ? fromConsignments(raw, consignments.data) : null
  if (carried) return mapOrder(raw, carried.products, carried.addresses)
  // https://developer.bigcommerce.com/docs/rest-management/orders/order-products#list-order-products
  const products = await client.listV2(`/orders/${raw.id}/products`)
  // https://developer.bigcommerce.com/docs/rest-management/orders/order-shipping-addresses
  const addresses = await client.listV2(`/orders/${raw.id}/shipping_addresses`)
  const lines = products.map((p) => orderProductSchema.safeParse(p))
  const places = addresses.map((a) => shippingAddressSchema.safeParse(a))
  const badLine = lines.findIndex((p) => !p.success)
  const badPlace = places.findIndex((a) => !a.success)
  const bad = badLine >= 0 ? lines[badLine] : badPlace >= 0 ? places[badPlace] : null
  if (bad && !bad.success)
    return {
      unreadable: unreadableOrder(
        raw.id,
        describeShapeError(
          bad.error,
          badLine >= 0 ? `products.${badLine}` : `shipping_addresses.${badPlace}`,
        ),
      ),
    }
  return mapOrder(
    raw,
    lines.flatMap((p) => (p.success ? [p.data] : [])),
    places.flatMap((a) => (a.success ? [a.data] : [])),
  )
}

function unreadableOrder(id: unknown, reason: string): RecordIssue {
  return {
    code: 'unreadable_order',
    message: `Order ${String(id ?? '?')} could not be read: ${reason}`,
    platformRef: id === undefined || id === null ? null : String(id),
  }
}

export async function* pullOrders(
  ctx: ConnectorContext,
  client: BcClient,
  from: Checkpoint,
): AsyncGenerator<PullBatch<OrderInput>> {
  const settings = settingsOf(ctx)
  const cp: OrdersCheckpoint = {
    started_at: (from?.started_at as string | undefined) ?? ctx.now().toISOString(),
    since: { ...((from?.since as Record<string, string | null> | undefined) ?? {}) },
    boundary: { ...((from?.boundary as OrdersCheckpoint['boundary'] | undefined) ?? {}) },
  }
  const pull = [...new Set(settings.pull_status_ids)]
  const scans: Array<{ status: number; mode: 'import' | 'update' | 'cancel' }> = [
    ...pull.map((status) => ({ status, mode: 'import' as const })),
  ]
  if (!pull.includes(settings.after_pull_status_id))
    scans.push({ status: settings.after_pull_status_id, mode: 'update' })
  for (const status of CANCEL_SCANS)
    if (!pull.includes(status)) scans.push({ status, mode: 'cancel' })

  for (const scan of scans) {
    const key = String(scan.status)
    const since = cp.since[key] ?? (scan.mode === 'import' ? null : cp.started_at)
    const seen = cp.boundary[key] ?? {}
    let newest = since
    let atNewest: Record<string, string> = { ...seen }
    // Keyset, not page numbers: the status write-back (11 → 9) takes imported orders out of this
    // list while it is being read, so page n + 1 of the shrinking list would skip orders. Each
    // request starts at the newest date handled (skipping the ids handled at that second); only
    // a full page that adds nothing newer (more orders in one second than a page) moves on to
    // the next page of that second.
    let from = since
    let skip: Record<string, string> = { ...seen }
    let page = 1
    for (;;) {
      // https://developer.bigcommerce.com/docs/rest-management/orders#get-all-orders
      const res = await client.get<unknown[]>('v2', '/orders', {
        status_id: scan.status,
        min_date_modified: from ? rfc2822(from) : undefined,
        sort: 'date_modified:asc',
        limit: PAGE,
        page,
        // Cancellations need no lines.
        ...(scan.mode === 'cancel' ? {} : WITH_CONSIGNMENTS),
      })
      const rows = res.status === 204 || !Array.isArray(res.body) ? [] : res.body
      const records: OrderInput[] = []
      const issues: RecordIssue[] = []
      for (const row of rows) {
        const parsed = orderSchema.safeParse(row)
        if (!parsed.success) {
          issues.push(
            unreadableOrder((row as { id?: unknown })?.id, describeShapeError(parsed.error)),
          )
          continue
        }
        const raw = parsed.data
        const modified = parseBcDate(raw.date_modified) ?? cp.started_at
        const id = String(raw.id)
        if (skip[id] === modified) continue
        if (scan.mode === 'cancel') {
          records.push({ ...mapOrder(raw, [], []).order, updateOnly: true })
        } else {
          try {
            const mapped = await loadOrder(client, raw)
            if ('unreadable' in mapped) issues.push(mapped.unreadable)
            else {
              // Orders in the after-pull status are read for changes only: one the merchant
              // moved there by hand was never pulled, and is not imported now.
              records.push(
                scan.mode === 'update' ? { ...mapped.order, updateOnly: true } : mapped.order,
              )
              issues.push(...mapped.issues)
            }
          } catch (err) {
            if (!(err instanceof BcError) || err.transient) throw err
            issues.push({
              code: 'order_fetch_failed',
              message: `Order ${id}: ${err.reason}`,
              platformRef: id,
            })
          }
        }
        if (!newest || modified > newest) {
          newest = modified
          atNewest = {}
        }
        if (modified === newest) atNewest[id] = modified
      }
      cp.since[key] = newest
      cp.boundary[key] = atNewest
      yield {
        records,
        issues,
        checkpoint: { ...cp, since: { ...cp.since }, boundary: { ...cp.boundary } },
      }
      if (rows.length < PAGE) break
      if (newest !== from) {
        from = newest
        skip = { ...atNewest }
        page = 1
      } else page++
    }
  }
}

/** Webhook-triggered: fetch these orders now; only pull-status orders and cancellations count. */
export async function fetchOrders(
  ctx: ConnectorContext,
  client: BcClient,
  ids: string[],
): Promise<PullBatch<OrderInput>> {
  const settings = settingsOf(ctx)
  const records: OrderInput[] = []
  const issues: RecordIssue[] = []
  for (const id of [...new Set(ids)]) {
    if (!/^\d+$/.test(id)) continue
    let res: Awaited<ReturnType<BcClient['get']>>
    try {
      // https://developer.bigcommerce.com/docs/rest-management/orders#get-an-order
      res = await client.get('v2', `/orders/${id}`, WITH_CONSIGNMENTS)
    } catch (err) {
      if (err instanceof BcError && err.status === 404) continue
      throw err
    }
    const parsed = orderSchema.safeParse(res.body)
    if (!parsed.success) {
      issues.push(unreadableOrder(id, describeShapeError(parsed.error)))
      continue
    }
    const raw = parsed.data
    if (CANCELLED_STATUS_IDS.includes(raw.status_id) || raw.is_deleted) {
      records.push(mapOrder(raw, [], []).order)
    } else if (settings.pull_status_ids.includes(raw.status_id)) {
      const mapped = await loadOrder(client, raw)
      if ('unreadable' in mapped) issues.push(mapped.unreadable)
      else {
        records.push(mapped.order)
        issues.push(...mapped.issues)
      }
    }
  }
  return { records, issues, checkpoint: null }
}
