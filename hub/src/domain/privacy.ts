/**
 * Erasing a customer's personal data when the shop asks (Shopify's mandatory privacy webhooks
 * customers/redact and shop/redact; any connector can ask the same way).
 *
 * What is erased on an order: the customer (name, company, address, e-mail, phones, customer
 * number, remark), the invoice address, the notification details, the order remark and delivery
 * instruction. What stays: order number, lines, quantities, prices, way of delivery, shipments and
 * tracking, returns: the warehouse's and the shop's bookkeeping, which name no one.
 *
 * A finished order (shipped or cancelled) is erased at once. An open order still has to reach the
 * customer, so the request is remembered (`redact_requested_at`) and carried out when the order is
 * finished (`redactDue`, run by the worker); the order shows that it will be erased.
 */
import type { Queryable } from '../store/db.ts'
import { nowIso } from '../util/ids.ts'

const REDACTED = '[erased]'
const FINISHED = ['shipped', 'cancelled'] as const

const erasedCustomer = JSON.stringify({
  name: REDACTED,
  company: null,
  address1: null,
  address2: null,
  postCode: null,
  city: null,
  state: null,
  countryCode: null,
  email: null,
  phone: null,
  mobilePhone: null,
  customerNumber: null,
  remark: null,
})
const erasedNotification = JSON.stringify({
  email: null,
  mobilePhone: null,
  telephone: null,
  notifyByEmail: false,
  notifyBySms: false,
})

export interface ErasureOutcome {
  /** Erased now. */
  erased: number
  /** Still open: erased when finished. */
  deferred: number
  /** Already erased before. */
  already: number
  /** External ids the hub does not hold (nothing to do). */
  unknown: number
}

/**
 * Erase (or schedule erasure of) the connection's orders with these external ids; all of the
 * connection's orders when `externalIds` is null (the shop asked for all its data to go).
 */
export async function requestErasure(
  db: Queryable,
  connectionId: string,
  externalIds: string[] | null,
): Promise<ErasureOutcome> {
  const outcome: ErasureOutcome = { erased: 0, deferred: 0, already: 0, unknown: 0 }
  if (externalIds && externalIds.length === 0) return outcome
  const now = nowIso()
  let q = db
    .selectFrom('orders')
    .select(['id', 'external_id', 'status', 'redacted_at'])
    .where('connection_id', '=', connectionId)
  if (externalIds) q = q.where('external_id', 'in', externalIds)
  const rows = await q.execute()
  if (externalIds) outcome.unknown = new Set(externalIds).size - rows.length
  const finished = rows.filter(
    (r) => !r.redacted_at && (FINISHED as readonly string[]).includes(r.status),
  )
  const open = rows.filter(
    (r) => !r.redacted_at && !(FINISHED as readonly string[]).includes(r.status),
  )
  outcome.already = rows.length - finished.length - open.length
  for (let i = 0; i < finished.length; i += 500)
    outcome.erased += await erase(
      db,
      finished.slice(i, i + 500).map((r) => r.id),
      now,
    )
  for (let i = 0; i < open.length; i += 500) {
    await db
      .updateTable('orders')
      .set({ redact_requested_at: now })
      .where(
        'id',
        'in',
        open.slice(i, i + 500).map((r) => r.id),
      )
      .where('redact_requested_at', 'is', null)
      .execute()
  }
  outcome.deferred = open.length
  return outcome
}

/** Carry out erasures that waited for their orders to be finished. Returns how many were erased. */
export async function redactDue(db: Queryable, limit = 500): Promise<number> {
  const due = await db
    .selectFrom('orders')
    .select('id')
    .where('redact_requested_at', 'is not', null)
    .where('status', 'in', [...FINISHED])
    .limit(limit)
    .execute()
  if (due.length === 0) return 0
  return erase(
    db,
    due.map((r) => r.id),
    nowIso(),
  )
}

async function erase(db: Queryable, ids: string[], now: string): Promise<number> {
  if (ids.length === 0) return 0
  const res = await db
    .updateTable('orders')
    .set({
      customer: erasedCustomer,
      invoice_address: null,
      notification: erasedNotification,
      remark: null,
      delivery_instruction: null,
      redact_requested_at: null,
      redacted_at: now,
      updated_at: now,
    })
    .where('id', 'in', ids)
    .executeTakeFirst()
  return Number(res.numUpdatedRows)
}

/** The hub's orders for a customer's data request: what the shop owner must report. */
export async function ordersHeld(
  db: Queryable,
  connectionId: string,
  externalIds: string[],
): Promise<Array<{ id: string; external_id: string; order_number: string; redacted: boolean }>> {
  if (externalIds.length === 0) return []
  const rows = await db
    .selectFrom('orders')
    .select(['id', 'external_id', 'order_number', 'redacted_at'])
    .where('connection_id', '=', connectionId)
    .where('external_id', 'in', externalIds)
    .execute()
  return rows.map((r) => ({
    id: r.id,
    external_id: r.external_id,
    order_number: r.order_number,
    redacted: r.redacted_at !== null,
  }))
}
