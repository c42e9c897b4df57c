/**
 * A warehouse shipment → WooCommerce: tracking (Shipment Tracking extension or an order note),
 * one note per shipment, and `completed` once everything is shipped (on shipment, or only when a
 * tracking number exists — the seed's default).
 *
 * Shipment Tracking extension (`tracking_via: 'shipment_tracking'`): one tracking item per shipment
 * with a tracking number. A carrier the extension knows (its providers list, matched as it matches
 * them, by sanitised title) is sent as `tracking_provider`, so the extension builds its own link and
 * shows its own name; any other carrier as `custom_tracking_provider` + `custom_tracking_link` (the
 * warehouse's URL). The note per shipment is still written (without the tracking, which the
 * extension shows). If the setting says installed but the shop answers 404 `rest_no_route`, the
 * extension is not (or no longer) active: the tracking goes into the note as if `tracking_via` were
 * `notes` (the customer still gets it), the write's result says why, and "Test connection" reports
 * the mismatch — refusing the shipment would leave the order uncompleted for a settings mistake.
 *
 * Not idempotent at the platform: notes and tracking items are created by POST. Every note carries
 * a short marker derived from the outbox idempotency key; on a retry (attempt > 1) the notes,
 * tracking items and order status are read first and only what is missing is written.
 */
import { createHash } from 'node:crypto'
import type { DeliveryOutcome, OutboxWrite } from '../../sync/connector.ts'
import { type WooClient, type WooCtx, WooError, writeOutcome } from './client.ts'
import { noteSchema, parseEach, trackingSchema } from './payloads.ts'

export const TRACKING_NAMESPACE = 'wc-shipment-tracking/v3'

export interface FulfilmentPayload {
  external_order_id: string
  order_number: string
  shipment_id: string
  lines: Array<{
    external_line_id: string | null
    article_number: string | null
    quantity: number
    meta?: Record<string, unknown>
  }>
  tracking: { number: string | null; carrier: string | null; url: string | null } | null
  all_shipped: boolean
  order_meta?: { order_id?: number }
}

/** WordPress `sanitize_title` as far as carrier names need it (pure). */
export function sanitizeTitle(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
}

/**
 * The extension's provider name for a carrier, from its providers list
 * (`{country: {name: urlFormat}}`), or null when it is not a known provider (pure).
 */
export function knownProvider(carrier: string | null, providers: unknown): string | null {
  if (!carrier || !providers || typeof providers !== 'object') return null
  const wanted = sanitizeTitle(carrier)
  if (!wanted) return null
  for (const byCountry of Object.values(providers as Record<string, unknown>))
    if (byCountry && typeof byCountry === 'object')
      for (const name of Object.keys(byCountry)) if (sanitizeTitle(name) === wanted) return name
  return null
}

/** The body of a tracking item for the Shipment Tracking extension (pure). */
export function trackingItemBody(
  tracking: { number: string; carrier: string | null; url: string | null },
  provider: string | null,
): Record<string, string> {
  if (provider) return { tracking_number: tracking.number, tracking_provider: provider }
  return {
    tracking_number: tracking.number,
    custom_tracking_provider: tracking.carrier ?? 'Carrier',
    custom_tracking_link: tracking.url ?? '',
  }
}

const notInstalled = (err: unknown) => err instanceof WooError && err.code === 'rest_no_route'

export const EXTENSION_MISSING =
  "The settings say the Shipment Tracking extension is installed, but the shop has no Shipment Tracking API (404 rest_no_route): the tracking was written as an order note instead. Install/activate the extension, or set tracking_via to 'notes'."

/** `[dockhand:3f2a9c1b7d4e]`: short, stable per outbox write, searchable in notes and reasons. */
export function marker(idempotencyKey: string): string {
  return `[dockhand:${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 12)}]`
}

export function shopOrderId(p: { external_order_id: string; order_meta?: { order_id?: number } }) {
  return String(p.order_meta?.order_id ?? p.external_order_id)
}

/** The note text for one shipment (pure). */
export function shipmentNote(
  p: FulfilmentPayload,
  tag: string,
  withTracking: boolean,
  complete: boolean,
): string {
  const lines = p.lines
    .map((l) => `${l.quantity} × ${l.article_number ?? `line ${l.external_line_id ?? '?'}`}`)
    .join(', ')
  const head = complete || p.all_shipped ? 'Shipped' : 'Partly shipped'
  const t = p.tracking
  const tracking =
    withTracking && t && (t.number || t.url)
      ? ` Tracking${t.carrier ? ` (${t.carrier})` : ''}: ${[t.number, t.url].filter(Boolean).join(' ')}.`
      : ''
  return `${head}: ${lines}.${tracking} ${tag}`
}

