/**
 * The outbox: every write to a shop (and every event pushed to a WMS) is recorded here in the same
 * transaction as the change that caused it, then delivered by the outbox worker. A crash between
 * "decided" and "sent" therefore neither loses a write nor, thanks to the idempotency key and the
 * connector's check of what the shop already has, repeats it.
 */
import { sql } from 'kysely'
import type { Queryable } from '../store/db.ts'
import type { OutboxItem } from '../store/schema.ts'
import { newId, nowIso } from '../util/ids.ts'

export interface EnqueueInput {
  connectionId: string | null
  ownerId: string
  kind: string
  groupKey: string
  idempotencyKey: string
  payload: unknown
  status?: 'pending' | 'held'
}

/** Adds a write unless one with the same idempotency key exists. Returns the item id. */
export async function enqueue(db: Queryable, input: EnqueueInput): Promise<string> {
  const existing = await db
    .selectFrom('outbox')
    .select('id')
    .where('idempotency_key', '=', input.idempotencyKey)
    .executeTakeFirst()
  if (existing) return existing.id
  const now = nowIso()
  const id = newId('obx')
  await db
    .insertInto('outbox')
    .values({
      id,
      connection_id: input.connectionId,
      goods_owner_id: input.ownerId,
      kind: input.kind,
      group_key: input.groupKey,
      idempotency_key: input.idempotencyKey,
      payload: JSON.stringify(input.payload),
      status: input.status ?? 'pending',
      attempts: 0,
      next_attempt_at: now,
      lease_until: null,
      last_error: null,
      result: null,
      created_at: now,
      delivered_at: null,
    })
    .execute()
  return id
}

/**
 * Claims up to `limit` due items, oldest first, at most one per group (a group's writes go out in
 * order), and leases them to `holder` until `leaseMs` from now. Items left 'delivering' by a crashed
 * process become claimable again when their lease expires; their attempt count tells the connector
 * that the write may already have reached the shop.
 */
export async function claimDue(
  db: Queryable,
  options: { limit: number; leaseMs: number; connectionId?: string | null; kinds?: string[] },
): Promise<OutboxItem[]> {
  const now = nowIso()
  const leaseUntil = new Date(Date.now() + options.leaseMs).toISOString()
  let q = db
    .selectFrom('outbox')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
        eb.and([eb('status', '=', 'delivering'), eb('lease_until', '<', now)]),
      ]),
    )
    // Writes for a paused connection (or one held for a person) wait without using up attempts.
    .where((eb) =>
      eb.or([
        eb('connection_id', 'is', null),
        eb(
          'connection_id',
          'in',
          eb.selectFrom('connections').select('id').where('status', '=', 'active'),
        ),
      ]),
    )
    .orderBy('id')
    .limit(options.limit * 4)
  if (options.connectionId !== undefined) {
    q =
      options.connectionId === null
        ? q.where('connection_id', 'is', null)
        : q.where('connection_id', '=', options.connectionId)
  }
  if (options.kinds) q = q.where('kind', 'in', options.kinds)
  const candidates = await q.execute()
  const claimed: OutboxItem[] = []
  const seenGroups = new Set<string>()
  for (const item of candidates) {
    if (claimed.length >= options.limit) break
    if (seenGroups.has(item.group_key)) continue
    seenGroups.add(item.group_key)
    // An older unfinished write in the same group goes first.
    const older = await db
      .selectFrom('outbox')
      .select('id')
      .where('group_key', '=', item.group_key)
      .where('id', '<', item.id)
      .where('status', 'in', ['pending', 'delivering', 'held'])
      .executeTakeFirst()
    if (older) continue
    const updated = await db
      .updateTable('outbox')
      .set({ status: 'delivering', lease_until: leaseUntil, attempts: sql<number>`attempts + 1` })
      .where('id', '=', item.id)
      .where('status', '=', item.status)
      .where('attempts', '=', item.attempts)
      .executeTakeFirst()
    if (Number(updated.numUpdatedRows) === 1) {
      claimed.push({
        ...item,
        status: 'delivering',
        lease_until: leaseUntil,
        attempts: item.attempts + 1,
      })
    }
  }
  return claimed
}

/**
 * Extend this worker's claim on a write it is about to deliver or is delivering. False if the
 * claim is gone: its lease ran out and another worker claimed the write (a new attempt), or it
 * is no longer being delivered.
 */
export async function renewClaim(
  db: Queryable,
  item: Pick<OutboxItem, 'id' | 'attempts'>,
  leaseMs: number,
): Promise<boolean> {
  const updated = await db
    .updateTable('outbox')
    .set({ lease_until: new Date(Date.now() + leaseMs).toISOString() })
    .where('id', '=', item.id)
    .where('status', '=', 'delivering')
    .where('attempts', '=', item.attempts)
    .executeTakeFirst()
  return Number(updated.numUpdatedRows) === 1
}

export async function markDone(db: Queryable, id: string, result: unknown): Promise<void> {
  await db
    .updateTable('outbox')
    .set({
      status: 'done',
      lease_until: null,
      last_error: null,
      delivered_at: nowIso(),
      result: result === undefined ? null : JSON.stringify(result),
    })
    .where('id', '=', id)
    .execute()
}

export async function markRetry(
  db: Queryable,
  id: string,
  reason: string,
  delayMs: number,
): Promise<void> {
  await db
    .updateTable('outbox')
    .set({
      status: 'pending',
      lease_until: null,
      last_error: reason,
      next_attempt_at: new Date(Date.now() + delayMs).toISOString(),
    })
    .where('id', '=', id)
    .execute()
}

export async function markFailed(db: Queryable, id: string, reason: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ status: 'failed', lease_until: null, last_error: reason })
    .where('id', '=', id)
    .execute()
}

/**
 * Exponential backoff with full jitter, capped; a server's Retry-After wins when it asks for longer.
 */
export function backoffMs(attempts: number, retryAfterMs?: number, random = Math.random): number {
  const base = Math.min(15 * 60_000, 1000 * 2 ** Math.max(0, attempts - 1))
  const jittered = Math.floor(base / 2 + random() * (base / 2))
  return Math.max(jittered, retryAfterMs ?? 0)
}

/** Writes that give up after this many attempts are marked failed and shown for a person to retry. */
export const MAX_ATTEMPTS = 12
