/**
 * Orders in the pull statuses (default `processing`), incrementally by modification time; once a
 * first pass is done, cancelled and refunded orders are read too so the hub can cancel them.
 * Docs: https://woocommerce.github.io/woocommerce-rest-api-docs/#list-all-orders
 */
import type { OrderInput, RecordIssue } from '../../domain/types.ts'
import type { Checkpoint, PullBatch } from '../../sync/connector.ts'
import { type WooClient, type WooCtx, WooError } from './client.ts'
import { asCursor, readByModified } from './keyset.ts'
import { CANCELLED_STATUSES, toOrderInput } from './map-order.ts'
import { customerSchema, orderSchema, parseEach, type WooOrder } from './payloads.ts'

export function mapOrders(
  ctx: WooCtx,
  raw: unknown[],
  customerEmails: ReadonlyMap<number, string> = new Map(),
): { records: OrderInput[]; issues: RecordIssue[] } {
  const { ok, bad } = parseEach(orderSchema, raw)
  const records = wantedOrders(ctx, ok).map((o) =>
    toOrderInput(o, {
      notifyByEmail: ctx.settings.notify_by_email,
      notifyBySms: ctx.settings.notify_by_sms,
      customerEmail: o.customer_id ? (customerEmails.get(o.customer_id) ?? null) : null,
    }),
  )
  const issues: RecordIssue[] = bad.map((b) => ({
    code: 'unreadable_order',
    message: `Order ${b.id} could not be read: ${b.reason}`,
    platformRef: b.id,
  }))
  return { records, issues }
}

function wantedOrders(ctx: WooCtx, orders: WooOrder[]): WooOrder[] {
  const wanted = new Set<string>([...ctx.settings.order_statuses, ...CANCELLED_STATUSES])
  return orders.filter((o) => wanted.has(o.status))
}

/**
 * The seed maps the order's e-mail from "Customer (if set, else billing address)". WooCommerce
 * prefills the billing e-mail from the account at checkout, but the shopper may type another one
 * and the account e-mail may change later, so for orders of registered customers
 * (`customer_id > 0`) the account e-mail is read: one `GET customers?include=…` per page of orders
 * (all of a page's customers in one call; guest orders cost nothing). A customer that no longer
 * exists, or an account without e-mail, falls back to the billing e-mail. A key or host that
 * refuses the customers endpoint (4xx) does not stop the import: billing e-mail, with a warning
 * on the run. Transient failures propagate (the page is read again on the next run).
 */
export async function customerEmails(
  ctx: WooCtx,
  client: WooClient,
  raw: unknown[],
): Promise<{ emails: Map<number, string>; issues: RecordIssue[] }> {
  const emails = new Map<number, string>()
  const ids = [
    ...new Set(
      wantedOrders(ctx, parseEach(orderSchema, raw).ok)
        .map((o) => o.customer_id ?? 0)
        .filter((id) => id > 0),
    ),
  ]
  for (let i = 0; i < ids.length; i += 100) {
    const chunk = ids.slice(i, i + 100)
    try {
      // Docs: https://woocommerce.github.io/woocommerce-rest-api-docs/#list-all-customers
      // (role=all: the default lists only the "customer" role, not e.g. subscribers.)
      const res = await client.get<unknown[]>('customers', {
        include: chunk.join(','),
        per_page: 100,
        role: 'all',
      })
      for (const c of parseEach(customerSchema, res.data).ok)
        if (c.email.trim()) emails.set(c.id, c.email.trim())
    } catch (err) {
      if (err instanceof WooError && !err.transient)
        return {
          emails,
          issues: [
            {
              code: 'customer_lookup_failed',
              level: 'warning',
              message: `The registered customers' e-mail addresses could not be read (${err.message}); these orders use the billing e-mail instead.`,
            },
          ],
        }
      throw err
    }
  }
  return { emails, issues: [] }
}

export function headerStrippedIssue(): RecordIssue {
  return {
    code: 'authorization_header_stripped',
    message:
      "The shop's host removes the Authorization header, so Basic auth never reaches WooCommerce. The hub used query-string auth instead; switch on the query_string_auth setting to make that permanent.",
    level: 'warning',
  }
}

export async function* pullOrders(
  ctx: WooCtx,
  client: WooClient,
  from: Checkpoint,
): AsyncIterable<PullBatch<OrderInput>> {
  const cursor = asCursor(from)
  const statuses = cursor?.since
    ? [...new Set([...ctx.settings.order_statuses, 'cancelled', 'refunded'])]
    : ctx.settings.order_statuses
  let first = true
  let reported = false
  for await (const page of readByModified(
    client,
    'orders',
    { status: statuses.join(',') },
    cursor,
    { overlapSeconds: 120 },
  )) {
    const lookup = await customerEmails(ctx, client, page.items)
    const { records, issues } = mapOrders(ctx, page.items, lookup.emails)
    issues.push(...lookup.issues)
    if (client.headerStripped && !reported) {
      issues.push(headerStrippedIssue())
      reported = true
    }
    yield {
      records,
      issues,
      checkpoint: { ...page.cursor },
      ...(first ? { total: page.total } : {}),
    }
    first = false
  }
}

/** Specific orders (webhook-triggered), whatever their modification time. */
export async function fetchOrders(
  ctx: WooCtx,
  client: WooClient,
  ids: string[],
): Promise<PullBatch<OrderInput>> {
  const numeric = [...new Set(ids.filter((id) => /^\d+$/.test(id)))]
  const records: OrderInput[] = []
  const issues: RecordIssue[] = []
  for (let i = 0; i < numeric.length; i += 100) {
    const chunk = numeric.slice(i, i + 100)
    // Docs: https://woocommerce.github.io/woocommerce-rest-api-docs/#list-all-orders (include=)
    const res = await client.get<unknown[]>('orders', {
      include: chunk.join(','),
      per_page: 100,
      status: 'any',
    })
    const raw = Array.isArray(res.data) ? res.data : []
    const lookup = await customerEmails(ctx, client, raw)
    const mapped = mapOrders(ctx, raw, lookup.emails)
    records.push(...mapped.records)
    issues.push(...mapped.issues, ...lookup.issues)
  }
  return { records, issues, checkpoint: null }
}