export async function pushFulfilment(
  ctx: WooCtx,
  client: WooClient,
  write: OutboxWrite,
): Promise<DeliveryOutcome> {
  const p = write.payload as FulfilmentPayload
  const s = ctx.settings
  const orderId = shopOrderId(p)
  const tag = marker(write.idempotencyKey)
  const tracking =
    s.send_tracking && p.tracking && (p.tracking.number || p.tracking.url) ? p.tracking : null
  let useExtension = !!tracking?.number && s.tracking_via === 'shipment_tracking'
  const complete =
    s.complete_orders && p.all_shipped && (s.complete_when === 'shipment' || !!p.tracking?.number)
  const result: Record<string, unknown> = {}

  let noteDone = false
  let trackingDone = false
  let statusDone = false
  try {
    if (write.attempt > 1) {
      // Docs: https://woocommerce.github.io/woocommerce-rest-api-docs/#list-all-order-notes
      const notes = await client.get<unknown[]>(`orders/${orderId}/notes`, { type: 'any' })
      noteDone = parseEach(noteSchema, notes.data).ok.some((n) => n.note.includes(tag))
      if (useExtension) {
        // Docs: https://woocommerce.com/document/shipment-tracking/shipment-tracking-rest-api-create-tracking-item/
        try {
          const items = await client.get<unknown[]>(
            `orders/${orderId}/shipment-trackings`,
            {},
            TRACKING_NAMESPACE,
          )
          trackingDone = parseEach(trackingSchema, items.data).ok.some(
            (t) => t.tracking_number === tracking?.number,
          )
        } catch (err) {
          if (!notInstalled(err)) throw err
          useExtension = false
        }
      }
      if (complete) {
        // Docs: https://woocommerce.github.io/woocommerce-rest-api-docs/#retrieve-an-order
        const order = await client.get<{ status?: string }>(`orders/${orderId}`)
        statusDone = order.data?.status === 'completed'
      }
    }
  } catch (err) {
    return writeOutcome(err, `checking order ${p.order_number} before writing again`)
  }

  if (useExtension && tracking?.number && !trackingDone) {
    let provider: string | null = null
    try {
      if (tracking.carrier) {
        // Docs: https://woocommerce.com/document/shipment-tracking/#rest-api (providers list)
        const list = await client.get('shipment-trackings/providers', {}, TRACKING_NAMESPACE)
        provider = knownProvider(tracking.carrier, list.data)
      }
      // Docs: https://woocommerce.com/document/shipment-tracking/shipment-tracking-rest-api-create-tracking-item/
      await client.write(
        'post',
        `orders/${orderId}/shipment-trackings`,
        trackingItemBody({ ...tracking, number: tracking.number }, provider),
        TRACKING_NAMESPACE,
      )
      result.tracking = provider ? `shipment_tracking (${provider})` : 'shipment_tracking (custom)'
    } catch (err) {
      if (notInstalled(err)) {
        useExtension = false
        result.tracking_fallback = EXTENSION_MISSING
        ctx.log.warn({ order: p.order_number }, EXTENSION_MISSING)
      } else return writeOutcome(err, `adding tracking to order ${p.order_number}`)
    }
  }

  if (!noteDone) {
    const trackingInNote = !!tracking && !useExtension
    try {
      // Docs: https://woocommerce.github.io/woocommerce-rest-api-docs/#create-an-order-note
      await client.write('post', `orders/${orderId}/notes`, {
        note: shipmentNote(p, tag, trackingInNote, complete),
        customer_note: trackingInNote && s.tracking_note_customer_visible,
      })
      result.note = true
    } catch (err) {
      return writeOutcome(err, `adding the shipment note to order ${p.order_number}`)
    }
  }

  if (complete && !statusDone) {
    try {
      // Docs: https://woocommerce.github.io/woocommerce-rest-api-docs/#update-an-order
      await client.write('put', `orders/${orderId}`, { status: 'completed' })
      result.status = 'completed'
    } catch (err) {
      return writeOutcome(err, `setting order ${p.order_number} to completed`)
    }
  } else if (s.complete_orders && p.all_shipped && !complete) {
    result.not_completed =
      'Everything is shipped but no tracking number was given, and the settings complete orders only when one exists.'
  }
  return result.tracking_fallback
    ? {
        status: 'done',
        result,
        notice: {
          code: 'tracking_extension_missing',
          message: `Order ${p.order_number}: ${EXTENSION_MISSING}`,
        },
      }
    : { status: 'done', result }
}
