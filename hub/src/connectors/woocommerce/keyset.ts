/**
 * Reading a collection "by modified time" without missing records when pages shift under us.
 *
 * Page numbers are fragile: WordPress stores modification times with 1-second resolution (many
 * ties), and an order changed while we page through moves to the end, shifting every later
 * record one slot forward — a page-number reader silently skips one. Instead each request asks for
 * `modified_after = <last modified seen> - 1s` (in GMT, `dates_are_gmt=true`, otherwise WooCommerce
 * reads the date in the store's local time) and `exclude`s the ids already read at that second,
 * ordered by `modified` ascending. A record changed mid-read simply reappears later.
 * `X-WP-Total` is compared with what a page returned: the pass ends only when the shop says
 * nothing is left beyond it (a short page with a larger total is re-read, not taken as the end).
 * A new pass starts `overlapSeconds` before the last change it saw (late saves can carry older
 * times), unless the shop's clock at the end of the last pass was already past that window: then
 * nothing can still appear in it, and the pass resumes exactly (a quiet shop costs one call).
 * Docs: https://woocommerce.github.io/woocommerce-rest-api-docs/#pagination
 */
import type { WooClient } from './client.ts'

export interface KeysetCursor {
  /** Last `date_modified_gmt` read (wall clock, UTC), or null before the first record. */
  since: string | null
  /** Ids already read whose modified time is exactly `since`. */
  ids: number[]
  /** True while a pass is under way (resume exactly); false when the pass completed. */
  inPass: boolean
}

export interface KeysetPage {
  items: unknown[]
  cursor: KeysetCursor
  total: number | null
  last: boolean
}

const PER_PAGE = 100
const MAX_REQUESTS = 5000

function shift(wall: string, seconds: number): string {
  const t = Date.parse(`${wall.slice(0, 19)}Z`) + seconds * 1000
  return new Date(t).toISOString().slice(0, 19)
}

export function asCursor(value: unknown): KeysetCursor | null {
  if (!value || typeof value !== 'object') return null
  const v = value as Partial<KeysetCursor>
  return {
    since: typeof v.since === 'string' ? v.since : null,
    ids: Array.isArray(v.ids) ? v.ids.filter((n) => typeof n === 'number') : [],
    inPass: v.inPass === true,
  }
}

export async function* readByModified(
  client: WooClient,
  endpoint: string,
  params: Record<string, unknown>,
  from: KeysetCursor | null,
  options: { overlapSeconds: number },
): AsyncGenerator<KeysetPage> {
  const floor = from?.since ?? null
  let since: string | null
  let ids: number[]
  if (from?.inPass) {
    since = from.since
    ids = [...from.ids]
  } else if (from?.since) {
    // A new pass re-reads a little overlap: cron-delayed saves can carry slightly older times.
    since = shift(from.since, -options.overlapSeconds)
    ids = []
  } else {
    since = null
    ids = []
  }
  for (let request = 0; request < MAX_REQUESTS; request++) {
    const query: Record<string, unknown> = {
      ...params,
      per_page: PER_PAGE,
      orderby: 'modified',
      order: 'asc',
      dates_are_gmt: true,
    }
    if (since) query.modified_after = shift(since, -1)
    if (ids.length) query.exclude = ids.join(',')
    const res = await client.get<unknown[]>(endpoint, query)
    const items = Array.isArray(res.data) ? res.data : []
    for (const raw of items) {
      const r = raw as { id?: unknown; date_modified_gmt?: unknown }
      const id = Number(r.id)
      const m = typeof r.date_modified_gmt === 'string' ? r.date_modified_gmt.slice(0, 19) : null
      if (!m || !Number.isFinite(id)) continue
      if (since === null || m > since) {
        since = m
        ids = [id]
      } else if (m === since && !ids.includes(id)) ids.push(id)
    }
    const last =
      items.length === 0 ||
      (res.total !== null ? res.total <= items.length : items.length < PER_PAGE)
    const finalSince = floor && (!since || floor > since) ? floor : since
    yield {
      items,
      cursor: last
        ? settled(since, finalSince, res.headers.date, options.overlapSeconds)
          ? // Nothing changed in the shop for longer than the overlap before this read (the
            // shop's own clock, its Date header): every record up to `since` was visible to it,
            // so the next pass resumes exactly here instead of re-reading the overlap.
            { since, ids, inPass: true }
          : { since: finalSince, ids: [], inPass: false }
        : { since, ids, inPass: true },
      total: res.total,
      last,
    }
    if (last) return
  }
  throw new Error(`gave up reading ${endpoint} after ${MAX_REQUESTS} requests`)
}

/** The last change read is older than the overlap at the shop's time of the read (pure). */
export function settled(
  since: string | null,
  finalSince: string | null,
  dateHeader: string | undefined,
  overlapSeconds: number,
): boolean {
  if (!since || since !== finalSince || !dateHeader) return false
  const shopNow = Date.parse(dateHeader)
  return Number.isFinite(shopNow) && shopNow - overlapSeconds * 1000 > Date.parse(`${since}Z`)
}
